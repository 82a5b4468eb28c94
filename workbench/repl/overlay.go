package repl

import (
	"dvmlab/core/classfile"
	"dvmlab/core/service/coverage"
	"dvmlab/workbench/listing"
)

// overlay puts the loaded coverage counts of class on its listing: the
// profile numbers blocks as the coverage service numbered their probes in
// the original class, so the blocks are found again in the class as loaded.
func (s *Session) overlay(lines []string, class string, data []byte, method string) ([]string, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	blocks, err := coverage.Blocks(c)
	if err != nil {
		return nil, err
	}
	counts := listing.Counts{}
	for _, b := range blocks {
		if counts[b.Method] == nil {
			counts[b.Method] = map[int]int64{}
		}
		counts[b.Method][b.Offset] = s.coverage[class][b.ID]
	}
	return listing.WithCounts(lines, data, method, counts)
}

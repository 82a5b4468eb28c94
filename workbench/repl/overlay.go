package repl

import (
	"dvmlab/workbench/listing"
)

// overlay puts the loaded coverage counts of class on its listing.
func (s *Session) overlay(lines []string, class string, data []byte, method string) ([]string, error) {
	counts, err := listing.CountsOf(data, s.coverage[class])
	if err != nil {
		return nil, err
	}
	return listing.WithCounts(lines, data, method, counts)
}

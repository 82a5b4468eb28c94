package listing

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/service/coverage"
)

// Counts are a coverage profile mapped onto a class: for each method (name
// and descriptor, as "main([Ljava/lang/String;)V") the offset of each basic
// block's first instruction and how many times the block ran.
type Counts map[string]map[int]int64

// countedLine finds an instruction's offset in a listing line, behind the
// gutter Annotated draws if there is one.
var countedLine = regexp.MustCompile(`^[ │┌└╶▶]*?\s(\d+): `)

// countWidth is the width of the count column.
const countWidth = 10

// WithCounts puts a column of execution counts left of a listing made by Of
// or Annotated of the same data and method: at the first instruction of
// every block the profile knows of, how many times it ran (0: never); a
// blank elsewhere. Methods the profile does not name get no counts.
func WithCounts(lines []string, data []byte, method string, counts Counts) ([]string, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	// As in Annotated: the k-th "Code:" block is the k-th listed method
	// with code.
	var keys []string
	for _, m := range c.Methods {
		if m.Code() == nil || (method != "" && c.MemberName(m) != method) {
			continue
		}
		keys = append(keys, c.MemberName(m)+c.MemberDesc(m))
	}
	blank := strings.Repeat(" ", countWidth)
	out := make([]string, 0, len(lines))
	var cur map[int]int64
	next := 0
	for _, l := range lines {
		if strings.TrimSpace(strings.TrimLeft(l, " │┌└╶▶")) == "Code:" {
			cur = nil
			if next < len(keys) {
				cur = counts[keys[next]]
				next++
			}
			out = append(out, blank+l)
			continue
		}
		if m := countedLine.FindStringSubmatch(l); m != nil && cur != nil {
			off, _ := strconv.Atoi(m[1])
			if n, ok := cur[off]; ok {
				out = append(out, fmt.Sprintf("%*s ", countWidth-1, "×"+strconv.FormatInt(n, 10))+l)
				continue
			}
		}
		out = append(out, blank+l)
	}
	return out, nil
}

// Profile is a coverage profile as the runtime writes it: class (internal
// name) -> block number -> executions.
type Profile map[string]map[int]int64

// ReadProfile reads a coverage profile, one "class block count" per line.
func ReadProfile(path string) (Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := Profile{}
	for i, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var cls string
		var block int
		var n int64
		if _, err := fmt.Sscan(l, &cls, &block, &n); err != nil {
			return nil, fmt.Errorf("%s:%d: not a coverage line (class block count): %q", path, i+1, l)
		}
		if p[cls] == nil {
			p[cls] = map[int]int64{}
		}
		p[cls][block] += n
	}
	return p, nil
}

// CountsOf maps one class's block counts onto its code: the coverage
// service numbers the blocks of the original class in order (Blocks), so
// they are found again in the class as it came.
func CountsOf(data []byte, byBlock map[int]int64) (Counts, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	blocks, err := coverage.Blocks(c)
	if err != nil {
		return nil, err
	}
	counts := Counts{}
	for _, b := range blocks {
		if counts[b.Method] == nil {
			counts[b.Method] = map[int]int64{}
		}
		counts[b.Method][b.Offset] = byBlock[b.ID]
	}
	return counts, nil
}

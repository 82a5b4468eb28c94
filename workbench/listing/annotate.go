package listing

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/javap"
)

// maxRangeColumns is how many exception ranges get a column of their own in
// the gutter; more nested ranges than that share the last one.
const maxRangeColumns = 4

// instructionLine matches javap's "  12: opcode …" lines.
var instructionLine = regexp.MustCompile(`^\s+(\d+): `)

// Annotated is Of with control flow drawn: a gutter left of each
// instruction shows the exception ranges covering it (┌ first instruction,
// │ inside, └ last), ▶ marks where a branch or handler lands, and a comment
// names the offsets that jump there and the handlers that start there.
func Annotated(data []byte, method string) ([]string, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	opt := javap.Options{Code: true, Private: true}
	var b bytes.Buffer
	var methods []*classfile.Member
	if method == "" {
		if err := javap.Print(&b, c, opt); err != nil {
			return nil, err
		}
		methods = c.Methods
	} else {
		for _, m := range c.Methods {
			if c.MemberName(m) == method {
				methods = append(methods, m)
				if err := javap.PrintMethod(&b, c, m, opt); err != nil {
					return nil, err
				}
			}
		}
		if len(methods) == 0 {
			return nil, fmt.Errorf("no method %s", method)
		}
	}
	var flows []*flow
	for _, m := range methods {
		if code := m.Code(); code != nil {
			flows = append(flows, flowOf(c, code))
		}
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	// javap prints the methods in class-file order, one "Code:" block each,
	// so the k-th block belongs to the k-th method with code.
	var cur *flow
	next := 0
	out := make([]string, 0, len(lines))
	blank := strings.Repeat(" ", gutterWidth)
	for _, l := range lines {
		if strings.TrimSpace(l) == "Code:" {
			cur = nil
			if next < len(flows) {
				cur = flows[next]
				next++
			}
			out = append(out, blank+l)
			continue
		}
		m := instructionLine.FindStringSubmatch(l)
		if cur == nil || m == nil {
			out = append(out, blank+l)
			continue
		}
		off, _ := strconv.Atoi(m[1])
		out = append(out, cur.gutter(off)+l+cur.comment(off))
	}
	return out, nil
}

// gutterWidth is the range columns, the landing mark and a space.
const gutterWidth = maxRangeColumns + 2

// flow is what Annotated draws for one method.
type flow struct {
	sources  map[int][]int    // target offset -> offsets that branch there
	handlers map[int][]string // handler offset -> what it catches and where
	ranges   []span           // exception ranges, by column
	last     map[int]int      // offset -> offset of the next instruction
}

type span struct{ start, end int } // [start, end)

func flowOf(c *classfile.Class, code *classfile.Code) *flow {
	f := &flow{sources: map[int][]int{}, handlers: map[int][]string{}, last: map[int]int{}}
	insns, err := bytecode.Decode(code.Code)
	if err != nil {
		return f // the listing itself shows what is wrong
	}
	for i := range insns {
		in := &insns[i]
		end := len(code.Code)
		if i+1 < len(insns) {
			end = insns[i+1].Offset
		}
		f.last[in.Offset] = end
		for _, t := range in.BranchTargets() {
			f.sources[t] = append(f.sources[t], in.Offset)
		}
	}
	for _, h := range code.Handlers {
		catch := "any"
		if h.CatchType != 0 {
			catch = classfile.BinaryName(c.Pool.ClassName(h.CatchType))
		}
		f.handlers[int(h.HandlerPC)] = append(f.handlers[int(h.HandlerPC)], fmt.Sprintf("catch %s in [%d, %d)", catch, h.StartPC, h.EndPC))
		f.ranges = append(f.ranges, span{int(h.StartPC), int(h.EndPC)})
	}
	// Identical ranges (several catch clauses of one try) share a column.
	sort.SliceStable(f.ranges, func(i, j int) bool {
		a, b := f.ranges[i], f.ranges[j]
		return a.start < b.start || a.start == b.start && a.end > b.end
	})
	uniq := f.ranges[:0]
	for _, r := range f.ranges {
		if len(uniq) == 0 || uniq[len(uniq)-1] != r {
			uniq = append(uniq, r)
		}
	}
	f.ranges = uniq
	return f
}

func (f *flow) gutter(off int) string {
	var b strings.Builder
	cols := make([]rune, maxRangeColumns)
	for i := range cols {
		cols[i] = ' '
	}
	for k, r := range f.ranges {
		col := min(k, maxRangeColumns-1)
		if off < r.start || off >= r.end {
			continue
		}
		ch := '│'
		switch {
		case off == r.start && f.last[off] >= r.end:
			ch = '╶'
		case off == r.start:
			ch = '┌'
		case f.last[off] >= r.end:
			ch = '└'
		}
		if cols[col] == ' ' || col < k {
			cols[col] = ch
		}
	}
	b.WriteString(string(cols))
	if len(f.sources[off]) > 0 || len(f.handlers[off]) > 0 {
		b.WriteString("▶ ")
	} else {
		b.WriteString("  ")
	}
	return b.String()
}

func (f *flow) comment(off int) string {
	var parts []string
	if src := f.sources[off]; len(src) > 0 {
		s := make([]string, len(src))
		for i, o := range src {
			s[i] = strconv.Itoa(o)
		}
		parts = append(parts, "from "+strings.Join(s, ", "))
	}
	parts = append(parts, f.handlers[off]...)
	if len(parts) == 0 {
		return ""
	}
	return "   ◀ " + strings.Join(parts, "; ")
}

// Verbose is javap -v -p's text of a class: the constant pool, flags and
// every attribute, for looking at what the code listing leaves out.
func Verbose(data []byte) ([]string, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := javap.Print(&b, c, javap.Options{Verbose: true, Private: true}); err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n"), nil
}

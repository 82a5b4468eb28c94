// Package listing makes the javap-style text the workbench shows, and diffs
// two listings instruction by instruction.
package listing

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/javap"
)

// Of is the javap -c -p text of a class, or of the methods named method
// (every overload) when method is set.
func Of(data []byte, method string) ([]string, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	opt := javap.Options{Code: true, Private: true}
	var b bytes.Buffer
	if method == "" {
		err = javap.Print(&b, c, opt)
	} else {
		found := false
		for _, m := range c.Methods {
			if c.MemberName(m) == method {
				found = true
				if err = javap.PrintMethod(&b, c, m, opt); err != nil {
					break
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("no method %s", method)
		}
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n"), nil
}

// listingKey is what two listing lines are compared by: the line without
// its instruction offset, so code that only moved is not shown as changed.
func listingKey(l string) string {
	t := strings.TrimLeft(l, " ")
	if i := strings.Index(t, ": "); i > 0 {
		if _, err := strconv.Atoi(t[:i]); err == nil {
			return strings.TrimSpace(t[i+2:])
		}
	}
	return l
}

// numbers matches the numbers in a line, for telling a line whose operands
// (branch targets, exception-table offsets) moved from one that changed.
var numbers = regexp.MustCompile(`\d+`)

// Diff diffs two listings line by line by listingKey, member by member: a
// field or method is compared only with the one of the same declaration, so
// a change in one never smears over its neighbours, and a class of any size
// is diffed in time proportional to its size times the changes.
//
// Each line of the result starts with ' ' (in both; b's text), '-' (only in
// a), '+' (only in b) or '~' (the same instruction or table row whose
// offsets moved: b's text, then what a had).
func Diff(a, b []string) []string {
	ca, cb := chunks(a), chunks(b)
	ka, kb := make([]string, len(ca)), make([]string, len(cb))
	for i, c := range ca {
		ka[i] = c.key
	}
	for i, c := range cb {
		kb[i] = c.key
	}
	var out []string
	i, j := 0, 0
	for _, op := range editScript(ka, kb) {
		switch op {
		case '-':
			for _, l := range ca[i].lines {
				out = append(out, "-"+l)
			}
			i++
		case '+':
			for _, l := range cb[j].lines {
				out = append(out, "+"+l)
			}
			j++
		default:
			out = append(out, diffLines(ca[i].lines, cb[j].lines)...)
			i++
			j++
		}
	}
	return out
}

// chunk is the class header or one member of a listing: its declaration
// line is its key.
type chunk struct {
	key   string
	lines []string
}

// chunks splits a listing at its member declarations, which javap indents
// by two spaces (code, tables and the closing brace are indented more or
// not at all).
func chunks(l []string) []chunk {
	out := []chunk{{key: "\x00header"}}
	for _, line := range l {
		if len(line) > 2 && line[:2] == "  " && line[2] != ' ' {
			out = append(out, chunk{key: line})
		}
		last := &out[len(out)-1]
		last.lines = append(last.lines, line)
	}
	return out
}

// diffLines diffs one member's lines, pairing a removed and an added line
// that differ only in their numbers as one moved line ('~').
func diffLines(a, b []string) []string {
	ka := make([]string, len(a))
	kb := make([]string, len(b))
	for i, l := range a {
		ka[i] = listingKey(l)
	}
	for i, l := range b {
		kb[i] = listingKey(l)
	}
	ops := editScript(ka, kb)
	var out []string
	i, j := 0, 0
	for p := 0; p < len(ops); {
		if ops[p] == ' ' {
			out = append(out, " "+b[j])
			i, j, p = i+1, j+1, p+1
			continue
		}
		// A run of changes: removed lines, added lines.
		var dels, adds []int
		for ; p < len(ops) && ops[p] != ' '; p++ {
			if ops[p] == '-' {
				dels = append(dels, i)
				i++
			} else {
				adds = append(adds, j)
				j++
			}
		}
		pairOf := map[int]int{} // added line -> removed line it replaces
		paired := map[int]bool{}
		next := 0
		for _, y := range adds {
			shape := shapeOf(kb[y])
			for x := next; x < len(dels); x++ {
				if shapeOf(ka[dels[x]]) == shape {
					pairOf[y], paired[dels[x]] = dels[x], true
					next = x + 1
					break
				}
			}
		}
		for _, x := range dels {
			if !paired[x] {
				out = append(out, "-"+a[x])
			}
		}
		for _, y := range adds {
			if x, ok := pairOf[y]; ok {
				out = append(out, "~"+b[y]+"   (was: "+strings.Join(strings.Fields(ka[x]), " ")+")")
			} else {
				out = append(out, "+"+b[y])
			}
		}
	}
	return out
}

// shapeOf is a line with its numbers and its spacing (javap aligns table
// columns to the widest number) left out.
func shapeOf(key string) string {
	return strings.Join(strings.Fields(numbers.ReplaceAllString(key, "N")), " ")
}

// maxEdits bounds the differences the O((N+M)D) diff looks for; beyond it
// the quadratic table is used where it fits.
const maxEdits = 4000

// editScript is a shortest edit script from a to b: ' ' keep, '-' delete
// from a, '+' insert from b. It is Myers' greedy algorithm (Myers, "An
// O(ND) difference algorithm and its variations", 1986), fast when the
// differences are few, as a pipeline stage's are.
func editScript(a, b []string) []byte {
	// Equal ends cost nothing to set aside.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	mid, ok := myers(a[pre:len(a)-suf], b[pre:len(b)-suf], maxEdits)
	if !ok {
		mid = lcsScript(a[pre:len(a)-suf], b[pre:len(b)-suf])
	}
	out := make([]byte, 0, pre+len(mid)+suf)
	out = append(out, bytes.Repeat([]byte{' '}, pre)...)
	out = append(out, mid...)
	return append(out, bytes.Repeat([]byte{' '}, suf)...)
}

// myers finds an edit script with at most maxD edits, or reports that there
// is none.
func myers(a, b []string, maxD int) ([]byte, bool) {
	n, m := len(a), len(b)
	max := min(n+m, maxD)
	off := max + 1
	v := make([]int, 2*max+3)
	// trace[d] is v over diagonals -d..d before round d: what backtracking
	// from round d needs.
	var trace [][]int
	for d := 0; d <= max; d++ {
		trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m, d), true
			}
		}
	}
	return nil, false
}

func backtrack(trace [][]int, n, m, D int) []byte {
	var rev []byte
	x, y := n, m
	for d := D; d > 0; d-- {
		prev := trace[d] // diagonals -d..d, as round d found them
		at := func(k int) int { return prev[k+d] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			rev = append(rev, ' ')
			x, y = x-1, y-1
		}
		if x == px {
			rev = append(rev, '+')
		} else {
			rev = append(rev, '-')
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		rev = append(rev, ' ')
		x, y = x-1, y-1
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// lcsScript is the quadratic longest-common-subsequence edit script, for
// members that changed too much for myers; beyond maxCells the whole of a
// is removed and b added.
func lcsScript(a, b []string) []byte {
	const maxCells = 16 << 20
	if len(a)*len(b) > maxCells {
		return append(bytes.Repeat([]byte{'-'}, len(a)), bytes.Repeat([]byte{'+'}, len(b))...)
	}
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	var out []byte
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, ' ')
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, '-')
			i++
		default:
			out = append(out, '+')
			j++
		}
	}
	out = append(out, bytes.Repeat([]byte{'-'}, len(a)-i)...)
	return append(out, bytes.Repeat([]byte{'+'}, len(b)-j)...)
}

// DiffClasses diffs two versions of a class, or of its methods named
// method: the code by Diff, then apart from it what a code listing leaves
// out, the constant-pool entries added (a rewrite keeps the pool and
// appends; JVMS §4.4) and the methods whose StackMapTable (JVMS §4.7.4)
// changed.
func DiffClasses(prev, cur []byte, method string) ([]string, error) {
	a, err := Of(prev, method)
	if err != nil {
		return nil, err
	}
	b, err := Of(cur, method)
	if err != nil {
		return nil, err
	}
	out := Diff(a, b)
	pc, err := classfile.Parse(prev)
	if err != nil {
		return nil, err
	}
	cc, err := classfile.Parse(cur)
	if err != nil {
		return nil, err
	}
	if added := cc.Pool.Len() - pc.Pool.Len(); added > 0 {
		v, err := Verbose(cur)
		if err != nil {
			return nil, err
		}
		var entries []string
		for _, l := range v {
			if m := poolEntry.FindStringSubmatch(l); m != nil {
				if i, _ := strconv.Atoi(m[1]); i >= pc.Pool.Len() {
					entries = append(entries, "+"+l)
				}
			}
		}
		out = append(out, "", fmt.Sprintf(" Constant pool: %d entries added", len(entries)))
		out = append(out, entries...)
	}
	frames := func(c *classfile.Class) map[string]*classfile.StackMapTable {
		t := map[string]*classfile.StackMapTable{}
		for _, m := range c.Methods {
			if method != "" && c.MemberName(m) != method {
				continue
			}
			key := c.MemberName(m) + c.MemberDesc(m)
			t[key] = nil
			if code := m.Code(); code != nil {
				for _, at := range code.Attributes {
					if smt, ok := at.(*classfile.StackMapTable); ok {
						t[key] = smt
					}
				}
			}
		}
		return t
	}
	pf, cf := frames(pc), frames(cc)
	var changed []string
	for _, m := range cc.Methods {
		key := cc.MemberName(m) + cc.MemberDesc(m)
		after, ok := cf[key]
		if !ok {
			continue
		}
		before, had := pf[key]
		n0, n1 := frameCount(before), frameCount(after)
		if !had || n0 != n1 || !sameFrames(before, after) {
			changed = append(changed, fmt.Sprintf("~  %s: %d frames -> %d", key, n0, n1))
		}
	}
	if len(changed) > 0 {
		out = append(out, "", fmt.Sprintf(" StackMapTable: %d methods' frames changed", len(changed)))
		out = append(out, changed...)
	}
	return out, nil
}

// poolEntry matches javap -v's "   #12 = Methodref …" lines.
var poolEntry = regexp.MustCompile(`^\s+#(\d+) = `)

func frameCount(t *classfile.StackMapTable) int {
	if t == nil {
		return 0
	}
	return len(t.Frames)
}

// sameFrames compares two tables frame by frame as javap -v prints them.
func sameFrames(a, b *classfile.StackMapTable) bool {
	if a == nil || b == nil {
		return a == b
	}
	return fmt.Sprint(a.Frames) == fmt.Sprint(b.Frames)
}

package notebook

import (
	"fmt"
	"regexp"
	"strings"
)

// Pattern markers end an expected line that matches by pattern.
const (
	reSuffix   = " (re)"
	globSuffix = " (glob)"
)

// Match reports whether an actual line matches an expected one: equal, or
// matched by the expected line's pattern.
func Match(expected, actual string) bool {
	if expected == actual {
		return true
	}
	if p, ok := strings.CutSuffix(expected, reSuffix); ok {
		re, err := regexp.Compile(`^(?:` + p + `)$`)
		return err == nil && re.MatchString(actual)
	}
	if p, ok := strings.CutSuffix(expected, globSuffix); ok {
		return globMatch(p, actual)
	}
	return false
}

// checkPattern reports a malformed pattern line.
func checkPattern(line string) error {
	if p, ok := strings.CutSuffix(line, reSuffix); ok {
		if _, err := regexp.Compile(`^(?:` + p + `)$`); err != nil {
			return fmt.Errorf("bad (re) pattern: %v", err)
		}
	}
	return nil
}

// globMatch matches s against a glob where * is any run of characters
// (slashes included), ? one character and \ quotes the next one.
func globMatch(p, s string) bool {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(regexp.QuoteMeta(p[i : i+1]))
			} else {
				b.WriteString(`\\`)
			}
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}

// op is one step of an edit script between expected and actual lines.
type op struct {
	kind byte // ' ' both (matched), '-' expected only, '+' actual only
	e, a int  // indices into expected and actual (for ' ' both)
}

// align finds a longest common subsequence of expected and actual under
// Match and returns the edit script, in order. Outputs are a few hundred
// lines at most, so the quadratic table is fine.
func align(expected, actual []string) []op {
	n, m := len(expected), len(actual)
	// Common prefix and suffix first: the usual case is nearly equal.
	pre := 0
	for pre < n && pre < m && Match(expected[pre], actual[pre]) {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < m-pre && Match(expected[n-1-suf], actual[m-1-suf]) {
		suf++
	}
	e, a := expected[pre:n-suf], actual[pre:m-suf]
	lcs := make([][]int32, len(e)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(a)+1)
	}
	for i := len(e) - 1; i >= 0; i-- {
		for j := len(a) - 1; j >= 0; j-- {
			if Match(e[i], a[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	for i := 0; i < pre; i++ {
		ops = append(ops, op{' ', i, i})
	}
	i, j := 0, 0
	for i < len(e) || j < len(a) {
		switch {
		case i < len(e) && j < len(a) && Match(e[i], a[j]) && lcs[i][j] == lcs[i+1][j+1]+1:
			ops = append(ops, op{' ', pre + i, pre + j})
			i, j = i+1, j+1
		case i < len(e) && (j == len(a) || lcs[i+1][j] >= lcs[i][j+1]):
			// What was expected goes first, as diff -u has it.
			ops = append(ops, op{'-', pre + i, -1})
			i++
		default:
			ops = append(ops, op{'+', -1, pre + j})
			j++
		}
	}
	for k := 0; k < suf; k++ {
		ops = append(ops, op{' ', n - suf + k, m - suf + k})
	}
	return ops
}

// unified renders an edit script as a unified diff with three lines of
// context; first is the file line of expected[0], so the hunk headers name
// lines of the notebook.
func unified(ops []op, expected, actual []string, first int) string {
	const ctx = 3
	var b strings.Builder
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		// A hunk: from ctx lines before this change to ctx after the last
		// change closer than 2*ctx lines of context.
		start := max(0, k-ctx)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(len(ops), end+ctx)
				break
			}
			end = run
		}
		ePos, aPos, eN, aN := -1, -1, 0, 0
		eBefore, aBefore := 0, 0
		for _, o := range ops[:start] {
			if o.kind != '+' {
				eBefore++
			}
			if o.kind != '-' {
				aBefore++
			}
		}
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				eN++
			}
			if o.kind != '-' {
				aN++
			}
		}
		ePos, aPos = first+eBefore, first+aBefore
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", ePos, eN, aPos, aN)
		for _, o := range ops[start:end] {
			switch o.kind {
			case ' ':
				fmt.Fprintf(&b, " %s\n", actual[o.a])
			case '-':
				fmt.Fprintf(&b, "-%s\n", expected[o.e])
			case '+':
				fmt.Fprintf(&b, "+%s\n", actual[o.a])
			}
		}
		k = end
	}
	return b.String()
}

// updated is what --update writes for an output block: expected lines
// that still match (patterns kept as patterns), actual lines elsewhere.
func updated(ops []op, expected, actual []string) []string {
	var out []string
	for _, o := range ops {
		switch o.kind {
		case ' ':
			out = append(out, expected[o.e])
		case '+':
			out = append(out, actual[o.a])
		}
	}
	return out
}

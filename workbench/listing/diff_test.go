package listing

import (
	"regexp"
	"strings"
	"testing"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
)

func TestDiffAlignsMovedCode(t *testing.T) {
	a := []string{"class C {", "  void m();", "    Code:", "       0: iload_0", "       1: ifeq          5", "       4: nop", "       5: return",
		"  void n();", "    Code:", "       0: return", "}"}
	b := []string{"class C {", "  void m();", "    Code:", "       0: nop", "       1: iload_0", "       2: ifeq          6", "       5: nop", "       6: return",
		"  void n();", "    Code:", "       0: return", "}"}
	got := strings.Join(Diff(a, b), "\n")
	want := strings.Join([]string{" class C {", "   void m();", "     Code:", "+       0: nop", "        1: iload_0",
		"~       2: ifeq          6   (was: ifeq 5)", "        5: nop", "        6: return",
		"   void n();", "     Code:", "        0: return", " }"}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestEditScript checks the O(ND) diff against the quadratic one on the
// length of the edit script, which both must make shortest.
func TestEditScript(t *testing.T) {
	cases := [][2]string{{"", ""}, {"abc", ""}, {"", "abc"}, {"abcabba", "cbabac"}, {"xaxbxc", "abc"}, {"aaaa", "aaba"}}
	for _, c := range cases {
		a, b := strings.Split(c[0], ""), strings.Split(c[1], "")
		if c[0] == "" {
			a = nil
		}
		if c[1] == "" {
			b = nil
		}
		m, ok := myers(a, b, 100)
		if !ok {
			t.Fatalf("%q %q: no script", c[0], c[1])
		}
		l := lcsScript(a, b)
		edits := func(s []byte) int { return strings.Count(string(s), "-") + strings.Count(string(s), "+") }
		if edits(m) != edits(l) {
			t.Errorf("%q -> %q: myers %q (%d edits), lcs %q (%d)", c[0], c[1], m, edits(m), l, edits(l))
		}
		// Applying the script to a gives b.
		var got []string
		i, j := 0, 0
		for _, op := range m {
			switch op {
			case ' ':
				got = append(got, a[i])
				i, j = i+1, j+1
			case '-':
				i++
			case '+':
				got = append(got, b[j])
				j++
			}
		}
		if strings.Join(got, "") != c[1] {
			t.Errorf("%q -> %q: script %q gives %q", c[0], c[1], m, strings.Join(got, ""))
		}
	}
}

// probe matches what the coverage service inserts before a block: the
// class name, the block number, the call.
var probe = regexp.MustCompile(`^\s*\d+: (ldc(_w)?\s+#\d+\s+// String |sipush|bipush|iconst_|invokestatic\s+#\d+\s+// Method dvmlab/runtime/Coverage\.hit)`)

// TestStringDiff is the diff on one of the JDK's largest classes,
// java.lang.String: after the parse stage (written back as it came) no line
// changes; after coverage only the probes are added and the rest moved:
// branch targets and exception ranges, shown as moved lines. The constant
// pool's additions and the new frames are shown apart.
func TestStringDiff(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	data, err := jdk.Find("java/lang/String")
	if err != nil {
		t.Fatal(err)
	}
	for _, services := range []string{"none", "coverage"} {
		p, err := service.Parse(services)
		if err != nil {
			t.Fatal(err)
		}
		p.Hierarchy = classpath.NewHierarchy(jdk)
		res, err := p.ProcessStages(data, 1)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := DiffClasses(data, res.Out, "")
		if err != nil {
			t.Fatal(err)
		}
		counts := map[byte]int{}
		section := ""
		for _, l := range lines {
			if strings.HasPrefix(l, " Constant pool:") || strings.HasPrefix(l, " StackMapTable:") {
				section = l
				continue
			}
			if l == "" {
				continue
			}
			counts[l[0]]++
			switch {
			case section != "":
			case l[0] == '-':
				t.Errorf("%s: a line removed: %s", services, l)
			case l[0] == '+' && !probe.MatchString(l[1:]):
				t.Errorf("%s: an added line that is not a probe: %s", services, l)
			}
		}
		t.Logf("%s: %d lines, %d unchanged, %d added, %d moved", services, len(lines), counts[' '], counts['+'], counts['~'])
		if services == "none" && (counts[' '] != len(lines) || len(lines) < 5000) {
			t.Errorf("none: %d of %d lines unchanged", counts[' '], len(lines))
		}
		if services == "coverage" && (counts['+'] < 1000 || section == "") {
			t.Errorf("coverage: %d lines added; sections %q", counts['+'], section)
		}
	}
}

package tui

import (
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
)

// What a coverage step may change in a listing (JVMS §4.7.3): the probes
// it inserts (the class name, the block number, the call), and, marked as
// moved, the branches (§6.5 goto, if*), switch entries and exception table
// rows whose targets it moved, each with what it was.
var (
	probeLine  = regexp.MustCompile(`^\+\s*\d+: (ldc(_w)?\s+#\d+\s+// String |sipush|bipush|iconst_|invokestatic\s+#\d+\s+// Method dvmlab/runtime/Coverage\.hit)`)
	movedLine  = regexp.MustCompile(`^~\s*\d+: (goto(_w)?|jsr(_w)?|if\w+)\s+\d+\s+\(was: \S+ \d+\)$`)
	movedCase  = regexp.MustCompile(`^~\s+(-?\d+|default): \d+\s+\(was: (default: )?\d+\)$`)
	movedRange = regexp.MustCompile(`^~\s+\d+\s+\d+\s+\d+\s+(any|Class \S+)\s+\(was: \d+ \d+ \d+ (any|Class \S+)\)$`)
)

// TestStringDiffInTUI: java.lang.String, one of the JDK's largest classes,
// stepped in the TUI opened on the JDK. After the parse stage alone (the
// pipeline none: parsed and written back) the diff changes no line; after
// coverage it adds only probes and marks only moved branch targets, switch
// entries and exception ranges; the constant pool's additions and the
// StackMapTables are listed apart, after the code.
func TestStringDiffInTUI(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	for _, services := range []string{"none", "coverage"} {
		p, err := service.Parse(services)
		if err != nil {
			t.Fatal(err)
		}
		p.Hierarchy = classpath.NewHierarchy(jdk)
		m, err := New(jdk, p)
		if err != nil {
			t.Fatal(err)
		}
		m.hideTimes = true
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
		keys(m, "/")
		for _, r := range "java.lang.String" {
			keys(m, string(r))
		}
		keys(m, "enter")
		if m.selected() != "java/lang/String" {
			t.Fatalf("filter java.lang.String selects %s", m.selected())
		}
		keys(m, "s")
		if m.current() != viewDiff {
			t.Fatalf("%s: no diff after s: %s", services, m.status)
		}
		lines := m.right().lines
		count := map[byte]int{}
		apart := ""
		for _, l := range lines {
			if strings.HasPrefix(l, " Constant pool:") || strings.HasPrefix(l, " StackMapTable:") {
				apart = l
				continue
			}
			if l == "" {
				count[0]++
				continue
			}
			count[l[0]]++
			if l[0] == ' ' || apart != "" {
				continue
			}
			switch {
			case services == "none":
				t.Errorf("none: a line changed: %s", l)
			case l[0] == '+' && probeLine.MatchString(l):
			case l[0] == '~' && (movedLine.MatchString(l) || movedCase.MatchString(l) || movedRange.MatchString(l)):
			default:
				t.Errorf("coverage: neither a probe nor a moved target: %s", l)
			}
		}
		t.Logf("%s: %d lines, %d unchanged, %d added, %d moved, %d removed", services, len(lines), count[' '], count['+'], count['~'], count['-'])
		switch {
		case services == "none" && (len(lines) < 5000 || count[' ']+count[0] != len(lines)):
			t.Errorf("none: %d of %d lines unchanged", count[' '], len(lines))
		case services == "coverage" && (count['+'] < 1000 || count['~'] < 100 || apart == ""):
			t.Errorf("coverage: %d added, %d moved, sections apart %q", count['+'], count['~'], apart)
		}
		if strings.Contains(m.status, "error") {
			t.Errorf("%s: %s", services, m.status)
		}
	}
}

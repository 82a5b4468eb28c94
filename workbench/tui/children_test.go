package tui

import (
	"strings"
	"testing"
)

// TestChildModels: the listing and the diff are child models of their own;
// the root routes a key to the one on screen, and its key map feeds the
// help: } and { move from change to change in the diff only, v is the
// listing's and from the diff brings the listing back as the constant
// pool.
func TestChildModels(t *testing.T) {
	m := model(t)
	keys(m, "/", "C", "L", "e", "x", "G", "e", "n", "enter")
	if m.child() != rightPane(&m.listing) {
		t.Fatalf("the listing is not the child on screen: %s", m.current())
	}
	keys(m, "?")
	if v := m.View(); !strings.Contains(v, "v code / constant pool") || strings.Contains(v, "next change") {
		t.Fatalf("the listing's help:\n%s", v)
	}
	keys(m, "?", "}")
	if m.right().scroll != 0 {
		t.Errorf("} moved the listing to line %d", m.right().scroll)
	}
	keys(m, "s")
	if m.child() != rightPane(&m.diff) {
		t.Fatalf("the diff is not the child on screen after s: %s", m.current())
	}
	changes := m.diff.changes()
	if len(changes) < 3 {
		t.Fatalf("coverage made %d runs of changes in CLexGen", len(changes))
	}
	if got := m.right().scroll; got != max(0, changes[0]-3) {
		t.Errorf("first change at line %d, diff scrolled to %d", changes[0], got)
	}
	keys(m, "}")
	if got := m.right().scroll; got != changes[1]-3 || !strings.Contains(m.status, "change 2 of ") {
		t.Errorf("}: scrolled to %d, want %d (%s)", got, changes[1]-3, m.status)
	}
	keys(m, "}", "{")
	if got := m.right().scroll; got != changes[1]-3 || !strings.Contains(m.status, "change 2 of ") {
		t.Errorf("} {: scrolled to %d, want %d (%s)", got, changes[1]-3, m.status)
	}
	keys(m, "?")
	if v := m.View(); !strings.Contains(v, "} next change") || !strings.Contains(v, "{ previous change") {
		t.Fatalf("the diff's help:\n%s", v)
	}
	keys(m, "?", "v")
	if m.current() != viewListing || !strings.Contains(strings.Join(m.right().lines, "\n"), "Constant pool:") {
		t.Fatalf("v from the diff: %s\n%s", m.current(), m.View())
	}
	// The listing shows the class as stepped: the probes' constants.
	if !strings.Contains(strings.Join(m.right().lines, "\n"), "dvmlab/runtime/Cover") {
		t.Error("v from the diff lists the class as it came, not as stepped")
	}
}

package tui

import (
	"strings"
	"testing"
	"time"

	"dvmlab/core/native"
)

// TestPassesInNativePane: I walks the method the listing is at through the
// compiler, as the REPL's step after native does: its IR after the front
// end, after each pass in native.Passes' order, then its amd64 and Alpha
// assembly; then it starts again.
func TestPassesInNativePane(t *testing.T) {
	m := model(t)
	v, fm := runModel(t, m, "1/", 30*time.Second, "/", "=SparseBitSet", "enter", "g", "=size", "enter", "I")
	if !strings.Contains(v, "— native") || !strings.Contains(fm.status, "JLex.SparseBitSet.size 1/") || !strings.Contains(fm.status, "IR after build") {
		t.Fatalf("I on SparseBitSet.size:\n%s", v)
	}
	want := []string{"build"}
	for _, p := range native.Passes {
		want = append(want, p.Name)
	}
	want = append(want, "amd64", "alpha")
	if n := len(fm.walk.stages); n != len(want) {
		t.Fatalf("%d stages, want %d", n, len(want))
	}
	for i, w := range want[1:] {
		keys(fm, "I")
		kind := "IR after " + w
		if w == "amd64" || w == "alpha" {
			kind = w + " assembly"
		}
		if !strings.Contains(fm.status, kind) || fm.current() != viewNative {
			t.Fatalf("I %d: %s (%s)", i+2, fm.status, fm.current())
		}
	}
	text := strings.Join(fm.right().lines, "\n")
	if !strings.Contains(text, ".ent Java_JLex_SparseBitSet_size__") {
		t.Errorf("the last stage is not Alpha's code:\n%s", text)
	}
	keys(fm, "I")
	if !strings.Contains(fm.status, "IR after build") {
		t.Errorf("after alpha, I starts again: %s", fm.status)
	}
	// Above the first method there is nothing to walk.
	m = model(t)
	keys(m, "I")
	if !strings.Contains(m.status, "go to a method first") {
		t.Errorf("I above the first method: %s", m.status)
	}
}

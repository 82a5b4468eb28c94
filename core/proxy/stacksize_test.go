package proxy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeepStacksCompact stores the calling contexts of a deep recursion
// (a ray tracer's: 300 frames under each of 10 roots, sent batch after
// batch) and reads them back exactly, summed per path, from a trail that
// grows with the number of distinct paths, not with their depth: stored
// as text, 12,000 such paths took 397 MB (these 3,000, some 100 MB).
func TestDeepStacksCompact(t *testing.T) {
	db := filepath.Join(t.TempDir(), "audit.db")
	a, err := OpenAudit(db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for b := 0; b < 4; b++ {
		var ss []Stack
		for r := 0; r < 10; r++ {
			frames := []string{fmt.Sprintf("org/sunflow/Main%d.main([Ljava/lang/String;)V", r)}
			for d := 0; d < 300; d++ {
				frames = append(frames, fmt.Sprintf("org/sunflow/core/accel/KDTree.intersect%d(Lorg/sunflow/core/Ray;)V", d%3))
				if d%(b+1) == 0 {
					ss = append(ss, Stack{Frames: append([]string(nil), frames...), Count: int64(b + 1)})
					want[strings.Join(frames, ";")] += int64(b + 1)
				}
			}
		}
		if err := a.AddStacks("s", ss); err != nil {
			t.Fatal(err)
		}
	}
	// Another session's contexts count apart, and in the sum over all.
	other := []string{"org/sunflow/Main0.main([Ljava/lang/String;)V", "org/sunflow/core/accel/KDTree.intersect0(Lorg/sunflow/core/Ray;)V"}
	if err := a.AddStacks("t", []Stack{{Frames: other, Count: 5}}); err != nil {
		t.Fatal(err)
	}
	check := func(session string, want map[string]int64) {
		t.Helper()
		got, ok, err := a.Stacks(session)
		if err != nil || !ok {
			t.Fatalf("Stacks(%q): %v %v", session, ok, err)
		}
		if len(got) != len(want) {
			t.Fatalf("Stacks(%q): %d paths, want %d", session, len(got), len(want))
		}
		prev := ""
		for _, s := range got {
			k := strings.Join(s.Frames, ";")
			if s.Count != want[k] {
				t.Fatalf("Stacks(%q): %.80s... counted %d, want %d", session, k, s.Count, want[k])
			}
			if j := strings.Join(s.Frames, "\n"); j < prev {
				t.Fatalf("Stacks(%q): not in the order of their frames", session)
			} else {
				prev = j
			}
		}
	}
	check("s", want)
	check("t", map[string]int64{strings.Join(other, ";"): 5})
	all := map[string]int64{}
	for k, v := range want {
		all[k] = v
	}
	all[strings.Join(other, ";")] += 5
	check("", all)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	var size int64
	for _, f := range []string{db, db + "-wal"} {
		if st, err := os.Stat(f); err == nil {
			size += st.Size()
		}
	}
	if size > int64(len(want))*200 {
		t.Errorf("%d paths take %d bytes, more than 200 a path", len(want), size)
	}
	t.Logf("%d paths, %d bytes", len(want), size)
}

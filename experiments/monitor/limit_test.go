package monitor

import (
	"context"
	"testing"
	"time"

	"dvmlab/datasets"
	"dvmlab/internal/jvmtest"
)

// TestRunLimited: a run that outlasts the limit is stopped and reported as
// stopped, not failed, with no output to compare; one within it completes
// with its output.
func TestRunLimited(t *testing.T) {
	jvmtest.Tool(t, "java")
	p, ok := datasets.Lookup("jlex")
	if !ok {
		t.Fatal("no jlex program")
	}
	if m := p.Missing(); len(m) > 0 {
		t.Skipf("missing %v (make deps installs them)", m)
	}
	// The JVM alone takes longer than this to start.
	out, stopped, err := runLimited(context.Background(), p, datasets.RunConfig{}, t.TempDir(), 50*time.Millisecond)
	if err != nil || !stopped || out != nil {
		t.Fatalf("at a 50 ms limit: stopped %v, output %v, error %v; want stopped, no output, no error", stopped, out != nil, err)
	}
	out, stopped, err = runLimited(context.Background(), p, datasets.RunConfig{}, t.TempDir(), 2*time.Minute)
	if err != nil || stopped || out == nil || out.Stdout == "" && len(out.Files) == 0 {
		t.Fatalf("at a 2 min limit: stopped %v, output %+v, error %v; want a completed run", stopped, out, err)
	}
}

func TestRunLimit(t *testing.T) {
	for v, want := range map[string]time.Duration{"": DefaultLimit, "5m": 5 * time.Minute, "90s": 90 * time.Second} {
		t.Setenv("DVMLAB_MONITOR_LIMIT", v)
		if d, err := runLimit(); err != nil || d != want {
			t.Errorf("%q: %v %v, want %v", v, d, err, want)
		}
	}
	for _, v := range []string{"soon", "-1m", "0s"} {
		t.Setenv("DVMLAB_MONITOR_LIMIT", v)
		if _, err := runLimit(); err == nil {
			t.Errorf("%q accepted", v)
		}
	}
}

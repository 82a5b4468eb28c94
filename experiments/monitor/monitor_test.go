package monitor

import (
	"context"
	"io"
	"testing"
	"time"

	"dvmlab/experiments"
)

// TestLoad runs the load generator briefly: every acknowledged event is
// stored, the chain intact (Load checks both).
func TestLoad(t *testing.T) {
	r, err := Load(context.Background(), 4, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if r.Events == 0 || r.Batches == 0 {
		t.Fatalf("nothing stored: %+v", r)
	}
	t.Logf("4 clients: %.0f events/s (%d events)", r.PerSecond, r.Events)
}

// TestQuick runs the experiment's --quick form: jlex and cup in every
// configuration with identical output, and 50 clients of load.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs jlex and cup five ways each")
	}
	env := &experiments.Env{Quick: true, Warmup: 0, Reps: 1, Progress: io.Discard}
	tables, err := Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if err := tb.Check(); err != nil {
			t.Fatal(err)
		}
		for _, row := range tb.Rows {
			t.Logf("%s: %v", tb.Name, row)
			if tb.Name == "overhead" && row[4] != "true" {
				t.Errorf("%s with %s: output differs", row[0], row[1])
			}
		}
	}
}

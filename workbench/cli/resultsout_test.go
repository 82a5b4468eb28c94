package cli_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/experiments"
)

func init() {
	// Two experiments only this test runs: one whose second table is bad
	// (after the first was written), one that succeeds.
	experiments.Register(&experiments.Experiment{
		Name: "zz-atomic-fails", Title: "test", Measure: "test",
		Run: func(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
			good := experiments.Table{Name: "a", Header: []string{"x"}}
			good.Add(1)
			bad := experiments.Table{Name: "b", Header: []string{"x"}}
			bad.Add(math.NaN())
			return []experiments.Table{good, bad}, nil
		},
	})
	experiments.Register(&experiments.Experiment{
		Name: "zz-keeps-runs", Title: "test", Measure: "test",
		Run: func(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
			if env.Results == "" {
				return nil, errors.New("no directory to keep runs in")
			}
			dir := filepath.Join(env.Results, "zz-runs")
			os.MkdirAll(dir, 0o755)
			if err := os.WriteFile(filepath.Join(dir, "run-0"), []byte("kept\n"), 0o644); err != nil {
				return nil, err
			}
			return nil, errors.New("interrupted after one run")
		},
	})
	experiments.Register(&experiments.Experiment{
		Name: "zz-atomic-works", Title: "test", Measure: "test",
		Run: func(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
			t := experiments.Table{Name: "new", Header: []string{"x"}}
			t.Add(2)
			return []experiments.Table{t}, nil
		},
	})
}

// TestResultsAtomic: a failing experiment or figure leaves the previous
// results and figures as they were and nothing temporary behind; a
// succeeding one replaces the old results directory whole.
func TestResultsAtomic(t *testing.T) {
	d := t.TempDir()
	results := filepath.Join(d, "results")
	out := filepath.Join(d, "out")
	for _, f := range []string{
		filepath.Join(results, "zz-atomic-fails", "old.csv"),
		filepath.Join(results, "zz-atomic-works", "old.csv"),
		filepath.Join(results, "fig11", "fig11.csv"),
		filepath.Join(out, "fig11.png"),
		filepath.Join(out, "fig11.svg"),
	} {
		os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, []byte("previous\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := strings.Join(files(t, d), " ")

	if code, _, errOut := runCLI("experiment", "run", "zz-atomic-fails", "--results", results); code == 0 || !strings.Contains(errOut, "NaN") {
		t.Errorf("failing experiment: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI("plot", "fig11", "--results", results, "--out", out); code == 0 {
		t.Errorf("plot of bad results: exit %d, %q", code, errOut)
	}
	if got := strings.Join(files(t, d), " "); got != before {
		t.Errorf("after failures:\n got %s\nwant %s", got, before)
	}
	for _, f := range []string{filepath.Join(results, "zz-atomic-fails", "old.csv"), filepath.Join(out, "fig11.png")} {
		if b, _ := os.ReadFile(f); string(b) != "previous\n" {
			t.Errorf("%s changed: %q", f, b)
		}
	}

	code, stdout, errOut := runCLI("experiment", "run", "zz-atomic-works", "--results", results)
	if code != 0 || !strings.Contains(stdout, filepath.Join(results, "zz-atomic-works")) {
		t.Fatalf("experiment: exit %d, %q %q", code, stdout, errOut)
	}
	got := files(t, filepath.Join(results, "zz-atomic-works"))
	if strings.Join(got, " ") != "metadata.json new.csv" {
		t.Errorf("replaced results: %v", got)
	}
	for _, f := range files(t, d) {
		if strings.Contains(f, ".tmp-") {
			t.Errorf("left behind: %s", f)
		}
	}
}

// TestKeptRunsOutliveAFailedRun: the runs an experiment keeps to resume
// (Env.Results) go to the results directory itself, not to the temporary
// one a failed run's output goes away with.
func TestKeptRunsOutliveAFailedRun(t *testing.T) {
	results := filepath.Join(t.TempDir(), "results")
	if code, _, errOut := runCLI("experiment", "run", "zz-keeps-runs", "--results", results); code == 0 || !strings.Contains(errOut, "interrupted") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	if b, err := os.ReadFile(filepath.Join(results, "zz-runs", "run-0")); err != nil || string(b) != "kept\n" {
		t.Errorf("kept run: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(results, "zz-keeps-runs")); !os.IsNotExist(err) {
		t.Errorf("a failed run left results/zz-keeps-runs: %v", err)
	}
}

package shadowexp

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/experiments"
)

func TestRunStoreResumes(t *testing.T) {
	env := &experiments.Env{Results: t.TempDir(), Progress: io.Discard}
	s := storeFor(env, "gc")
	for i := 0; i < 3; i++ {
		if err := s.save("lucene", "in-process", i, gcRun{Young: i, AllocatedKB: 1024}); err != nil {
			t.Fatal(err)
		}
	}
	// A gap ends the sequence: run 4 without run 3 is not counted.
	if err := s.save("lucene", "in-process", 4, gcRun{Young: 4}); err != nil {
		t.Fatal(err)
	}
	var got []gcRun
	n, err := s.load("lucene", "in-process", 10, func(raw json.RawMessage) error {
		var g gcRun
		err := json.Unmarshal(raw, &g)
		got = append(got, g)
		return err
	})
	if err != nil || n != 3 || len(got) != 3 || got[2].Young != 2 {
		t.Fatalf("load: %d runs %v, %v; want 3 runs kept in order", n, got, err)
	}
	if n, _ := s.load("lucene", "in-process", 2, func(json.RawMessage) error { return nil }); n != 2 {
		t.Errorf("load of at most 2: %d", n)
	}
	ents, _ := os.ReadDir(s.dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".run-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if got := s.programs(fiaAll); len(got) != 1 || got[0] != "lucene" {
		t.Errorf("programs with kept runs: %v", got)
	}
}

func TestRunStoreRefusesAMisplacedRun(t *testing.T) {
	env := &experiments.Env{Results: t.TempDir(), Progress: io.Discard}
	s := storeFor(env, "coverage")
	if err := s.save("cup", "shadowvm-thread", 0, keptCoverage{Total: 7}); err != nil {
		t.Fatal(err)
	}
	// The file of cup's run 0 copied to where xalan's run 0 would be.
	data, _ := os.ReadFile(s.path("cup", "shadowvm-thread", 0))
	os.WriteFile(s.path("xalan", "shadowvm-thread", 0), data, 0o644)
	_, err := s.load("xalan", "shadowvm-thread", 1, func(json.RawMessage) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "it holds cup") || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("misplaced run: %v", err)
	}
	os.WriteFile(s.path("jlex", "shadowvm-thread", 0), []byte("not gzip"), 0o644)
	if _, err := s.load("jlex", "shadowvm-thread", 1, func(json.RawMessage) error { return nil }); err == nil {
		t.Error("a corrupt run file loaded")
	}
}

func TestQuickKeepsNoRuns(t *testing.T) {
	dir := t.TempDir()
	s := storeFor(&experiments.Env{Quick: true, Results: dir}, "gc")
	if err := s.save("jlex", "uninstrumented", 0, gcRun{}); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "fia-runs")); len(ents) != 0 {
		t.Errorf("quick form kept %d entries", len(ents))
	}
}

// TestTableRowsFromKeptRuns: a table made while one program runs still
// has the rows of the programs whose runs were kept before, in the
// paper's order.
func TestTableRowsFromKeptRuns(t *testing.T) {
	env := &experiments.Env{Results: t.TempDir(), Progress: io.Discard}
	s := storeFor(env, "gc")
	for _, p := range []string{"xalan", "jlex"} {
		if err := s.save(p, "uninstrumented", 0, gcRun{}); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("DVMLAB_FIA_PROGRAMS", "nosuchprogram")
	var names []string
	for _, r := range tablePrograms(env, s) {
		if r.run {
			t.Errorf("%s is to be run", r.name)
		}
		names = append(names, r.name)
	}
	if strings.Join(names, ",") != "jlex,xalan" {
		t.Errorf("rows %v, want jlex,xalan", names)
	}
	// table2 over kept runs only: rows with the runs kept, nothing run.
	tabs, err := table2(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(tabs[0].Rows) != 2 || tabs[0].Rows[0][0] != "jlex" || tabs[0].Rows[0][2] != "1" {
		t.Errorf("table 2 from kept runs: %v", tabs[0].Rows)
	}
}

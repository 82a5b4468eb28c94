package repl

import (
	"bytes"
	"strings"
	"testing"
)

// TestRunReachesTheCommandLineWhenNamesClash: "run shadow …" ran the REPL's
// own shadow command (replay of a loaded log) instead of the command line's,
// though help says run is the way past a clash (fault: run-shadow-ran-the-repl-command,
// found by notebooks/shadowvm.md).
func TestRunReachesTheCommandLineWhenNamesClash(t *testing.T) {
	var out bytes.Buffer
	s := NewSession(&out, &out)
	defer s.Close()
	err := s.Exec("run shadow replay")
	if err == nil {
		t.Fatal("run shadow replay with no log succeeded")
	}
	if strings.Contains(out.String()+err.Error(), "no shadow log loaded") {
		t.Fatalf("run shadow went to the REPL's shadow: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "dvmlab shadow") {
		t.Fatalf("no usage from the command line's shadow:\n%s", out.String())
	}
}

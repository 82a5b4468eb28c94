package repl

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestFIAVerdicts: a loaded field-immutability table is shown beside the
// class's own fields, in declaration order, an unaccessed field as "-".
func TestFIAVerdicts(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed")
	}
	csv := filepath.Join(t.TempDir(), "fia.csv")
	os.WriteFile(csv, []byte("class,field,verdict,writes,writes_in_constructor,reads\n"+
		"JLex/CAccept,m_action,immutable,10,10,40\nJLex/CAccept,m_line_number,stationary,3,1,9\n"), 0o644)
	var out, errb bytes.Buffer
	s := NewSession(&out, &errb)
	defer s.Close()
	for _, line := range []string{"load /usr/share/java/JLex.jar", "fia " + csv, "fia JLex.CAccept"} {
		if err := s.Exec(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	for _, re := range []string{
		`loaded .*fia.csv: 2 fields of 1 classes: 1 immutable, 1 stationary, 0 mutable`,
		`(?m)^  immutable  m_action +\[C +10 +10 +40$`,
		`(?m)^  - +m_action_read +I *$`,
		`(?m)^  stationary m_line_number +I +3 +1 +9$`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("no %q in:\n%s", re, out.String())
		}
	}
	if err := s.Exec("fia " + filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Error("a missing table was loaded")
	}
}

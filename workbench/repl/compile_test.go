package repl

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestNativePanes: the panes of one method, from bytecode to amd64.
func TestNativePanes(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/jzlib.jar"); err != nil {
		t.Skip("no jzlib (make deps)")
	}
	var out, errOut bytes.Buffer
	s := NewSession(&out, &errOut)
	defer s.Close()
	for _, line := range []string{"load /usr/share/java/jzlib.jar", "native com.jcraft.jzlib.Adler32.update"} {
		if err := s.Exec(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	got := out.String()
	for _, want := range []string{"── bytecode", "── IR after build", "── IR after bce", "── amd64", "Java_com_jcraft_jzlib_Adler32_update___3BII:"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the panes", want)
		}
	}
	if err := s.Exec("native --pass nosuch com.jcraft.jzlib.Adler32.update"); err == nil || !strings.Contains(err.Error(), "no pass") {
		t.Errorf("an unknown pass: %v", err)
	}
}

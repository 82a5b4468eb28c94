package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestInTmux runs the real binary in a real terminal (tmux) on a Debian
// jar, moves to a class and a method, steps the pipeline and reads the diff
// off the captured pane.
func TestInTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed; run make deps")
	}
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	bin := filepath.Join(t.TempDir(), "dvmlab")
	if out, err := exec.Command("go", "build", "-o", bin, "dvmlab/workbench/cmd/dvmlab").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	tm := func(args ...string) string {
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	tm("new-session", "-d", "-s", "w", "-x", "120", "-y", "30", bin+" /usr/share/java/JLex.jar")
	defer exec.Command(tmux, "-S", sock, "kill-server").Run()
	// Wait until the screen is drawn, then act and wait for each effect.
	waitFor := func(what string) string {
		deadline := time.Now().Add(20 * time.Second)
		for {
			pane := tm("capture-pane", "-t", "w", "-p")
			if strings.Contains(pane, what) {
				return pane
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %q on the screen:\n%s", what, pane)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor("26 of 26 classes")
	tm("send-keys", "-t", "w", "/", "C", "S", "p", "e", "c", "Enter")
	waitFor("filter: CSpec")
	// Move to the first method, then on to the next: the pane scrolls to
	// its declaration.
	tm("send-keys", "-t", "w", "n")
	waitFor("JLex.CSpec(JLex.CLexGen);")
	tm("send-keys", "-t", "w", "s")
	pane := waitFor("stage 1/2 coverage")
	if !strings.Contains(pane, "+") || !strings.Contains(pane, "invokestatic") {
		t.Fatalf("no inserted probe in the diff:\n%s", pane)
	}
	tm("send-keys", "-t", "w", "q")
}

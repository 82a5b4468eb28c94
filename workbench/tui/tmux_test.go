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

// testdata is the absolute path of a file in testdata, for a program
// started elsewhere.
func testdata(t *testing.T, name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tmuxKey is a binding's key as tmux send-keys names it.
func tmuxKey(k string) string {
	switch k {
	case "up":
		return "Up"
	case "down":
		return "Down"
	case "pgup":
		return "PPage"
	case "pgdown":
		return "NPage"
	case "tab":
		return "Tab"
	case "shift+tab":
		return "BTab"
	case " ":
		return "Space"
	case "ctrl+c":
		return "C-c"
	}
	return k
}

// TestEveryKeyInTmux presses every key the help lists, in a real terminal,
// on JLex.jar and on the whole JDK: each answers without leaving the
// screen, the prompts take what is typed, and q quits. The keys that start
// JVMs (c, S) are pressed on the JDK, where they only say what they need;
// TestCompareScreen and TestSimulatePane run them.
func TestEveryKeyInTmux(t *testing.T) {
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
	for _, target := range []struct{ name, args, ready, filter string }{
		{"JLex", bin + " /usr/share/java/JLex.jar", "26 of 26 classes", "CSpec"},
		{"JDK", bin, "jdk ", "Object"},
	} {
		t.Run(target.name, func(t *testing.T) {
			sock := filepath.Join(t.TempDir(), "tmux.sock")
			tm := func(args ...string) string {
				out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
				if err != nil {
					t.Fatalf("tmux %v: %v\n%s", args, err, out)
				}
				return string(out)
			}
			tm("new-session", "-d", "-s", "w", "-x", "120", "-y", "30", target.args+"; sleep 30")
			defer exec.Command(tmux, "-S", sock, "kill-server").Run()
			// waitFor waits for what, or one of its alternatives split
			// by " | ".
			waitFor := func(what string) string {
				deadline := time.Now().Add(60 * time.Second)
				for {
					pane := tm("capture-pane", "-t", "w", "-p")
					for _, w := range strings.Split(what, " | ") {
						if strings.Contains(pane, w) {
							return pane
						}
					}
					if time.Now().After(deadline) {
						t.Fatalf("no %q on the screen:\n%s", what, pane)
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
			waitFor(target.ready)
			for _, b := range AllKeys() {
				{
					k := b.Keys()[0]
					if b.Help().Key == Keys.Quit.Help().Key {
						continue
					}
					if target.name == "JLex" && (k == "c" || k == "S") {
						continue
					}
					tm("send-keys", "-t", "w", tmuxKey(k))
					switch k {
					case "/":
						tm("send-keys", "-t", "w", "-l", target.filter)
						tm("send-keys", "-t", "w", "Enter")
						waitFor("filter: " + target.filter)
					case "f":
						waitFor("find: ")
						tm("send-keys", "-t", "w", "-l", "return")
						tm("send-keys", "-t", "w", "Enter")
						waitFor(`find "return"`)
					case "g":
						waitFor("go to: ")
						tm("send-keys", "-t", "w", "-l", "0")
						tm("send-keys", "-t", "w", "Enter")
					case "?":
						waitFor(Keys.Goto.Help().Desc)
					case "v":
						waitFor("Constant pool:")
						tm("send-keys", "-t", "w", "v")
					case "c", "S":
						waitFor("open its jar")
					case "L":
						waitFor("load trace: ")
						tm("send-keys", "-t", "w", "-l", testdata(t, "cov.txt"))
						tm("send-keys", "-t", "w", "Enter")
						waitFor("coverage profile cov.txt")
					case "A":
						waitFor("native")
					case "I":
						waitFor("IR after | go to a method first | native passes: | still busy")
					case "G":
						waitFor("policy file: ")
						tm("send-keys", "-t", "w", "-l", testdata(t, "example.policy"))
						tm("send-keys", "-t", "w", "Enter")
						waitFor("checks of example.policy | policy: no class selected")
					case "M":
						waitFor("proxy: 127.0.0.1:8080")
						tm("send-keys", "-t", "w", "C-u")
						tm("send-keys", "-t", "w", "-l", "127.0.0.1:1")
						tm("send-keys", "-t", "w", "Enter")
						waitFor("console: ")
					case "F":
						waitFor("fia table: ")
						tm("send-keys", "-t", "w", "-l", testdata(t, "fia.csv"))
						tm("send-keys", "-t", "w", "Enter")
						waitFor("with their verdicts | fia: no class selected")
					case ":":
						tm("send-keys", "-t", "w", "-l", "help")
						tm("send-keys", "-t", "w", "Enter")
						waitFor(":help — ")
					}
					pane := waitFor("dvmlab — ")
					if strings.Contains(pane, "panic") {
						t.Fatalf("after %s:\n%s", k, pane)
					}
				}
			}
			tm("send-keys", "-t", "w", "q")
			// The program has ended when the shell's sleep is all that is left.
			deadline := time.Now().Add(10 * time.Second)
			for strings.Contains(tm("capture-pane", "-t", "w", "-p"), "dvmlab — ") {
				if time.Now().After(deadline) {
					t.Fatal("q did not quit")
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}

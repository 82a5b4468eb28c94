// Package scripts holds the project's shell scripts and the test that the
// README's commands run as written.
package scripts

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readmeSkips are the README's commands this test does not run, each with
// its reason; there may be five at most, and each must still be in the
// README.
var readmeSkips = map[string]string{
	"make test":                       "the command that runs this test",
	"dvmlab /usr/share/java/JLex.jar": "the terminal UI needs a terminal: workbench/tui's tmux test drives it",
}

// readmeCommands extracts the commands of the README's sh code blocks, a
// command per line, with continued lines (ending in \) and here-documents
// kept together.
func readmeCommands(readme string) []string {
	var cmds []string
	in := false
	var cur []string
	heredoc := ""
	heredocStart := regexp.MustCompile(`<<-?\s*'?"?([A-Za-z_]+)'?"?`)
	sc := bufio.NewScanner(strings.NewReader(readme))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.HasPrefix(line, "```sh"):
			in = true
			continue
		case in && heredoc == "" && strings.HasPrefix(line, "```"):
			in = false
			continue
		case !in:
			continue
		}
		cur = append(cur, line)
		if heredoc != "" {
			if strings.TrimSpace(line) == heredoc {
				heredoc = ""
				cmds = append(cmds, strings.Join(cur, "\n"))
				cur = nil
			}
			continue
		}
		if m := heredocStart.FindStringSubmatch(line); m != nil {
			heredoc = m[1]
			continue
		}
		if strings.HasSuffix(line, "\\") {
			continue
		}
		if c := strings.TrimSpace(strings.Join(cur, "\n")); c != "" && !strings.HasPrefix(c, "#") {
			cmds = append(cmds, c)
		}
		cur = nil
	}
	return cmds
}

// skipReason returns why a command is not run, if it is on the skip list.
func skipReason(cmd string) (string, string, bool) {
	for prefix, why := range readmeSkips {
		if cmd == prefix || strings.HasPrefix(cmd, prefix+" ") {
			return prefix, why, true
		}
	}
	return "", "", false
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// untracked lists what git sees in the repository beside its tracked files.
func untracked(t *testing.T, root string) map[string]bool {
	out, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=all", "--ignored=no").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	got := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "?? ") {
			got[l[3:]] = true
		}
	}
	return got
}

// TestReadmeRunsAsWritten runs every command of the README's sh blocks in
// order in one shell from the repository's root, as a newcomer would after
// make deps, and fails on the first that fails, on a command neither run
// nor skipped for a stated reason, and on files the tour leaves in the
// repository. Two substitutions only: the per-user directories go to a
// temporary place, and the loopback servers' ports 8080 and 8081, which
// another program on a shared machine may hold, are free ones.
func TestReadmeRunsAsWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the README's tour and make demo: a few minutes of JVMs")
	}
	for _, f := range []string{"/usr/share/java/JLex.jar", "/usr/share/java/cup.jar", "/usr/share/doc/jlex/examples/sample.lex"} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("%s missing: run make deps", f)
		}
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(readmeSkips) > 5 {
		t.Fatalf("%d commands on the skip list; five at most", len(readmeSkips))
	}
	cmds := readmeCommands(string(readme))
	used := map[string]bool{}
	var script bytes.Buffer
	// Servers the tour starts are stopped however it ends.
	script.WriteString("trap 'kill $(jobs -p) 2>/dev/null' EXIT\n")
	origin, proxy := freePort(t), freePort(t)
	ran := 0
	for i, c := range cmds {
		if prefix, why, ok := skipReason(c); ok {
			used[prefix] = true
			t.Logf("skipped: %s (%s)", c, why)
			continue
		}
		c = strings.ReplaceAll(c, "127.0.0.1:8081", origin)
		c = strings.ReplaceAll(c, "127.0.0.1:8080", proxy)
		fmt.Fprintf(&script, "echo \"@@@ %d $(date +%%s%%N)\" >&2\n%s\nst=$?; if [ $st -ne 0 ]; then echo \"@@@ FAILED %d status $st\" >&2; exit 1; fi\n", i, c, i)
		ran++
	}
	for prefix := range readmeSkips {
		if !used[prefix] {
			t.Errorf("skip list names %q, which the README no longer has", prefix)
		}
	}
	before := untracked(t, root)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	sh := exec.CommandContext(ctx, "bash", "-c", script.String())
	sh.Dir = root
	state := t.TempDir()
	env := []string{"XDG_CACHE_HOME=" + filepath.Join(state, "cache"), "XDG_STATE_HOME=" + filepath.Join(state, "state")}
	// Go keeps its build cache under XDG_CACHE_HOME too; make build should
	// find the one it has, not compile everything again.
	if gocache, err := exec.Command("go", "env", "GOCACHE").Output(); err == nil {
		env = append(env, "GOCACHE="+strings.TrimSpace(string(gocache)))
	}
	for _, e := range os.Environ() {
		// As a newcomer's shell has it: no JAVA_HOME from make.
		if !strings.HasPrefix(e, "JAVA_HOME=") && !strings.HasPrefix(e, "XDG_") {
			env = append(env, e)
		}
	}
	sh.Env = env
	var out, errOut bytes.Buffer
	sh.Stdout, sh.Stderr = &out, &errOut
	err = sh.Run()
	if err != nil {
		failed := -1
		if m := regexp.MustCompile(`@@@ FAILED (\d+)`).FindStringSubmatch(errOut.String()); m != nil {
			fmt.Sscan(m[1], &failed)
		}
		cmd := "(unknown)"
		if failed >= 0 {
			cmd = cmds[failed]
		}
		t.Fatalf("the README's command failed: %s\n%v\nstdout (end):\n%s\nstderr (end):\n%s", cmd, err, tail(out.String(), 3000), tail(errOut.String(), 3000))
	}
	t.Logf("%d of %d README commands ran", ran, len(cmds))
	logTimes(t, cmds, errOut.String())
	for f := range untracked(t, root) {
		if !before[f] {
			t.Errorf("the tour left %s in the repository", f)
		}
	}
	// What the tour promises, seen in what it printed.
	for _, want := range []string{"byte-identical", "public class java.lang.Object", "stage 1/2 coverage", "×"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the tour's output lacks %q", want)
		}
	}
}

// logTimes logs how long each command took, from the markers' clock.
func logTimes(t *testing.T, cmds []string, stderr string) {
	marks := regexp.MustCompile(`@@@ (\d+) (\d+)`).FindAllStringSubmatch(stderr, -1)
	for k, m := range marks {
		var i int
		var t0, t1 int64
		fmt.Sscan(m[1], &i)
		fmt.Sscan(m[2], &t0)
		if k+1 < len(marks) {
			fmt.Sscan(marks[k+1][2], &t1)
		} else {
			t1 = time.Now().UnixNano()
		}
		first, _, _ := strings.Cut(cmds[i], "\n")
		t.Logf("%6.1fs  %s", float64(t1-t0)/1e9, first)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// TestReadmeCommandsExtracted checks the extraction itself on a small
// README: continued lines, here-documents, comments and other blocks.
func TestReadmeCommandsExtracted(t *testing.T) {
	md := "text\n```sh\na --x \\\n    y   # two lines\n# a comment\n\nb <<'END'\nload x\nEND\nc &\n```\n```\nnot sh\n```\n"
	got := readmeCommands(md)
	want := []string{"a --x \\\n    y   # two lines", "b <<'END'\nload x\nEND", "c &"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

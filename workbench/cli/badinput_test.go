package cli_test

import (
	"bytes"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"dvmlab/core/proxy"
	"dvmlab/core/service"
	"dvmlab/workbench/cli"
	_ "dvmlab/workbench/repl"
	_ "dvmlab/workbench/tui"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = cli.Run(&cli.Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e}, args)
	return code, o.String(), e.String()
}

// files lists what is under dir, so a case can show it wrote nothing.
func files(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func listen(t *testing.T, h http.Handler) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestBadInputs is the error style as a kind: for every command, bad input
// gives one line on stderr, "dvmlab CMD: what: why", a non-zero exit, no
// stack trace (ours or the launcher's), and nothing written where the
// command was told to write.
func TestBadInputs(t *testing.T) {
	const jlex = "/usr/share/java/JLex.jar"
	if _, err := os.Stat(jlex); err != nil {
		t.Skip("jlex not installed: run make deps")
	}
	type bad struct {
		name string
		args []string // {d} is the case's own directory
		want string   // in the error line
		java bool     // starts a JVM
	}
	malformed := []byte{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 61, 0, 5, 1}
	cases := []bad{
		{"javap empty dir", []string{"javap", "{d}/empty"}, "no class files in it", false},
		{"javap missing file", []string{"javap", "{d}/no.jar"}, "{d}/no.jar: no such file or directory", false},
		{"javap bad flag", []string{"javap", "-x", jlex}, "flag provided but not defined: -x", false},
		{"javap not a class container", []string{"javap", "{d}/notes.txt"}, "not a directory, jar, jmod or class file", false},
		{"verify empty dir", []string{"verify", "{d}/empty"}, "no class files in it", false},
		{"verify no input", []string{"verify"}, "need one class, directory or jar", false},
		{"rewrite empty dir", []string{"rewrite", "{d}/empty", "-o", "{d}/out"}, "no class files in it", false},
		{"rewrite no -o", []string{"rewrite", jlex}, "need exactly one IN and -o OUT", false},
		{"rewrite frames not a value", []string{"rewrite", "--frames", "yes", jlex, "-o", "{d}/out.jar"}, `takes keep or recompute, not "yes"`, false},
		{"rewrite unknown service", []string{"rewrite", "--services", "nosuch", jlex, "-o", "{d}/out.jar"}, `unknown service "nosuch"`, false},
		{"rewrite over its input", []string{"rewrite", "{d}/classes", "-o", "{d}/classes"}, "would overwrite the input", false},
		{"rewrite a failing class", []string{"rewrite", "{d}/classes", "-o", "{d}/out"}, "not written: 1 classes failed", false},
		{"rewrite malformed class", []string{"rewrite", "{d}/classes/Bad.class", "-o", "{d}/Bad.class.out"}, "constant_pool_count 5 cannot fit", false},
		{"rewrite file over a directory", []string{"rewrite", "{d}/classes", "-o", "{d}/notes.txt"}, "already exists as a file", false},
		{"runtime no -o", []string{"runtime"}, "need -o FILE.jar", false},
		{"origin missing dir", []string{"origin", "{d}/nodir"}, "not a directory", false},
		{"origin bad rate", []string{"origin", "{d}/empty", "--link", "warp9"}, "bad rate", false},
		{"proxy frames without a value", []string{"proxy", "--frames"}, "flag needs an argument: -frames", false},
		{"proxy unknown service", []string{"proxy", "--services", "nosuch"}, "unknown service", false},
		{"audit no trail", []string{"audit", "--db", "{d}/none.db"}, "no audit trail at {d}/none.db", false},
		{"compare unknown program", []string{"compare", "nosuch"}, `no program "nosuch"`, false},
		{"compare unknown service", []string{"compare", "--services", "nosuch", "jlex"}, `unknown service "nosuch"`, false},
		{"simulate bad link", []string{"simulate", "startup", "--links", "warp", "jlex"}, `bad rate "warp"`, false},
		{"simulate bad plot file", []string{"simulate", "startup", "--plot", "{d}/plot.gif", "jlex"}, "must end in .png, .svg or .pdf", false},
		{"simulate neither", []string{"simulate", "jlex"}, "say startup or scaling", false},
		{"experiment unknown", []string{"experiment", "run", "nosuch"}, `no experiment "nosuch"`, false},
		{"plot no name", []string{"plot"}, "which figure?", false},
		{"shadow no java", []string{"shadow", "--analysis", "alloc"}, "put the java command after --", false},
		{"shadow unknown analysis", []string{"shadow", "--analysis", "nosuch", "--", "java", "-version"}, `unknown analysis "nosuch"`, false},
		{"shadow replay no log", []string{"shadow", "replay", "{d}/none.shlog"}, "none.shlog", false},
		{"repl binary script", []string{"repl", "-f", jlex}, "a binary file, not a script of commands", false},
		{"repl missing script", []string{"repl", "-f", "{d}/none.dvm"}, "no such file or directory", false},
		{"tui unknown service", []string{"tui", "--services", "nosuch", jlex}, `unknown service "nosuch"`, false},
		{"tui frames not a value", []string{"tui", "--frames", "maybe", jlex}, `takes keep or recompute`, false},
		{"run local path", []string{"run", jlex, "JLex.Main"}, "not a URL", false},
		{"run not a jar", []string{"run", "http://127.0.0.1:1/app.zip", "Main"}, "must end in .jar or /", false},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`, false},
		{"compile unknown arch", []string{"compile", "--arch", "vax", jlex, "-o", "{d}/out.jar"}, `no back end "vax"`, false},
		{"compile no -o", []string{"compile", jlex}, "need -o OUT", false},
		{"console proxy down", []string{"console", "--proxy", "127.0.0.1:1", "--once"}, "proxy 127.0.0.1:1: cannot connect (connection refused)", false},
		{"notebook missing", []string{"notebook", "run", "{d}/none.md"}, "none.md: no such file or directory", false},
		{"notebook not a notebook", []string{"notebook", "run", "{d}/notes.txt"}, "no ```dvmlab blocks: not a notebook", false},
		{"plot unknown", []string{"plot", "nosuch", "--out", "{d}/plots"}, `no plot "nosuch"`, false},
		{"plot no results", []string{"plot", "fig5", "--results", "{d}/empty", "--out", "{d}/plots/out"}, "no results for fig5", false},
		{"policy missing", []string{"policy", "check", "{d}/none.xml"}, "none.xml: no such file or directory", false},
		{"policy reload proxy down", []string{"policy", "reload", "--proxy", "127.0.0.1:1"}, "proxy 127.0.0.1:1: cannot connect", false},
		{"profile unknown subcommand", []string{"profile", "nosuch", "--db", "{d}/none.db"}, `unknown profile subcommand "nosuch"`, false},
		{"profile unknown format", []string{"profile", "edges", "--format", "gif", "-o", "{d}/calls.gif"}, `unknown format "gif"`, false},
		{"profile no trail", []string{"profile", "edges", "--db", "{d}/none.db", "-o", "{d}/calls.csv"}, "no audit trail at {d}/none.db", false},
		{"proxy bad listen", []string{"proxy", "--listen", "nonsense", "--audit", "{d}/audit.db", "--key", "{d}/proxy.key", "--cache", "{d}/cache"}, "missing port in address", false},
		{"tui missing jar", []string{"tui", "{d}/no.jar"}, "no such file or directory", false},
	}
	// Every command has its bad input here.
	tried := map[string]bool{}
	for _, c := range cases {
		tried[c.args[0]] = true
	}
	for _, c := range cli.Commands() {
		if !tried[c.Name] {
			t.Errorf("no bad input for %s in the table", c.Name)
		}
	}
	if !testing.Short() {
		// The launcher's failures, through a proxy and direct.
		site := t.TempDir()
		data, _ := os.ReadFile(jlex)
		os.WriteFile(filepath.Join(site, "JLex.jar"), data, 0o644)
		origin := listen(t, &proxy.Origin{Dir: site})
		pl, _ := service.Parse("none")
		cache, _ := proxy.OpenCache("")
		px := listen(t, proxy.New(pl, cache, nil))
		down := freeAddr(t)
		cases = append(cases,
			bad{"run proxy down", []string{"run", "--proxy", down, "http://" + origin + "/JLex.jar", "JLex.Main"}, "proxy " + down + ": cannot connect", true},
			bad{"run origin down", []string{"run", "--proxy", px, "http://" + down + "/JLex.jar", "JLex.Main"}, "HTTP 502", true},
			bad{"run origin down direct", []string{"run", "--proxy", "direct", "http://" + down + "/JLex.jar", "JLex.Main"}, "cannot connect", true},
			bad{"run missing jar", []string{"run", "--proxy", px, "http://" + origin + "/Nope.jar", "JLex.Main"}, "Nope.jar: HTTP 404", true},
			bad{"run missing main class", []string{"run", "--proxy", px, "http://" + origin + "/JLex.jar", "JLex.Nope"}, "main class JLex.Nope: not found", true},
		)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := t.TempDir()
			os.Mkdir(filepath.Join(d, "empty"), 0o755)
			os.WriteFile(filepath.Join(d, "notes.txt"), []byte("not classes\n"), 0o644)
			os.Mkdir(filepath.Join(d, "classes"), 0o755)
			os.WriteFile(filepath.Join(d, "classes", "Bad.class"), malformed, 0o644)
			good, _ := os.ReadFile("testdata/isolated-class-loader/app/host/Host.class")
			os.WriteFile(filepath.Join(d, "classes", "Host.class"), good, 0o644)
			before := files(t, d)
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "{d}", d)
			}
			code, _, stderr := runCLI(args...)
			want := strings.ReplaceAll(c.want, "{d}", d)
			if code == 0 {
				t.Errorf("exit 0; want an error %q", want)
			}
			// rewrite keeps the summary line tools parse ("N failed") and
			// names each failed class on a line of its own; everything
			// else is the one line.
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			var errLines []string
			for _, l := range lines {
				if !strings.HasPrefix(l, "rewrote ") {
					errLines = append(errLines, l)
				}
			}
			if args[0] == "rewrite" && len(errLines) > 1 {
				errLines = errLines[len(errLines)-1:]
			}
			if len(errLines) != 1 || !strings.HasSuffix(stderr, "\n") {
				t.Errorf("want one line on stderr, got:\n%s", stderr)
			}
			cmd := args[0]
			if cli.Lookup(cmd) == nil {
				cmd = ""
			}
			prefix := strings.TrimSpace("dvmlab " + cmd)
			for _, l := range lines {
				if !strings.HasPrefix(l, prefix+": ") && !strings.HasPrefix(l, "rewrote ") {
					t.Errorf("want every line to start %q: %s", prefix+": ", l)
				}
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("want %q in: %s", want, stderr)
			}
			for _, trace := range []string{"Exception in thread", "\tat ", "goroutine ", "panic:"} {
				if strings.Contains(stderr, trace) {
					t.Errorf("a stack trace (%q): %s", trace, stderr)
				}
			}
			if after := files(t, d); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Errorf("left files behind: before %v, after %v", before, after)
			}
		})
	}
}

// TestHelpExitsZero: `dvmlab CMD --help` prints the command's usage and
// options on stdout, does no work, and exits 0, for every command.
func TestHelpExitsZero(t *testing.T) {
	for _, c := range cli.Commands() {
		for _, h := range []string{"--help", "-h"} {
			code, out, errOut := runCLI(c.Name, h)
			if code != 0 || !strings.HasPrefix(out, "usage: dvmlab "+c.Name) || errOut != "" {
				t.Errorf("%s %s: exit %d, stdout %.60q, stderr %q", c.Name, h, code, out, errOut)
			}
		}
	}
	// A command (or subcommand) that has flags lists them under --help:
	// whichever refuses an unknown flag has a flag set to show.
	for _, c := range cli.Commands() {
		_, help, _ := runCLI(c.Name, "--help")
		subs := c.Subcommands
		if len(subs) == 0 {
			subs = []string{""}
		}
		for _, s := range subs {
			probe := []string{c.Name}
			title := "\noptions:\n  -"
			if s != "" {
				first, _, _ := strings.Cut(s, "|")
				probe = append(probe, first)
				title = "\noptions of " + c.Name + " " + s + ":\n  -"
			}
			_, _, errOut := runCLI(append(probe, "--no-such-flag", "--", "x")...)
			if strings.Contains(errOut, "flag provided but not defined") && !strings.Contains(help, title) {
				t.Errorf("%s --help does not list the options of %q:\n%s", c.Name, probe, help)
			}
		}
		// A command that wants a subcommand first: every word of its
		// synopsis that takes flags after it must have its options shown.
		if _, _, errOut := runCLI(c.Name, "--no-such-flag", "--", "x"); strings.Contains(errOut, "flag provided but not defined") {
			continue
		}
		var words []string
		toks := strings.Fields(c.Usage)
		for i := 1; i < len(toks); i++ {
			// The word after the command's name or after a "|" is a subcommand.
			if toks[i-1] == c.Name || toks[i-1] == "|" {
				words = append(words, strings.Split(toks[i], "|")...)
			}
		}
		for _, w := range words {
			if strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" || w == c.Name {
				continue
			}
			_, _, errOut := runCLI(c.Name, w, "--no-such-flag", "--", "x")
			if !strings.Contains(errOut, "flag provided but not defined") {
				continue
			}
			shown := false
			for _, s := range c.Subcommands {
				shown = shown || (strings.Contains("|"+s+"|", "|"+w+"|") && strings.Contains(help, "\noptions of "+c.Name+" "+s+":\n  -"))
			}
			if !shown {
				t.Errorf("%s --help does not list the options of %s", c.Name, w)
			}
		}
	}
	code, out, _ := runCLI("--version")
	if code != 0 || !strings.HasPrefix(out, "dvmlab ") || !strings.Contains(out, "go1.") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}

// TestOutputInto: -o DIR/ writes into DIR under the input's name, for a jar
// and for the runtime, and the result is an ordinary readable file.
func TestOutputInto(t *testing.T) {
	const jlex = "/usr/share/java/JLex.jar"
	if _, err := os.Stat(jlex); err != nil {
		t.Skip("jlex not installed: run make deps")
	}
	d := t.TempDir()
	if code, _, errOut := runCLI("rewrite", jlex, "-o", d+"/"); code != 0 {
		t.Fatalf("rewrite -o DIR/: exit %d: %s", code, errOut)
	}
	// Again, over the first output: replaced, not "file exists".
	if code, _, errOut := runCLI("rewrite", jlex, "-o", d+"/"); code != 0 {
		t.Fatalf("rewrite -o DIR/ again: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI("runtime", "-o", d+"/"); code != 0 {
		t.Fatalf("runtime -o DIR/: exit %d: %s", code, errOut)
	}
	got := files(t, d)
	if strings.Join(got, " ") != "JLex.jar dvmlab-runtime.jar" {
		t.Errorf("into %s: %v", d, got)
	}
	if st, err := os.Stat(filepath.Join(d, "JLex.jar")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("JLex.jar: %v %v", st.Mode(), err)
	}
}

// TestPanicIsOneLine: a command that panics (a bug) still ends with one
// line in the error style and a non-zero exit, not a Go stack trace.
func TestPanicIsOneLine(t *testing.T) {
	cli.Register(&cli.Command{Name: "panics-for-test", Usage: "panics-for-test", Summary: "test only",
		Run: func(*cli.Env, []string) error { panic("boom") }})
	code, _, stderr := runCLI("panics-for-test")
	if code != 1 || stderr != "dvmlab panics-for-test: internal error: boom (a bug: DVMLAB_DEBUG=1 shows where)\n" {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

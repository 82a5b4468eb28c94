package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/proxy"
	"dvmlab/core/service"
	"dvmlab/datasets"
)

func serveLoopback(t *testing.T, h http.Handler) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// TestRunThroughProxy is the DVM end to end on loopback: an origin serving
// JLex and CUP, the proxy, and `dvmlab run` in jar mode and class-at-a-time
// mode; the output equals running the jars directly, and the audit trail
// shows the second run served from the cache.
func TestRunThroughProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts JVMs through a proxy")
	}
	site := t.TempDir()
	for _, name := range []string{"jlex", "cup"} {
		p, _ := datasets.Lookup(name)
		if m := p.Missing(); len(m) > 0 {
			t.Skipf("%s missing %v: run make deps", name, m)
		}
		// Each program as a jar and as loose classes under the origin.
		for _, j := range p.Jars {
			data, err := os.ReadFile(j)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(site, filepath.Base(j)), data, 0o644)
			src, err := classpath.Open(j)
			if err != nil {
				t.Fatal(err)
			}
			src.Walk(func(n string, b []byte) error {
				f := filepath.Join(site, name, filepath.FromSlash(n)+".class")
				os.MkdirAll(filepath.Dir(f), 0o755)
				return os.WriteFile(f, b, 0o644)
			})
			src.Close()
		}
	}
	originAddr := serveLoopback(t, &proxy.Origin{Dir: site})
	pl, _ := service.Parse("coverage")
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	pl.Classpath = []classpath.Finder{jdk}
	cache, _ := proxy.OpenCache(t.TempDir())
	signer, _ := proxy.NewSigner("")
	px := proxy.New(pl, cache, signer)
	audit, err := proxy.OpenAudit(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer audit.Close()
	px.Audit = audit
	proxyAddr := serveLoopback(t, px)

	lex, _ := os.ReadFile("/usr/share/doc/jlex/examples/sample.lex")
	cupGrammar := "terminal PLUS, NUM; non terminal e; precedence left PLUS; e ::= e PLUS e | NUM ;\n"
	type program struct {
		name, jar, main string
		args            []string
		stdin           string
		output          string
	}
	programs := []program{
		{"jlex", "JLex.jar", "JLex.Main", []string{"spec.lex"}, "", "spec.lex.java"},
		{"cup", "cup.jar", "java_cup.Main", []string{"-parser", "P", "-symbols", "S"}, cupGrammar, "P.java"},
	}
	runOnce := func(p program, direct bool, url string) (string, []byte) {
		work := t.TempDir()
		os.WriteFile(filepath.Join(work, "spec.lex"), lex, 0o644)
		var args []string
		if direct {
			args = []string{"-cp", filepath.Join("/usr/share/java", p.jar), p.main}
		}
		args = append(args, p.args...)
		var out, errOut bytes.Buffer
		env := &Env{Stdin: strings.NewReader(p.stdin), Stdout: &out, Stderr: &errOut}
		wd, _ := os.Getwd()
		os.Chdir(work)
		defer os.Chdir(wd)
		var code int
		if direct {
			code = javaDirect(t, env, args)
		} else {
			code = Run(env, append([]string{"run", "--proxy", proxyAddr, url, p.main}, args...))
		}
		if code != 0 {
			t.Fatalf("%s (direct %v): exit %d\n%s", p.name, direct, code, errOut.String())
		}
		data, err := os.ReadFile(filepath.Join(work, p.output))
		if err != nil {
			t.Fatalf("%s wrote no %s", p.name, p.output)
		}
		return out.String(), data
	}
	for _, p := range programs {
		wantOut, wantFile := runOnce(p, true, "")
		for _, url := range []string{"http://" + originAddr + "/" + p.jar, "http://" + originAddr + "/" + p.name + "/"} {
			for round := 1; round <= 2; round++ {
				before, _ := audit.Sessions()
				out, file := runOnce(p, false, url)
				if out != wantOut || !bytes.Equal(file, wantFile) {
					t.Fatalf("%s from %s, run %d: output differs from the direct run", p.name, url, round)
				}
				after, _ := audit.Sessions()
				if len(after) != len(before)+1 {
					t.Fatalf("run %d made %d sessions", round, len(after)-len(before))
				}
				evs, _ := audit.Events(proxy.Query{Session: after[len(after)-1].ID})
				want := map[int]string{1: "rewritten", 2: "cached"}[round]
				for _, e := range evs {
					if e.Outcome != want {
						t.Errorf("%s run %d: %s %s, want %s", p.name, round, e.URL, e.Outcome, want)
					}
				}
				t.Logf("%s from %s, run %d: identical output, %d items all %s", p.name, url, round, len(evs), want)
			}
		}
	}
}

// javaDirect runs the program straight from its jar, the reference.
func javaDirect(t *testing.T, env *Env, args []string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return runJava(ctx, env, args)
}

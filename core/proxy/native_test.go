package proxy

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dvmlab/core/classfile"
	"dvmlab/core/runtime"
	"dvmlab/core/service/compile"
	"dvmlab/internal/jvmtest"
)

// TestCompileForTheClientsArchitecture runs JLex from the origin through a
// proxy whose pipeline compiles, in a stock JVM that reported amd64: the
// output is the direct run's, the libraries are built in the first run and
// the second run is served from the cache. A client that reports another
// architecture gets the bytecode as it came, and the audit trail says why.
func TestCompileForTheClientsArchitecture(t *testing.T) {
	dir := site(t)
	origin := loopback(t, &Origin{Dir: dir})
	libs := t.TempDir()
	px, ps := proxyFor(t, "compile=dir:"+libs)
	svc := px.Pipeline.Services[0].(*compile.Service)
	var rt bytes.Buffer
	if err := runtime.WriteJar(&rt); err != nil {
		t.Fatal(err)
	}
	rtJar := filepath.Join(t.TempDir(), "rt.jar")
	os.WriteFile(rtJar, rt.Bytes(), 0o644)
	spec, err := os.ReadFile("/usr/share/doc/jlex/examples/sample.lex")
	if err != nil {
		t.Skip(err)
	}
	run := func(args ...string) (string, []byte) {
		work := t.TempDir()
		os.WriteFile(filepath.Join(work, "s.lex"), spec, 0o644)
		r := jvmtest.JavaIn(t, work, append(args, "s.lex")...)
		if r.Err != nil {
			t.Fatalf("java %v: %v\n%s", args, r.Err, r.Stderr)
		}
		out, err := os.ReadFile(filepath.Join(work, "s.lex.java"))
		if err != nil {
			t.Fatal(err)
		}
		return r.Stdout + r.Stderr, out
	}
	wantOut, wantLexer := run("-cp", "/usr/share/java/JLex.jar", "JLex.Main")
	pu, _ := url.Parse(ps.URL)
	tmp := t.TempDir()
	client := []string{"-Xverify:all", "-Xcheck:jni", "-Djava.io.tmpdir=" + tmp, "-Dhttp.proxyHost=" + pu.Hostname(), "-Dhttp.proxyPort=" + pu.Port(),
		"-Dhttp.nonProxyHosts=", "-cp", rtJar, "dvmlab.runtime.Launcher", origin.URL + "/classes/", "JLex.Main"}
	var built int
	for round := 1; round <= 2; round++ {
		t0 := time.Now()
		out, lexer := run(client...)
		if out != wantOut || !bytes.Equal(lexer, wantLexer) {
			t.Fatalf("run %d: output differs from the direct run:\n%s", round, out)
		}
		st := svc.Stats()
		if round == 1 {
			built = st.Libraries
			if built == 0 || st.Compiled == 0 {
				t.Fatalf("run 1 compiled %d methods into %d libraries", st.Compiled, st.Libraries)
			}
			ms := float64(st.Elapsed) / float64(time.Millisecond)
			cms := float64(st.Elapsed-st.Build) / float64(time.Millisecond)
			t.Logf("run 1: compiled %d of %d methods (%d of %d bytes of code) into %d libraries; %.0f bytecodes/ms with as and ld (%v of them), %.0f without; run took %v",
				st.Compiled, st.Methods, st.CompiledBC, st.Bytecodes, st.Libraries, float64(st.Bytecodes)/ms, st.Build.Round(time.Millisecond),
				float64(st.Bytecodes)/cms, time.Since(t0).Round(time.Millisecond))
		} else if st.Libraries != built {
			t.Errorf("run 2 built %d more libraries; want them cached", st.Libraries-built)
		} else {
			t.Logf("run 2: no library built, %d proxy cache hits; run took %v", px.Hits.Load(), time.Since(t0).Round(time.Millisecond))
		}
	}
	// A client that reports alpha: the bytecode as it came, with the reason.
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	resp, err := c.Get("http://" + HandshakeHost + "/handshake?arch=alpha&os=Linux&jvm=none&user=t")
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	session := strings.TrimPrefix(strings.SplitN(string(hs), "\n", 2)[0], "session=")
	req, _ := http.NewRequest("GET", origin.URL+"/classes/JLex/CUtility.class", nil)
	req.Header.Set(SessionHeader, session)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	orig, _ := os.ReadFile(filepath.Join(dir, "classes", "JLex", "CUtility.class"))
	sameCode(t, got, orig)
	evs, err := px.Audit.Events(Query{Session: session})
	if err != nil || len(evs) != 1 || !strings.Contains(evs[0].Detail, "no back end for the client's architecture alpha") {
		t.Errorf("alpha client: audit trail %+v (%v)", evs, err)
	}
}

// sameCode checks that every method of the served class has the origin's
// access flags and code (the proxy's signature may add an attribute).
func sameCode(t *testing.T, got, orig []byte) {
	g, err := classfile.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := classfile.Parse(orig)
	if len(g.Methods) != len(o.Methods) {
		t.Fatalf("served class has %d methods, the origin's %d", len(g.Methods), len(o.Methods))
	}
	for i, m := range o.Methods {
		gm := g.Methods[i]
		if gm.Access != m.Access || (m.Code() == nil) != (gm.Code() == nil) || m.Code() != nil && !bytes.Equal(m.Code().Code, gm.Code().Code) {
			t.Errorf("%s: served method differs from the origin's", o.MemberName(m))
		}
	}
}

package proxy

import (
	"archive/zip"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
	"dvmlab/internal/jvmtest"
)

// loopback serves h on 127.0.0.1 only.
func loopback(t *testing.T, h http.Handler) *httptest.Server {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewUnstartedServer(h)
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// site lays out an origin directory: JLex as a jar and as loose classes.
func site(t *testing.T) string {
	jar := "/usr/share/java/JLex.jar"
	data, err := os.ReadFile(jar)
	if err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "JLex.jar"), data, 0o644)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".class") {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		p := filepath.Join(dir, "classes", filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "Broken.class"), []byte{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52, 0, 9}, 0o644)
	os.WriteFile(filepath.Join(dir, "broken.jar"), []byte("PK\x03\x04 not really"), 0o644)
	return dir
}

func proxyFor(t *testing.T, services string) (*Proxy, *httptest.Server) {
	p, err := service.Parse(services)
	if err != nil {
		t.Fatal(err)
	}
	p.RecomputeFrames = true
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	p.Classpath = []classpath.Finder{jdk}
	cache, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	signer, err := NewSigner("")
	if err != nil {
		t.Fatal(err)
	}
	px := New(p, cache, signer)
	audit, err := OpenAudit(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() })
	px.Audit = audit
	return px, loopback(t, px)
}

func get(t *testing.T, proxyURL, target string) *http.Response {
	pu, _ := url.Parse(proxyURL)
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	resp, err := c.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestEndToEnd runs JLex from the origin through the proxy in a stock JVM,
// as a jar and class by class, and compares with running the jar directly;
// the second run comes from the cache.
func TestEndToEnd(t *testing.T) {
	dir := site(t)
	origin := loopback(t, &Origin{Dir: dir})
	px, ps := proxyFor(t, "coverage")
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
		return r.Stdout, out
	}
	wantOut, wantLexer := run("-cp", "/usr/share/java/JLex.jar", "JLex.Main")
	pu, _ := url.Parse(ps.URL)
	client := []string{"-Xverify:all", "-Dhttp.proxyHost=" + pu.Hostname(), "-Dhttp.proxyPort=" + pu.Port(),
		"-Dhttp.nonProxyHosts=", "-Ddvmlab.coverage.out=" + filepath.Join(t.TempDir(), "cov.txt"),
		"-cp", rtJar, "dvmlab.runtime.Launcher"}
	for _, mode := range []struct{ name, url string }{{"jar", origin.URL + "/JLex.jar"}, {"classes", origin.URL + "/classes/"}} {
		for round := 1; round <= 2; round++ {
			before := px.Hits.Load()
			out, lexer := run(append(client, mode.url, "JLex.Main")...)
			if out != wantOut || !bytes.Equal(lexer, wantLexer) {
				t.Fatalf("%s mode, run %d: output differs from the direct run", mode.name, round)
			}
			hits := px.Hits.Load() - before
			// The audit trail tells the same story, per session.
			sessions, err := px.Audit.Sessions()
			if err != nil || len(sessions) == 0 {
				t.Fatalf("no session recorded: %v", err)
			}
			s := sessions[len(sessions)-1]
			evs, err := px.Audit.Events(Query{Session: s.ID})
			if err != nil || len(evs) == 0 {
				t.Fatalf("no events for session %s: %v", s.ID, err)
			}
			want := map[int]string{1: "rewritten", 2: "cached"}[round]
			for _, e := range evs {
				if e.Outcome != want {
					t.Errorf("%s mode run %d: %s was %s, want %s", mode.name, round, e.URL, e.Outcome, want)
				}
			}
			if s.JVM == "" || s.OS == "" || s.Arch == "" {
				t.Errorf("handshake lacks facts: %+v", s)
			}
			t.Logf("%s mode run %d: identical output; session %s (%s, JVM %s, %s/%s): %d classes or jars served, all %s; %d cache hits",
				mode.name, round, s.ID, s.User, s.JVM, s.OS, s.Arch, len(evs), want, hits)
		}
	}
	t.Logf("proxy: %d requests, %d rewritten, %d cache hits, %d failures", px.Requests.Load(), px.Rewritten.Load(), px.Hits.Load(), px.Failures.Load())
}

// TestBadInput: a malformed class becomes a class that throws
// ClassFormatError, a malformed jar an HTTP error with the reason, a dead
// origin a 502; the proxy keeps serving throughout.
func TestBadInput(t *testing.T) {
	dir := site(t)
	origin := loopback(t, &Origin{Dir: dir})
	_, ps := proxyFor(t, "none")

	resp := get(t, ps.URL, origin.URL+"/Broken.class")
	body, _ := io.ReadAll(resp.Body)
	c, err := classfile.Parse(body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("replacement class: %d %v", resp.StatusCode, err)
	}
	if c.Method("<clinit>", "()V") == nil || !strings.Contains(string(body), "ClassFormatError") {
		t.Fatal("replacement does not throw ClassFormatError")
	}
	// HotSpot agrees: loading it throws our ClassFormatError.
	cls := t.TempDir()
	os.WriteFile(filepath.Join(cls, c.Name()+".class"), body, 0o644)
	loader := jvmtest.Javac(t, map[string]string{"Load.java": "public class Load { public static void main(String[] a) throws Exception { Class.forName(a[0]); } }"})
	r := jvmtest.Java(t, "-Xverify:all", "-cp", cls+string(os.PathListSeparator)+loader, "Load", c.Name())
	if !strings.Contains(r.Stderr, "java.lang.ClassFormatError: dvmlab proxy:") {
		t.Fatalf("JVM said: %s", r.Stderr)
	}

	resp = get(t, ps.URL, origin.URL+"/broken.jar")
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "malformed jar") {
		t.Fatalf("broken jar: %d %s", resp.StatusCode, body)
	}

	dead := loopback(t, http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	resp = get(t, ps.URL, deadURL+"/X.class")
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "origin unreachable") {
		t.Fatalf("dead origin: %d %s", resp.StatusCode, body)
	}

	// Still serving, and concurrent requests for one class are coalesced.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := get(t, ps.URL, origin.URL+"/classes/JLex/Main.class")
			if resp.StatusCode != 200 {
				t.Errorf("after bad input: %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
}

// TestClientRefusesAlteredClasses puts a meddler between proxy and client
// that flips one byte of JLex.Main (or of the jar), or drops the jar's
// signature: the client refuses to run what the proxy did not sign.
func TestClientRefusesAlteredClasses(t *testing.T) {
	dir := site(t)
	origin := loopback(t, &Origin{Dir: dir})
	px, _ := proxyFor(t, "none")
	var rt bytes.Buffer
	runtime.WriteJar(&rt)
	rtJar := filepath.Join(t.TempDir(), "rt.jar")
	os.WriteFile(rtJar, rt.Bytes(), 0o644)
	for _, c := range []struct {
		mode, url, want string
		meddle          func(path string, h http.Header, body []byte)
	}{
		{"classes", origin.URL + "/classes/", "class JLex.Main is unsigned or altered", func(p string, _ http.Header, b []byte) {
			if strings.HasSuffix(p, "/JLex/Main.class") {
				b[len(b)/2] ^= 1
			}
		}},
		{"jar", origin.URL + "/JLex.jar", "JLex.jar is altered", func(p string, _ http.Header, b []byte) {
			if strings.HasSuffix(p, ".jar") {
				b[len(b)/3] ^= 1
			}
		}},
		{"jar", origin.URL + "/JLex.jar", "JLex.jar is unsigned", func(p string, h http.Header, _ []byte) { h.Del(SignatureHeader) }},
	} {
		meddler := loopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			px.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			c.meddle(r.URL.Path, rec.Header(), body)
			for k, vs := range rec.Header() {
				w.Header()[k] = vs
			}
			w.WriteHeader(rec.Code)
			w.Write(body)
		}))
		mu, _ := url.Parse(meddler.URL)
		r := jvmtest.Java(t, "-Dhttp.proxyHost="+mu.Hostname(), "-Dhttp.proxyPort="+mu.Port(), "-Dhttp.nonProxyHosts=",
			"-cp", rtJar, "dvmlab.runtime.Launcher", c.url, "JLex.Main")
		if r.Err == nil || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("%s mode: want a refusal saying %q, got %v:\n%s", c.mode, c.want, r.Err, r.Stderr)
		}
	}
}

// TestBounds: a zip bomb (an entry inflating past the limit) and an
// oversized class are refused with a reason, without exhausting memory.
func TestBounds(t *testing.T) {
	dir := t.TempDir()
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("Huge.class")
	zero := make([]byte, 1<<20)
	for i := 0; i < 65; i++ {
		w.Write(zero)
	}
	zw.Close()
	os.WriteFile(filepath.Join(dir, "bomb.jar"), bomb.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "Big.class"), make([]byte, MaxClassBytes+1), 0o644)
	origin := loopback(t, &Origin{Dir: dir})
	_, ps := proxyFor(t, "none")
	for _, c := range []struct{ path, want string }{
		{"/bomb.jar", "exceeds the 67108864-byte limit"},
		{"/Big.class", "larger than the proxy's"},
	} {
		resp := get(t, ps.URL, origin.URL+c.path)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), c.want) {
			t.Errorf("%s (%d bytes): %d %s", c.path, bomb.Len(), resp.StatusCode, body)
		}
	}
}

// TestHierarchyFromOrigin serves an application class by class whose frames
// need the common superclass of two of its own classes; the proxy fetches
// them from the origin, so HotSpot's verifier accepts what it emits.
func TestHierarchyFromOrigin(t *testing.T) {
	app := jvmtest.Javac(t, map[string]string{"App.java": `
abstract class Base { int size() { return 3; } }
class A extends Base {}
class B extends Base { int size() { return 4; } }
public class App {
    static int pick(boolean a) {
        Base x;
        if (a) { x = new A(); } else { x = new B(); }
        return x.size();   // invokevirtual Base.size on the merged type
    }
    public static void main(String[] args) { System.out.println(pick(true) + pick(false)); }
}`})
	origin := loopback(t, &Origin{Dir: app})
	px, ps := proxyFor(t, "coverage")
	var rt bytes.Buffer
	runtime.WriteJar(&rt)
	rtJar := filepath.Join(t.TempDir(), "rt.jar")
	os.WriteFile(rtJar, rt.Bytes(), 0o644)
	pu, _ := url.Parse(ps.URL)
	r := jvmtest.Java(t, "-Xverify:all", "-Dhttp.proxyHost="+pu.Hostname(), "-Dhttp.proxyPort="+pu.Port(), "-Dhttp.nonProxyHosts=",
		"-Ddvmlab.coverage.out="+filepath.Join(t.TempDir(), "cov.txt"), "-cp", rtJar, "dvmlab.runtime.Launcher", origin.URL+"/", "App")
	if r.Err != nil || strings.TrimSpace(r.Stdout) != "7" {
		t.Fatalf("App through the proxy: %v %q\n%s", r.Err, r.Stdout, r.Stderr)
	}
	t.Logf("served %d classes; frames merged A and B at Base", px.Rewritten.Load())
}

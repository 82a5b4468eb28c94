package security_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/policy"
	"dvmlab/core/proxy"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/core/service/security"
	"dvmlab/internal/jvmtest"
)

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

// jarOf writes the classes under dir whose names start with one of prefixes
// into a jar at path.
func jarOf(t *testing.T, dir, path string, prefixes ...string) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		keep := false
		for _, p := range prefixes {
			keep = keep || e.Name() == p+".class" || strings.HasPrefix(e.Name(), p+"$")
		}
		if !keep {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(e.Name())
		w.Write(data)
	}
	zw.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// world is an origin serving lib.jar and app.jar (testdata/leak), a secret
// and a public file, a policy file, and a proxy running the security
// service with its security server.
type world struct {
	origin, proxy    *httptest.Server
	px               *proxy.Proxy
	sec              *proxy.SecurityServer
	dir, secret, pub string
	policyFile       string
	rtJar            string
}

func newWorld(t *testing.T) *world {
	jvmtest.JavaHome(t)
	w := &world{dir: t.TempDir()}
	src := map[string]string{}
	for _, n := range []string{"Lib.java", "Main.java", "Flip.java"} {
		b, err := os.ReadFile(filepath.Join("testdata", "leak", n))
		if err != nil {
			t.Fatal(err)
		}
		src[n] = string(b)
	}
	classes := jvmtest.Javac(t, src, "-nowarn", "-Xlint:none")
	site := filepath.Join(w.dir, "site")
	os.MkdirAll(site, 0o755)
	jarOf(t, classes, filepath.Join(site, "lib.jar"), "Lib")
	jarOf(t, classes, filepath.Join(site, "app.jar"), "Main", "Flip")
	secretDir := filepath.Join(w.dir, "secret")
	os.MkdirAll(secretDir, 0o755)
	w.secret = filepath.Join(secretDir, "data.txt")
	w.pub = filepath.Join(w.dir, "public.txt")
	os.WriteFile(w.secret, []byte("TOP SECRET\n"), 0o644)
	os.WriteFile(w.pub, []byte("public\n"), 0o644)
	pol, err := os.ReadFile("testdata/leak/policy.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.policyFile = filepath.Join(w.dir, "policy.xml")
	os.WriteFile(w.policyFile, []byte(strings.ReplaceAll(string(pol), "SECRETDIR", secretDir)), 0o644)

	w.sec, err = proxy.NewSecurityServer(w.policyFile)
	if err != nil {
		t.Fatal(err)
	}
	w.sec.Log = t.Logf
	p, _, _ := w.sec.Current()
	pipe := &service.Pipeline{Services: []service.Service{security.New(p)}}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	pipe.Classpath = []classpath.Finder{jdk}
	cache, err := proxy.OpenCache("")
	if err != nil {
		t.Fatal(err)
	}
	w.px = proxy.New(pipe, cache, nil)
	audit, err := proxy.OpenAudit(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() })
	w.px.Audit = audit
	w.px.Security = w.sec
	w.origin = loopback(t, &proxy.Origin{Dir: site})
	w.proxy = loopback(t, w.px)
	var rt bytes.Buffer
	if err := runtime.WriteJar(&rt); err != nil {
		t.Fatal(err)
	}
	w.rtJar = filepath.Join(w.dir, "rt.jar")
	os.WriteFile(w.rtJar, rt.Bytes(), 0o644)
	return w
}

// client is the java command line of a client of the proxy, -Xverify:all.
func (w *world) client(main string, args ...string) []string {
	pu, _ := url.Parse(w.proxy.URL)
	return append([]string{"-Xverify:all", "-Dhttp.proxyHost=" + pu.Hostname(), "-Dhttp.proxyPort=" + pu.Port(),
		"-Dhttp.nonProxyHosts=", "-cp", w.rtJar, "dvmlab.runtime.Launcher",
		w.origin.URL + "/app.jar," + w.origin.URL + "/lib.jar", main}, args...)
}

// lines maps each "step: outcome" line to its outcome.
func lines(out string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok {
			m[k] = v
		}
	}
	return m
}

// TestLeakedHandle: through the proxy, the application's own checks hold,
// the streams the library leaks are stopped at read on every path, and
// reflective and method-handle calls to a guarded method are checked; the
// same program under JDK 17's SecurityManager with a policy to the same
// effect reads the secret through every leaked stream.
func TestLeakedHandle(t *testing.T) {
	w := newWorld(t)
	r := jvmtest.Java(t, w.client("Main", w.secret, w.pub)...)
	if r.Err != nil {
		t.Fatalf("client: %v\n%s\n%s", r.Err, r.Stdout, r.Stderr)
	}
	dvm := lines(r.Stdout)
	t.Logf("through the proxy:\n%s", r.Stdout)

	// The JDK's SecurityManager, on the original jars from local files.
	site := filepath.Join(w.dir, "site")
	smPol, _ := os.ReadFile("testdata/leak/sm.policy")
	sm := strings.NewReplacer("LIBJAR", filepath.Join(site, "lib.jar"), "APPJAR", filepath.Join(site, "app.jar"),
		"SECRETDIR", filepath.Dir(w.secret), "PUBFILE", w.pub).Replace(string(smPol))
	smFile := filepath.Join(w.dir, "sm.policy")
	os.WriteFile(smFile, []byte(sm), 0o644)
	cp := filepath.Join(site, "app.jar") + ":" + filepath.Join(site, "lib.jar")
	rs := jvmtest.Java(t, "-Djava.security.manager", "-Djava.security.policy=="+smFile, "-cp", cp, "Main", w.secret, w.pub)
	// Code on the class path holds exitVM whatever the policy says (the
	// JDK's application class loader grants it), so the reflective exit
	// ends the run with status 3.
	var ee *exec.ExitError
	if !errors.As(rs.Err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("SecurityManager run: %v, want exit status 3 (the reflective System.exit(3))\n%s", rs.Err, rs.Stderr)
	}
	jdk := lines(rs.Stdout)
	t.Logf("under the SecurityManager:\n%s", rs.Stdout)

	want := []struct {
		step     string
		dvm, jdk string // prefixes of the outcome
		rule     string // what the denial must name
	}{
		{"property java.version", "ok true", "ok true", ""},
		{"property user.home", "denied dvmlab security: property.read on property user.home", "denied access denied", "deny app -> home"},
		{"open public", "ok p", "ok p", ""},
		{"open secret", "denied dvmlab security: file.open", "denied access denied", "deny app -> secret"},
		{"leaked FileInputStream.read", "denied dvmlab security: file.read", "ok T", "deny app -> secret"},
		{"leaked InputStream.read", "denied dvmlab security: file.read", "ok O", "deny app -> secret"},
		{"leaked BufferedReader.readLine", "denied dvmlab security: file.read", "ok TOP SECRET", "deny app -> secret"},
		{"leaked Files.newInputStream read", "denied dvmlab security: file.read", "ok T", "deny app -> secret"},
		// A reader the JDK makes inside its own method: recorded at the
		// guarded call that returns it.
		{"leaked Files.newBufferedReader readLine", "denied dvmlab security: file.read", "ok TOP SECRET", "deny app -> secret"},
		{"lib reads its own", "ok T", "ok T", ""},
		// The check at the entry of an application's own guarded method
		// names the method's class (the library) as the subject.
		{"entry-guarded Lib.peek", "denied dvmlab security: peek on file", "ok T", "deny lib -> secret peek"},
		{"reflective System.exit", "denied dvmlab security: exit on exit 3", "", "deny app -> exit"},
		{"method handle System.exit", "denied dvmlab security: exit on exit 4", "", "deny app -> exit"},
		{"constructor reference FileInputStream::new", "denied dvmlab security: file.open", "", "deny app -> secret"},
		{"method reference System::exit", "denied dvmlab security: exit on exit 5", "", "deny app -> exit"},
	}
	for _, c := range want {
		if got := dvm[c.step]; !strings.HasPrefix(got, c.dvm) || !strings.Contains(got, c.rule) {
			t.Errorf("proxy: %s: %q, want %q… naming %q", c.step, got, c.dvm, c.rule)
		}
		if got, ok := jdk[c.step]; c.jdk == "" && ok || !strings.HasPrefix(got, c.jdk) {
			t.Errorf("SecurityManager: %s: %q, want %q…", c.step, got, c.jdk)
		}
	}
	if !strings.Contains(r.Stdout, "\ndone\n") {
		t.Errorf("the client did not finish")
	}
	// Every denial is in the audit trail.
	evs, err := w.px.Audit.Events(proxy.Query{Outcome: "denied"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 12 {
		t.Errorf("%d denials in the audit trail, want 12", len(evs))
	}
	for _, e := range evs {
		if e.Session == "" || !strings.Contains(e.Detail, "by deny app") && !strings.Contains(e.Detail, "by deny lib") {
			t.Errorf("audit row: %+v", e)
		}
	}
}

// TestInvalidation: while a client runs, a malformed edit of the policy
// leaves the last good one in force, and a good edit reaches the client's
// next check; the time from the edit to the first denied check is logged.
func TestInvalidation(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.sec.Watch(ctx, 20*time.Millisecond)
	cmd := exec.Command(jvmtest.Tool(t, "java"), w.client("Flip")...)
	out, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	if !sc.Scan() || sc.Text() != "allowed" {
		t.Fatalf("client: %q\n%s", sc.Text(), stderr.String())
	}
	good, _ := os.ReadFile(w.policyFile)
	_, v0, _ := w.sec.Current()
	// Malformed: the proxy keeps the policy in force.
	os.WriteFile(w.policyFile, []byte(strings.Replace(string(good), "</policy>", "<sid name='x'>\n</policy>", 1)), 0o644)
	time.Sleep(300 * time.Millisecond)
	_, v, err := w.sec.Current()
	var pe *policy.Error
	if v != v0 || !errors.As(err, &pe) || pe.Pos.Line < 2 {
		t.Fatalf("after a malformed edit: version %d (was %d), error %v", v, v0, err)
	}
	t.Logf("malformed edit refused, version %d stays: %v", v, err)
	// A good edit: the property is now denied to the application.
	edited := strings.Replace(string(good), "</policy>",
		"  <sid name=\"flip\" properties=\"dvmlab.flip\"/>\n  <deny subject=\"app\" object=\"flip\" permissions=\"property.read\"/>\n</policy>", 1)
	edit := time.Now()
	os.WriteFile(w.policyFile, []byte(edited), 0o644)
	done := make(chan string, 1)
	go func() {
		if sc.Scan() {
			done <- sc.Text()
		}
		close(done)
	}()
	var line string
	select {
	case line = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("no denial 30 s after the edit\n%s", stderr.String())
	}
	f := strings.Fields(line)
	if len(f) < 3 || f[0] != "denied" {
		t.Fatalf("client: %q", line)
	}
	at, _ := strconv.ParseInt(strings.TrimSuffix(f[2], ":"), 10, 64)
	lat := time.UnixMilli(at).Sub(edit)
	if !strings.Contains(line, "deny app -> flip") {
		t.Errorf("denial does not name the new rule: %q", line)
	}
	t.Logf("edit to enforcement: %v (file polled every 20 ms)", lat)
	if lat < 0 || lat > 10*time.Second {
		t.Errorf("latency %v", lat)
	}
}

// TestGlobAgrees: the enforcement manager's glob (Java) and the policy's
// (Go) give the same answer on every case of the policy's table.
func TestGlobAgrees(t *testing.T) {
	jvmtest.JavaHome(t)
	table, err := os.ReadFile("../../policy/testdata/glob.txt")
	if err != nil {
		t.Fatal(err)
	}
	var rt bytes.Buffer
	if err := runtime.WriteJar(&rt); err != nil {
		t.Fatal(err)
	}
	rtJar := filepath.Join(t.TempDir(), "rt.jar")
	os.WriteFile(rtJar, rt.Bytes(), 0o644)
	cls := jvmtest.Javac(t, map[string]string{"G.java": `public class G { public static void main(String[] a) throws Exception {
		java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
		for (String l; (l = r.readLine()) != null; ) { String[] f = l.split("\t", -1); System.out.println(dvmlab.runtime.Security.glob(f[0], f[1])); } } }`},
		"-cp", rtJar)
	var in strings.Builder
	var want []bool
	for _, l := range strings.Split(string(table), "\n") {
		f := strings.Fields(l)
		if len(f) != 3 || strings.HasPrefix(l, "#") {
			continue
		}
		if f[1] == `""` {
			f[1] = ""
		}
		in.WriteString(f[0] + "\t" + f[1] + "\n")
		want = append(want, policy.Match(f[0], f[1]))
	}
	cmd := exec.Command(jvmtest.Tool(t, "java"), "-cp", cls+":"+rtJar, "G")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(string(out))
	if len(got) != len(want) {
		t.Fatalf("%d answers for %d cases", len(got), len(want))
	}
	cases := strings.Split(strings.TrimSpace(in.String()), "\n")
	for i := range want {
		if got[i] != strconv.FormatBool(want[i]) {
			t.Errorf("%q: Java %s, Go %v", cases[i], got[i], want[i])
		}
	}
}

// rewriteJar runs the security service over a jar offline.
func rewriteJar(t *testing.T, p *policy.Policy, in, out string) {
	pipe := &service.Pipeline{Services: []service.Service{security.New(p)}}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	pipe.Classpath = []classpath.Finder{jdk}
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	st, err := pipe.RewriteJar(bytes.NewReader(data), int64(len(data)), &b, nil)
	if err != nil || len(st.Errors) > 0 {
		t.Fatalf("rewrite %s: %v %v", in, err, st.Errors)
	}
	os.WriteFile(out, b.Bytes(), 0o644)
}

// TestUnreachable: rewritten code with no security server to ask is denied
// every guarded operation, and the exception says why.
func TestUnreachable(t *testing.T) {
	w := newWorld(t)
	p, _, _ := w.sec.Current()
	site := filepath.Join(w.dir, "site")
	out := t.TempDir()
	for _, j := range []string{"app.jar", "lib.jar"} {
		rewriteJar(t, p, filepath.Join(site, j), filepath.Join(out, j))
	}
	cp := filepath.Join(out, "app.jar") + ":" + filepath.Join(out, "lib.jar") + ":" + w.rtJar
	r := jvmtest.Java(t, "-Xverify:all", "-cp", cp, "Main", w.secret, w.pub)
	// The library's open, which Main does not catch, is denied too.
	if r.Err == nil || !strings.Contains(r.Stderr, "SecurityException: dvmlab security: file.open denied to file:") ||
		!strings.Contains(r.Stderr, "the security server is unreachable") {
		t.Fatalf("%v\n%s", r.Err, r.Stderr)
	}
	got := lines(r.Stdout)
	for _, step := range []string{"property java.version", "open public", "open secret"} {
		if !strings.HasPrefix(got[step], "denied") || !strings.Contains(got[step], "the security server is unreachable") {
			t.Errorf("%s: %q", step, got[step])
		}
	}
}

// TestAllowedIsUnchanged: under a policy that permits everything the
// program prints what it prints unrewritten and ends the same way (its
// reflective System.exit(3) goes through).
func TestAllowedIsUnchanged(t *testing.T) {
	w := newWorld(t)
	good, _ := os.ReadFile(w.policyFile)
	open := strings.ReplaceAll(string(good), "<deny ", "<allow ")
	os.WriteFile(w.policyFile, []byte(open), 0o644)
	if err := w.sec.Reload(); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(w.dir, "site")
	direct := jvmtest.Java(t, "-cp", filepath.Join(site, "app.jar")+":"+filepath.Join(site, "lib.jar"), "Main", w.secret, w.pub)
	r := jvmtest.Java(t, w.client("Main", w.secret, w.pub)...)
	var e1, e2 *exec.ExitError
	if !errors.As(direct.Err, &e1) || !errors.As(r.Err, &e2) || e1.ExitCode() != 3 || e2.ExitCode() != 3 {
		t.Fatalf("exits: direct %v, through the proxy %v\n%s", direct.Err, r.Err, r.Stderr)
	}
	if r.Stdout != direct.Stdout {
		t.Errorf("through the proxy:\n%s\ndirect:\n%s", r.Stdout, direct.Stdout)
	}
}

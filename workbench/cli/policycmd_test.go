package cli

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/proxy"
	"dvmlab/core/service"
)

// TestPolicyExampleChecks: the example is accepted, and its guards are
// found in the JDK.
func TestPolicyExampleChecks(t *testing.T) {
	code, ex, _ := run("policy", "example")
	if code != 0 {
		t.Fatal(code)
	}
	f := filepath.Join(t.TempDir(), "site.xml")
	os.WriteFile(f, []byte(ex), 0o644)
	code, out, errOut := run("policy", "check", f)
	if code != 0 || !strings.Contains(out, "well-formed") || !strings.Contains(out, "java/io/FileInputStream.read([B)I") {
		t.Fatalf("check: %d\n%s\n%s", code, out, errOut)
	}
}

// TestPolicyCheckReports: a malformed policy gives line and column, and a
// guard naming a method the JDK does not have is reported.
func TestPolicyCheckReports(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte("<policy>\n  <sid name='x' files='/a'>\n</policy>\n"), 0o644)
	if code, _, errOut := run("policy", "check", bad); code != 1 || !strings.Contains(errOut, "bad.xml:3:1: XML") {
		t.Fatalf("malformed: %d %q", code, errOut)
	}
	ghost := filepath.Join(dir, "ghost.xml")
	os.WriteFile(ghost, []byte(`<policy>
  <guard permission="exit" method="java/lang/System.quit(I)V" resource="exit:arg0"/>
  <guard permission="exit" method="java/lang/Nowhere.exit" resource="exit"/>
</policy>
`), 0o644)
	code, _, errOut := run("policy", "check", ghost)
	if code != 1 || !strings.Contains(errOut, "line 2: guard java/lang/System.quit(I)V: java/lang/System declares no such method") ||
		!strings.Contains(errOut, "line 3: guard java/lang/Nowhere.exit: no class java/lang/Nowhere") {
		t.Fatalf("ghost guards: %d %q", code, errOut)
	}
}

// TestPolicyReload: `policy reload --proxy` makes the proxy read its file
// again; a malformed file is refused with its position and the version in
// force stays.
func TestPolicyReload(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "p.xml")
	os.WriteFile(f, []byte("<policy default='allow'/>"), 0o644)
	sec, err := proxy.NewSecurityServer(f)
	if err != nil {
		t.Fatal(err)
	}
	px := proxy.New(&service.Pipeline{}, nil, nil)
	px.Security = sec
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: px}
	go srv.Serve(l)
	defer srv.Close()
	os.WriteFile(f, []byte("<policy default='deny'/>"), 0o644)
	if code, out, errOut := run("policy", "reload", "--proxy", l.Addr().String()); code != 0 || !strings.Contains(out, "version 2") {
		t.Fatalf("reload: %d %q %q", code, out, errOut)
	}
	if p, _, _ := sec.Current(); p.DefaultAllow {
		t.Fatal("the new policy is not in force")
	}
	os.WriteFile(f, []byte("<policy default='deny'>\n<guard/>\n</policy>"), 0o644)
	code, _, errOut := run("policy", "reload", "--proxy", l.Addr().String())
	if code != 1 || !strings.Contains(errOut, "p.xml:2:1: <guard> needs a permission attribute; version 2 stays in force") {
		t.Fatalf("malformed reload: %d %q", code, errOut)
	}
}

// TestPolicySites: the example's guards are found at cup's System.exit
// calls, with the instruction as javap lists it.
func TestPolicySites(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/cup.jar"); err != nil {
		t.Skip("cup not installed; run make deps")
	}
	_, ex, _ := run("policy", "example")
	f := filepath.Join(t.TempDir(), "site.xml")
	os.WriteFile(f, []byte(ex), 0o644)
	code, out, errOut := run("policy", "sites", f, "/usr/share/java/cup.jar", "java_cup.internal_error")
	if code != 0 || !strings.Contains(out, "java_cup/internal_error.crash()V     33: invokestatic java/lang/System.exit:(I)V  <- exit on exit:arg0") {
		t.Fatalf("sites: %d\n%s\n%s", code, out, errOut)
	}
}

package proxy

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classfile"
)

// method-near-64k through the proxy: the class is served instrumented but
// for f, which keeps its code, and the audit trail names f; never a class
// that throws VerifyError in place of one HotSpot loads.
func TestMethodNear64KServed(t *testing.T) {
	px, srv := proxyFor(t, "coverage")
	origin := loopback(t, &Origin{Dir: filepath.Join("testdata", "method-near-64k")})
	for _, target := range []string{"/HugeMethod.class", "/huge.jar"} {
		resp := get(t, srv.URL, origin.URL+target)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s: %s", target, resp.Status, body)
		}
		if target == "/HugeMethod.class" {
			c, err := classfile.Parse(body)
			if err != nil {
				t.Fatal(err)
			}
			if c.Method("<clinit>", "()V") != nil && c.Method("f", "(I)I") == nil {
				t.Fatal("served a replacement class")
			}
			if c.Method("f", "(I)I") == nil || c.Method("main", "([Ljava/lang/String;)V") == nil {
				t.Fatal("methods missing from the served class")
			}
		}
	}
	evs, err := px.Audit.Events(Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	for _, e := range evs {
		if e.Outcome != "rewritten" || !strings.Contains(e.Detail, "coverage: HugeMethod.f(I)I") {
			t.Errorf("%s: %s (%s), want rewritten, naming f", e.URL, e.Outcome, e.Detail)
		}
	}
}

// jar-directory-entries through the proxy: a jar made by the JDK's jar tool
// (deflated META-INF/ entry) is served, and with no service, as it came.
func TestJarDirectoryEntriesServed(t *testing.T) {
	for _, services := range []string{"none", "coverage"} {
		_, srv := proxyFor(t, services)
		origin := loopback(t, &Origin{Dir: filepath.Join("testdata", "jar-directory-entries")})
		resp := get(t, srv.URL, origin.URL+"/jdkjar.jar")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s: %s", services, resp.Status, body)
		}
	}
}

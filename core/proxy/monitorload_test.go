package proxy

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/internal/jvmtest"
)

// rewritten rewrites the test program with services into a directory of
// classes a stock JVM runs with the client runtime.
func rewritten(t *testing.T, dir, services string) string {
	t.Helper()
	p, err := service.Parse(services)
	if err != nil {
		t.Fatal(err)
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	p.Classpath = []classpath.Finder{jdk}
	out := t.TempDir()
	if _, err := p.RewritePath(dir, out, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

// frontServer is a monitoring server that answers as front decides: a
// handler that returns false has refused the batch (HTTP 503), and the
// server stores nothing of it; nor does it store a batch whose client has
// given up waiting (its transaction, as it were, rolled back).
func frontServer(t *testing.T, front func(body []byte) bool) (*MonitorServer, string) {
	a, err := OpenAudit(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	m := NewMonitorServer(a, nil)
	s := loopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		if !front(body) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if r.Context().Err() != nil {
			return
		}
		if err := m.Receive("", "client", body); err != nil {
			t.Errorf("batch refused: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	return m, s.URL + MonitorPath
}

func runRewritten(t *testing.T, classes, monitorURL string) jvmtest.Result {
	t.Helper()
	r := jvmtest.Java(t, "-Xverify:all", "-Ddvmlab.monitor.url="+monitorURL,
		"-cp", classes+string(os.PathListSeparator)+runtimeJar(t), "Calls")
	if r.Err != nil || r.Stdout != callsOutput {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", r.Err, r.Stdout, r.Stderr)
	}
	return r
}

// hasEvents reports whether a batch holds monitor events (a thread's b line).
func hasEvents(body []byte) bool { return bytes.Contains(body, []byte("\nb ")) }

// TestMonitorSlowServerKeepsProfile runs the test program with the
// monitor and profile services against a server that takes 2.5 seconds
// to store its first batch, as one storing and chaining a large batch and
// signing a checkpoint may: the call graph's edges are those of the profiler alone,
// and no event is lost. (The client once gave up on the slow batch, took
// the server for down, and dropped the profile batch that followed: a CUP
// run with both services kept 54 calls of 166,612.)
func TestMonitorSlowServerKeepsProfile(t *testing.T) {
	dir := monitorSite(t, "Calls.java")
	alone, aloneURL := frontServer(t, func([]byte) bool { return true })
	runRewritten(t, rewritten(t, dir, "profile"), aloneURL)
	var slowed atomic.Bool
	slow, slowURL := frontServer(t, func(body []byte) bool {
		if slowed.CompareAndSwap(false, true) {
			time.Sleep(2500 * time.Millisecond)
		}
		return true
	})
	r := runRewritten(t, rewritten(t, dir, "monitor,profile"), slowURL)
	if strings.Contains(r.Stderr, "dvmlab monitor") {
		t.Errorf("the client warned: %s", r.Stderr)
	}
	// One client each: its session's edges are all the trail's.
	aloneEdges := edgesOf(t, alone.Audit, "")
	diffMaps(t, "profile alone: edge", aloneEdges, callsWant.edges)
	diffMaps(t, "with the monitor: edge", edgesOf(t, slow.Audit, ""), aloneEdges)
	diffMaps(t, "with the monitor: events", countsOf(t, slow.Audit, ""), callsWant.counts)
}

// TestMonitorDroppedReachesServer refuses the client's first batch of
// method events: the client counts them dropped, says how many on stderr
// (the line the monitor experiment reads), and the server learns the same
// count, which `audit sessions` and the console show; stored and dropped
// events add up to all the program's events.
func TestMonitorDroppedReachesServer(t *testing.T) {
	dir := monitorSite(t, "Calls.java")
	var refused atomic.Bool
	m, url := frontServer(t, func(body []byte) bool {
		return !hasEvents(body) || !refused.CompareAndSwap(false, true)
	})
	r := runRewritten(t, rewritten(t, dir, "monitor"), url)
	var total int64
	for _, c := range callsWant.counts {
		total += c[0] + c[1] + c[2]
	}
	ss, err := m.Audit.Sessions()
	if err != nil || len(ss) != 1 {
		t.Fatalf("sessions: %v %v", ss, err)
	}
	var stored int64
	for _, c := range countsOf(t, m.Audit, ss[0].ID) {
		stored += c[0] + c[1] + c[2]
	}
	if ss[0].Dropped == 0 || stored+ss[0].Dropped != total {
		t.Errorf("stored %d + dropped %d (as the server has it), want %d in all, some dropped", stored, ss[0].Dropped, total)
	}
	if n, ok := droppedLine(r.Stderr); !ok || n != ss[0].Dropped {
		t.Errorf("the client says %d dropped (%v), the server %d:\n%s", n, ok, ss[0].Dropped, r.Stderr)
	}
	st := m.Snapshot(1)
	if len(st.Sessions) != 1 || st.Sessions[0].Dropped != ss[0].Dropped {
		t.Errorf("console: %+v", st.Sessions)
	}
	var buf bytes.Buffer
	st.Render(&buf)
	if !strings.Contains(buf.String(), "DROPPED") {
		t.Errorf("console shows no dropped column:\n%s", buf.String())
	}
}

// droppedLine reads the client's final count of dropped events.
func droppedLine(stderr string) (int64, bool) {
	for _, line := range strings.Split(stderr, "\n") {
		var n int64
		if _, err := fmt.Sscanf(line, "dvmlab monitor: %d events dropped", &n); err == nil {
			return n, true
		}
	}
	return 0, false
}

package proxy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"dvmlab/core/runtime"
	_ "dvmlab/core/service/monitor"
	dvmprofile "dvmlab/core/service/profile"
	"dvmlab/internal/jvmtest"
)

// callsWant is what testdata/monitor/Calls.java does, counted by hand:
// entries, exits and exits by exception per method, and the call graph.
var callsWant = struct {
	counts map[string][3]int64
	edges  map[[2]string]int64
	unused []string
}{
	counts: map[string][3]int64{
		"Calls$Node.<init>(I)V":            {5, 3, 2}, // d = -2, -1 throw after super()
		"Calls$Worker.<init>()V":           {4, 4, 0},
		"Calls$Worker.run()V":              {4, 4, 0},
		"Calls.catcher(I)I":                {1, 1, 0},
		"Calls.fib(I)I":                    {177, 177, 0}, // fib(10)
		"Calls.leaf(I)I":                   {455, 455, 0}, // 50 + 4 x 100 from loop, 5 from thrower
		"Calls.loop(I)V":                   {5, 5, 0},
		"Calls.main([Ljava/lang/String;)V": {1, 1, 0},
		"Calls.thrower(I)V":                {10, 5, 5},
	},
	edges: map[[2]string]int64{
		{"", "Calls.main([Ljava/lang/String;)V"}:                       1,
		{"", "Calls$Worker.run()V"}:                                    4,
		{"Calls$Worker.run()V", "Calls.loop(I)V"}:                      4,
		{"Calls.catcher(I)I", "Calls.thrower(I)V"}:                     10,
		{"Calls.fib(I)I", "Calls.fib(I)I"}:                             176,
		{"Calls.loop(I)V", "Calls.leaf(I)I"}:                           450,
		{"Calls.main([Ljava/lang/String;)V", "Calls$Node.<init>(I)V"}:  5,
		{"Calls.main([Ljava/lang/String;)V", "Calls$Worker.<init>()V"}: 4,
		{"Calls.main([Ljava/lang/String;)V", "Calls.catcher(I)I"}:      1,
		{"Calls.main([Ljava/lang/String;)V", "Calls.fib(I)I"}:          1,
		{"Calls.main([Ljava/lang/String;)V", "Calls.loop(I)V"}:         1,
		{"Calls.thrower(I)V", "Calls.leaf(I)I"}:                        5,
	},
	unused: []string{"Calls.<init>()V", "Calls.neverCalled()V"},
}

const callsOutput = "fib 55\ncaught 5\nnodes 3\ndone\n"

// monitorSite compiles the test program into an origin directory.
func monitorSite(t *testing.T, files ...string) string {
	t.Helper()
	src := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("testdata", "monitor", f))
		if err != nil {
			t.Fatal(err)
		}
		src[f] = string(b)
	}
	return jvmtest.Javac(t, src, "--release", "11")
}

// runtimeJar writes the client runtime for -cp.
func runtimeJar(t *testing.T) string {
	t.Helper()
	var rt bytes.Buffer
	if err := runtime.WriteJar(&rt); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "rt.jar")
	if err := os.WriteFile(p, rt.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// clientArgs are a stock JVM's arguments to run main from url through the
// proxy at proxyURL with the launcher, under -Xverify:all.
func clientArgs(proxyURL, rtJar, appURL, main string) []string {
	pu, _ := url.Parse(proxyURL)
	return []string{"-Xverify:all", "-Dhttp.proxyHost=" + pu.Hostname(), "-Dhttp.proxyPort=" + pu.Port(), "-Dhttp.nonProxyHosts=",
		"-cp", rtJar, "dvmlab.runtime.Launcher", appURL, main}
}

func countsOf(t *testing.T, a *Audit, session string) map[string][3]int64 {
	t.Helper()
	cs, err := a.EventCounts(EventQuery{Session: session})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][3]int64{}
	for _, c := range cs {
		out[c.Method] = [3]int64{c.Enter, c.Exit, c.Unwind}
	}
	return out
}

func edgesOf(t *testing.T, a *Audit, session string) map[[2]string]int64 {
	t.Helper()
	es, err := a.Edges(session)
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]int64{}
	for _, e := range es {
		out[[2]string{e.Caller, e.Callee}] = e.Count
	}
	return out
}

func diffMaps[K comparable, V comparable](t *testing.T, what string, got, want map[K]V) {
	t.Helper()
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s %v: got %v, want %v", what, k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %v: got %v, want none", what, k, g)
		}
	}
}

func scale(m map[[2]string]int64, k int64) map[[2]string]int64 {
	out := map[[2]string]int64{}
	for e, n := range m {
		out[e] = n * k
	}
	return out
}

// TestMonitorExactCounts runs the test program in two stock JVMs at once
// through the proxy with the monitor and profile services, under
// -Xverify:all: the output is the program's, every method's entries and
// exits (normal and by exception) are exact per session, the call graph's
// edges are exact per session and twice that summed, the methods never run
// are those the program never calls, and every export (csv, pprof as `go
// tool pprof -top` reads it, folded, DOT) carries the same counts.
func TestMonitorExactCounts(t *testing.T) {
	dir := monitorSite(t, "Calls.java")
	origin := loopback(t, &Origin{Dir: dir})
	px, ps := proxyFor(t, "monitor,profile")
	rtJar := runtimeJar(t)
	var wg sync.WaitGroup
	results := make([]jvmtest.Result, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = jvmtest.Java(t, clientArgs(ps.URL, rtJar, origin.URL+"/", "Calls")...)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Err != nil || r.Stdout != callsOutput {
			t.Fatalf("client %d: %v\nstdout:\n%s\nstderr:\n%s", i, r.Err, r.Stdout, r.Stderr)
		}
		if strings.Contains(r.Stderr, "dvmlab monitor") {
			t.Errorf("client %d warned: %s", i, r.Stderr)
		}
	}
	sessions, err := px.Audit.Sessions()
	if err != nil || len(sessions) != 2 {
		t.Fatalf("want 2 sessions, got %d (%v)", len(sessions), err)
	}
	for _, s := range sessions {
		diffMaps(t, "session "+s.ID+" events", countsOf(t, px.Audit, s.ID), callsWant.counts)
		diffMaps(t, "session "+s.ID+" edge", edgesOf(t, px.Audit, s.ID), callsWant.edges)
		unused, total, err := px.Audit.Unused(s.ID)
		if err != nil || !slicesEqual(unused, callsWant.unused) || total != 11 {
			t.Errorf("session %s: unused %v of %d (%v), want %v of 11", s.ID, unused, total, err, callsWant.unused)
		}
		first, _ := px.Audit.FirstUse(s.ID)
		if len(first) == 0 || first[0] != "Calls.main([Ljava/lang/String;)V" || len(first) != 9 {
			t.Errorf("session %s: first use %v, want main first of 9", s.ID, first)
		}
	}
	all := scale(callsWant.edges, 2)
	diffMaps(t, "aggregated edge", edgesOf(t, px.Audit, ""), all)
	allCounts := countsOf(t, px.Audit, "")
	for m, c := range callsWant.counts {
		if allCounts[m] != [3]int64{2 * c[0], 2 * c[1], 2 * c[2]} {
			t.Errorf("aggregated events of %s: %v, want twice %v", m, allCounts[m], c)
		}
	}
	r, err := px.Audit.VerifyChain(nil)
	if err != nil || len(r.Faults) != 0 {
		t.Errorf("chain: %v %v", err, r)
	}
	checkExports(t, px.Audit, all)
	st := px.Monitor.Snapshot(3)
	if len(st.Sessions) != 2 || len(st.Hot) != 3 || st.Hot[0].Method != "Calls.leaf(I)I" || st.Hot[0].Calls != 2*455 {
		t.Errorf("console: %+v", st)
	}
	t.Logf("2 clients: %d events, %d checkpoints, chain intact; console: %d batches, hottest %v", r.Events, r.Checkpoints, st.Batches, st.Hot)
}

func slicesEqual(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

// checkExports writes the aggregated edges in every format and reads each
// back with what people use on it.
func checkExports(t *testing.T, a *Audit, want map[[2]string]int64) {
	es, err := a.Edges("")
	if err != nil {
		t.Fatal(err)
	}
	edges := make([]dvmprofile.Edge, len(es))
	for i, e := range es {
		edges[i] = dvmprofile.Edge{Caller: e.Caller, Callee: e.Callee, Count: e.Count}
	}
	root := func(s string) string {
		if s == dvmprofile.Root {
			return ""
		}
		return s
	}
	// CSV: caller,callee,count.
	var buf bytes.Buffer
	if err := dvmprofile.WriteCSV(&buf, edges); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) == 0 || strings.Join(rows[0], ",") != "caller,callee,count" {
		t.Fatalf("csv: %v %v", err, rows)
	}
	got := map[[2]string]int64{}
	for _, r := range rows[1:] {
		n, _ := strconv.ParseInt(r[2], 10, 64)
		got[[2]string{root(r[0]), r[1]}] += n
	}
	diffMaps(t, "csv edge", got, want)
	// Folded stacks: whole calling contexts, root;...;leaf count, split on
	// ';' as flame-graph tools split them; the last two frames of each are
	// an edge, counted by the leaf's entries there.
	ss, ok, err := a.Stacks("")
	if err != nil || !ok {
		t.Fatalf("stacks: %v %v", ok, err)
	}
	stacks := make([]dvmprofile.Stack, len(ss))
	for i, s := range ss {
		stacks[i] = dvmprofile.Stack{Frames: s.Frames, Count: s.Count}
	}
	buf.Reset()
	dvmprofile.WriteFolded(&buf, stacks)
	got = map[[2]string]int64{}
	deepest := 0
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		i := strings.LastIndexByte(line, ' ')
		n, _ := strconv.ParseInt(line[i+1:], 10, 64)
		frames := strings.Split(line[:i], ";")
		for j := range frames {
			frames[j] = dvmprofile.UnfoldFrame(frames[j])
		}
		deepest = max(deepest, len(frames))
		caller := ""
		if len(frames) > 1 {
			caller = frames[len(frames)-2]
		}
		got[[2]string{caller, frames[len(frames)-1]}] += n
	}
	diffMaps(t, "folded edge", got, want)
	if deepest < 3 {
		t.Errorf("folded stacks at most %d deep: caller;callee pairs, not calling contexts:\n%s", deepest, buf.String())
	}
	// DOT.
	buf.Reset()
	dvmprofile.WriteDOT(&buf, edges)
	got = map[[2]string]int64{}
	re := regexp.MustCompile(`^  ("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*") \[label="(\d+)"\];$`)
	for _, line := range strings.Split(buf.String(), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			from, _ := strconv.Unquote(m[1])
			to, _ := strconv.Unquote(m[2])
			n, _ := strconv.ParseInt(m[3], 10, 64)
			got[[2]string{root(from), to}] += n
		}
	}
	diffMaps(t, "dot edge", got, want)
	// pprof: parsed by the library, then by go tool pprof -top, whose
	// flat column is each method's calls.
	buf.Reset()
	if err := dvmprofile.WritePprof(&buf, edges); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	got = map[[2]string]int64{}
	for _, s := range p.Sample {
		callee := s.Location[0].Line[0].Function.Name
		caller := ""
		if len(s.Location) > 1 {
			caller = s.Location[1].Line[0].Function.Name
		}
		got[[2]string{caller, callee}] += s.Value[0]
	}
	diffMaps(t, "pprof edge", got, want)
	calls := map[string]int64{}
	for e, n := range want {
		calls[e[1]] += n
	}
	file := filepath.Join(t.TempDir(), "calls.pb.gz")
	os.WriteFile(file, buf.Bytes(), 0o644)
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Logf("no go command: go tool pprof not run")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goTool, "tool", "pprof", "-top", "-nodecount=100", file).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof -top: %v\n%s", err, out)
	}
	flat := map[string]int64{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 6 && strings.HasSuffix(f[1], "%") {
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err == nil {
				flat[f[5]] = n
			}
		}
	}
	diffMaps(t, "go tool pprof -top flat", flat, calls)
}

// TestMonitorServerDown: with no monitoring server the program prints
// what it prints, says once on stderr that events are dropped, and exits
// promptly.
func TestMonitorServerDown(t *testing.T) {
	out := rewritten(t, monitorSite(t, "Calls.java"), "monitor,profile")
	// A port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	t0 := time.Now()
	r := jvmtest.Java(t, "-Xverify:all", "-Ddvmlab.monitor.url=http://"+dead+MonitorPath,
		"-cp", out+string(os.PathListSeparator)+runtimeJar(t), "Calls")
	took := time.Since(t0)
	if r.Err != nil || r.Stdout != callsOutput {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", r.Err, r.Stdout, r.Stderr)
	}
	// One warning when the server is found down, and the count of events
	// dropped at exit.
	if n := strings.Count(r.Stderr, "unreachable ("); n != 1 || strings.Count(r.Stderr, "dvmlab monitor") != 2 {
		t.Errorf("want one warning and the count dropped, got %d warnings:\n%s", n, r.Stderr)
	}
	if n, ok := droppedLine(r.Stderr); !ok || n == 0 {
		t.Errorf("no count of events dropped:\n%s", r.Stderr)
	}
	if took > 20*time.Second {
		t.Errorf("the program took %v with the server down", took)
	}
	t.Logf("server down: %v, stderr: %s", took.Round(time.Millisecond), strings.TrimSpace(r.Stderr))
}

// TestMonitorClientKilled kills a client (SIGKILL: no shutdown hook) in
// the middle of a run: what was stored is a gapless prefix of its events,
// short of what it printed by at most its last batch (a quarter second's
// calls here), and the chain is intact.
func TestMonitorClientKilled(t *testing.T) {
	dir := monitorSite(t, "Forever.java")
	origin := loopback(t, &Origin{Dir: dir})
	px, ps := proxyFor(t, "monitor")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, jvmtest.Tool(t, "java"), clientArgs(ps.URL, runtimeJar(t), origin.URL+"/", "Forever")...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	printed := int64(0)
	for sc.Scan() {
		n, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			t.Fatalf("unexpected output %q", sc.Text())
		}
		printed = n
		if n >= 3000 {
			break
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	time.Sleep(500 * time.Millisecond) // a batch in flight lands
	evs, err := px.Audit.MethodEvents(EventQuery{Method: "Forever.tick"})
	if err != nil {
		t.Fatal(err)
	}
	enters := int64(0)
	for _, e := range evs {
		if e.Kind == "enter" {
			enters++
		}
	}
	all, _ := px.Audit.MethodEvents(EventQuery{})
	for i := 1; i < len(all); i++ {
		if all[i].Thread == all[i-1].Thread && all[i].Seq != all[i-1].Seq+1 {
			t.Fatalf("a gap in the stored events: %+v after %+v", all[i], all[i-1])
		}
	}
	// Forever prints after each call, sleeping 1 ms: a quarter second is
	// at most 250 calls; allow twice that for a loaded machine.
	if enters > printed+1 || printed-enters > 500 {
		t.Errorf("printed %d calls, stored %d entries", printed, enters)
	}
	r, err := px.Audit.VerifyChain(nil)
	if err != nil || len(r.Faults) != 0 {
		t.Errorf("chain: %v %v", err, r)
	}
	t.Logf("killed after %d calls printed: %d entries stored (%d lost), %d checkpoints", printed, enters, printed-enters, r.Checkpoints)
}

// tamperTrail makes an audit trail with a few batches of events, as
// clients would send them, and returns its path.
func tamperTrail(t *testing.T, signer *Signer) (string, int64) {
	path := filepath.Join(t.TempDir(), "audit.db")
	a, err := OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m := NewMonitorServer(a, signer)
	seq := int64(0)
	for b := 0; b < 4; b++ {
		var evs []MethodEvent
		for i := 0; i < 25; i++ {
			meth := fmt.Sprintf("app/C.m%d()V", i%3)
			evs = append(evs, MethodEvent{Kind: "enter", Method: meth}, MethodEvent{Kind: "exit", Method: meth})
		}
		var buf bytes.Buffer
		if err := EncodeEvents(&buf, 1, seq, nil, evs); err != nil {
			t.Fatal(err)
		}
		if err := m.Receive("s1", "127.0.0.1:1", buf.Bytes()); err != nil {
			t.Fatal(err)
		}
		seq += int64(len(evs))
	}
	return path, seq
}

// exec runs statements on a trail as someone with write access to the
// file would: the append-only triggers dropped first.
func tamper(t *testing.T, path string, stmts ...string) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range append([]string{"DROP TRIGGER events_append_only_update", "DROP TRIGGER events_append_only_delete",
		"DROP TRIGGER checkpoints_append_only_update", "DROP TRIGGER checkpoints_append_only_delete"}, stmts...) {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// rechain recomputes every stored hash from event from on, as someone who
// knows the chain's construction but not the proxy's key would.
func rechain(t *testing.T, path string, from int64) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var prev [32]byte
	var h []byte
	if err := db.QueryRow("SELECT hash FROM events WHERE id = ?", from-1).Scan(&h); err != nil {
		t.Fatal(err)
	}
	copy(prev[:], h)
	rows, err := db.Query("SELECT id, session, thread, seq, kind, method, time FROM events WHERE id >= ? ORDER BY id", from)
	if err != nil {
		t.Fatal(err)
	}
	var evs []MethodEvent
	for rows.Next() {
		var e MethodEvent
		var tm int64
		rows.Scan(&e.ID, &e.Session, &e.Thread, &e.Seq, &e.Kind, &e.Method, &tm)
		e.Time = time.UnixMicro(tm)
		evs = append(evs, e)
	}
	rows.Close()
	for _, e := range evs {
		prev = eventHash(prev, &e)
		if _, err := db.Exec("UPDATE events SET hash = ? WHERE id = ?", prev[:], e.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAuditVerifyTamper: the append-only triggers refuse changes; past
// them, an event altered in place, an edit with the chain recomputed after
// it, the newest events deleted, events deleted from the middle, and a
// checkpoint re-signed with another key are each named by VerifyChain.
func TestAuditVerifyTamper(t *testing.T) {
	signer, err := NewSigner("")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewSigner("")
	pub := signer.pub
	clean, total := tamperTrail(t, signer)
	copyTrail := func() string {
		b, err := os.ReadFile(clean)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "audit.db")
		os.WriteFile(p, b, 0o644)
		return p
	}
	a, _ := ReadAudit(clean)
	r, err := a.VerifyChain(pub)
	a.Close()
	if err != nil || len(r.Faults) != 0 || r.Events != total || r.Checkpoints != 4 {
		t.Fatalf("clean trail: %v %+v", err, r)
	}
	// The database itself refuses an update.
	db, _ := sql.Open("sqlite", "file:"+clean)
	if _, err := db.Exec("UPDATE events SET method = 'x' WHERE id = 3"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("update of an event: %v, want refused as append-only", err)
	}
	db.Close()
	h := sha256.Sum256([]byte("forged"))
	cases := []struct {
		name  string
		edit  func(p string)
		fault string
	}{
		{"altered", func(p string) { tamper(t, p, "UPDATE events SET method = 'app/C.evil()V' WHERE id = 42") }, "event 42 altered"},
		{"rechained", func(p string) {
			tamper(t, p, "UPDATE events SET method = 'app/C.evil()V' WHERE id = 42")
			rechain(t, p, 42)
		}, "checkpoint 1: the chain's head at event 50 is not the one signed"},
		{"tail deleted", func(p string) { tamper(t, p, "DELETE FROM events WHERE id > 190") }, "events 191 to 200 deleted"},
		{"middle deleted", func(p string) {
			tamper(t, p, "DELETE FROM events WHERE id BETWEEN 120 AND 129")
		}, "events 120 to 129 deleted"},
		{"checkpoint forged", func(p string) {
			msg := checkpointMessage(50, h, 1)
			sig := other.SignBytes(msg)
			tamper(t, p, fmt.Sprintf("UPDATE checkpoints SET head = x'%x', time = 1, sig = x'%x' WHERE count = 50", h, mustB64(t, sig)))
		}, "signature does not verify"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := copyTrail()
			c.edit(p)
			a, err := ReadAudit(p)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			r, err := a.VerifyChain(pub)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range r.Faults {
				found = found || strings.Contains(f, c.fault)
			}
			if !found {
				t.Errorf("faults %q, want one naming %q", r.Faults, c.fault)
			}
			t.Logf("%s: %s", c.name, strings.Join(r.Faults, "; "))
		})
	}
}

func mustB64(t *testing.T, s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseBatchErrors: malformed batches are refused with the line and
// the reason, never a panic.
func TestParseBatchErrors(t *testing.T) {
	cases := map[string]string{
		"":                                  "empty",
		"hello\n":                           "not a monitor batch",
		BatchHeader + "\ne 0\n":             "outside a thread",
		BatchHeader + "\nb 1 0 main\ne 7\n": "names no method",
		BatchHeader + "\nb x y\n":           "not numbers",
		BatchHeader + "\np\nm 0 A.a()V\ng 0 1 5\n":  "names no method",
		BatchHeader + "\np\nm 0 A.a()V\ng 0 0 -1\n": "not numbers",
		BatchHeader + "\nz\n":                       "unknown record",
		BatchHeader + "\nc \n":                      "without a class",
		BatchHeader + "\np\nm 0 A.a()V\nh 1 0\n":    "names no method",
		BatchHeader + "\np\nm 0 A.a()V\nh 0 x\n":    "not a number",
		BatchHeader + "\np\nm 0 A.a()V\nr 0\n":      "want a method and blocks",
		BatchHeader + "\nb 1 0 main\nr 0 0-1\n":     "want a method and blocks",
	}
	keys := make([]string, 0, len(cases))
	for k := range cases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, in := range keys {
		_, err := ParseBatch([]byte(in))
		if err == nil || !strings.Contains(err.Error(), cases[in]) {
			t.Errorf("%q: %v, want %q", in, err, cases[in])
		}
	}
}

package cli

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/proxy"
)

// monitorTrail writes an audit trail as the proxy's monitoring server
// would from two clients' batches (method events and profiles), signed
// with a key kept in keyFile.
func monitorTrail(t *testing.T) (db, keyFile string) {
	dir := t.TempDir()
	db, keyFile = filepath.Join(dir, "audit.db"), filepath.Join(dir, "proxy.key")
	signer, err := proxy.NewSigner(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	a, err := proxy.OpenAudit(db)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m := proxy.NewMonitorServer(a, signer)
	for _, session := range []string{"s1", "s2"} {
		evs := []proxy.MethodEvent{
			{Kind: "enter", Method: "app/Main.main([Ljava/lang/String;)V"},
			{Kind: "enter", Method: "app/Main.f(I)I"}, {Kind: "exit", Method: "app/Main.f(I)I"},
			{Kind: "enter", Method: "app/Main.f(I)I"}, {Kind: "unwind", Method: "app/Main.f(I)I"},
			{Kind: "exit", Method: "app/Main.main([Ljava/lang/String;)V"},
		}
		var buf bytes.Buffer
		classes := map[string][]string{"app/Main": {"main([Ljava/lang/String;)V", "f(I)I", "g()V"}}
		if err := proxy.EncodeEvents(&buf, 1, 0, classes, evs); err != nil {
			t.Fatal(err)
		}
		buf.WriteString("p\nm 0 app/Main.main([Ljava/lang/String;)V\nm 1 app/Main.f(I)I\nf 0\nf 1\ng -1 0 1\ng 0 1 2\ns 1 0\ns 2 0 1\n")
		// Blocks: main's one ran; f's first ran in both sessions, its last in s1 only.
		buf.WriteString("r 0 0-5\nh 0 0\nr 1 0-3 4-9 10-12\n")
		buf.WriteString(map[string]string{"s1": "h 1 2 0\n", "s2": "h 1 0\n"}[session])
		if err := m.Receive(session, "127.0.0.1:1", buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	return db, keyFile
}

// TestAuditAndProfileCommands runs the command-line contract over a trail:
// audit (served), audit sessions, events and their counts, verify (intact,
// then with an event altered: exit 1, the event named), profile edges in
// each format and profile unused, its methods and (--blocks) blocks.
func TestAuditAndProfileCommands(t *testing.T) {
	db, key := monitorTrail(t)
	for _, args := range [][]string{{"audit", "--db", db}, {"audit", "served", "--db", db}} {
		if code, _, errOut := run(args...); code != 0 {
			t.Errorf("%v: %d %s", args, code, errOut)
		}
	}
	if code, out, _ := run("audit", "sessions", "--db", db); code != 0 || !strings.Contains(out, "s1") || !strings.Contains(out, "s2") {
		t.Errorf("audit sessions: %d %q", code, out)
	}
	code, out, _ := run("audit", "events", "--db", db, "--session", "s1", "--method", "app/Main.f*")
	if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(out, "unwind app/Main.f(I)I") {
		t.Errorf("audit events: %d %q", code, out)
	}
	// The class by its binary name, as javap and the README write it.
	for _, pat := range []string{"app.Main.f*", "app.Main.f"} {
		code, out, _ = run("audit", "events", "--db", db, "--session", "s1", "--method", pat)
		if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(out, "unwind app/Main.f(I)I") {
			t.Errorf("audit events --method %s: %d %q", pat, code, out)
		}
	}
	code, out, _ = run("audit", "events", "--db", db, "--count")
	if code != 0 || !strings.Contains(out, "         4          2          2  app/Main.f(I)I") {
		t.Errorf("audit events --count: %d %q", code, out)
	}
	if code, out, errOut := run("audit", "verify", "--db", db, "--key", key); code != 0 || !strings.Contains(out, "12 events, 2 checkpoints") {
		t.Errorf("audit verify: %d %q %q", code, out, errOut)
	}
	code, out, _ = run("profile", "edges", "--db", db)
	if code != 0 || out != "caller,callee,count\n(root),app/Main.main([Ljava/lang/String;)V,2\napp/Main.main([Ljava/lang/String;)V,app/Main.f(I)I,4\n" {
		t.Errorf("profile edges: %d %q", code, out)
	}
	code, out, _ = run("profile", "edges", "--db", db, "--session", "s2", "--format", "folded")
	if code != 0 || out != "app/Main.main([Ljava/lang/String%3B)V 1\napp/Main.main([Ljava/lang/String%3B)V;app/Main.f(I)I 2\n" {
		t.Errorf("profile edges --format folded: %d %q", code, out)
	}
	// A trail from before calling contexts were kept: folded stacks cannot
	// be made from its edges, and the command says so.
	old := filepath.Join(t.TempDir(), "old.db")
	data, _ := os.ReadFile(db)
	os.WriteFile(old, data, 0o644)
	odb, _ := sql.Open("sqlite", "file:"+old)
	if _, err := odb.Exec("DROP TABLE contexts"); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	if code, _, errOut := run("profile", "edges", "--db", old, "--format", "folded"); code != 1 || !strings.Contains(errOut, "no calling contexts") {
		t.Errorf("folded from an old trail: %d %q", code, errOut)
	}
	for _, f := range []string{"dot", "pprof"} {
		file := filepath.Join(t.TempDir(), "out."+f)
		if code, _, errOut := run("profile", "edges", "--db", db, "--format", f, "-o", file); code != 0 {
			t.Errorf("--format %s: %d %s", f, code, errOut)
		}
		if st, err := os.Stat(file); err != nil || st.Size() == 0 {
			t.Errorf("--format %s wrote nothing", f)
		}
	}
	code, out, errOut := run("profile", "unused", "--db", db, "--session", "s1")
	if code != 0 || out != "app/Main.g()V\n" || !strings.Contains(errOut, "1 of 3 methods") {
		t.Errorf("profile unused: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run("profile", "unused", "--db", db, "--session", "s2", "--blocks")
	if code != 0 || out != "app/Main.f(I)I @4-9\napp/Main.f(I)I @10-12\napp/Main.g()V\n" || !strings.Contains(errOut, "2 of 4 basic blocks") {
		t.Errorf("profile unused --blocks: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run("profile", "unused", "--db", db, "--blocks")
	if code != 0 || out != "app/Main.f(I)I @4-9\napp/Main.g()V\n" || !strings.Contains(errOut, "1 of 4 basic blocks") {
		t.Errorf("profile unused --blocks, all sessions: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run("profile", "edges", "--db", db, "--format", "svg"); code != 2 || !strings.Contains(errOut, "unknown format") {
		t.Errorf("bad format: %d %q", code, errOut)
	}
	// A head recorded elsewhere finds the newest events deleted together
	// with their checkpoints.
	_, head, _ := run("audit", "head", "--db", db)
	head = strings.TrimSpace(head)
	if !strings.HasPrefix(head, "12:") {
		t.Fatalf("audit head: %q", head)
	}
	cut := filepath.Join(t.TempDir(), "cut.db")
	data, _ = os.ReadFile(db)
	os.WriteFile(cut, data, 0o644)
	cdb, _ := sql.Open("sqlite", "file:"+cut)
	for _, s := range []string{"DROP TRIGGER events_append_only_delete", "DROP TRIGGER checkpoints_append_only_delete",
		"DELETE FROM events WHERE id > 6", "DELETE FROM checkpoints WHERE count > 6"} {
		if _, err := cdb.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	cdb.Close()
	if code, _, _ := run("audit", "verify", "--db", cut, "--key", key); code != 0 {
		t.Errorf("a cut trail with its checkpoints cut too verifies alone: exit %d, want 0 (only a recorded head finds it)", code)
	}
	code, out, _ = run("audit", "verify", "--db", cut, "--key", key, "--head", head)
	if code != 1 || !strings.Contains(out, "events 7 to 12 deleted") {
		t.Errorf("audit verify --head on a cut trail: %d %q", code, out)
	}
	// Someone with the file alters an event: verify names it and fails.
	sdb, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"DROP TRIGGER events_append_only_update", "UPDATE events SET kind = 'exit' WHERE id = 5"} {
		if _, err := sdb.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	sdb.Close()
	code, out, errOut = run("audit", "verify", "--db", db, "--key", key)
	if code != 1 || !strings.Contains(out, "event 5 altered") || !strings.Contains(errOut, "1 faults") {
		t.Errorf("audit verify after an edit: %d %q %q", code, out, errOut)
	}
}

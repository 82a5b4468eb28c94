package monitor_test

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/proxy"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/core/service/monitor"
	_ "dvmlab/core/service/profile"
	"dvmlab/internal/jvmtest"
)

func TestSpec(t *testing.T) {
	cases := []struct {
		spec, class, method, desc string
		want                      bool
	}{
		{"", "app/Main", "run", "()V", true},
		{"", "java/lang/String", "length", "()I", false},
		{"", "dvmlab/runtime/Monitor", "enter", "()V", false},
		{"app.**", "app/x/Y", "f", "()V", true},
		{"app.**", "other/Y", "f", "()V", false},
		{"app.** !app.Secret", "app/Secret", "f", "()V", false},
		{"app.** !app.Secret", "app/Open", "f", "()V", true},
		{"app.Main#run", "app/Main", "run", "()V", true},
		{"app.Main#run", "app/Main", "main", "([Ljava/lang/String;)V", false},
		{"app.Main#<init>*", "app/Main", "<init>", "(I)V", true},
		{"app.Main#get(I)*", "app/Main", "get", "(I)I", true},
		{"app.Main#get(I)*", "app/Main", "get", "()I", false},
		{"!app.Main#toString", "app/Main", "toString", "()Ljava/lang/String;", false},
		{"!app.Main#toString", "app/Main", "hashCode", "()I", true},
	}
	for _, c := range cases {
		s, err := monitor.ParseSpec(c.spec)
		if err != nil {
			t.Fatalf("%q: %v", c.spec, err)
		}
		if got := s.Method(c.class, c.method, c.desc); got != c.want {
			t.Errorf("spec %q: %s.%s%s = %v, want %v", c.spec, c.class, c.method, c.desc, got, c.want)
		}
	}
	for _, bad := range []string{"#run", "a b(c", "app.Main#[", "!"} {
		if _, err := monitor.ParseSpec(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

func TestTablesSplit(t *testing.T) {
	var ms []string
	for i := 0; i < 3000; i++ {
		ms = append(ms, strings.Repeat("m", 30)+"(Ljava/lang/String;)V")
	}
	tables, at := monitor.Tables("a/B", ms)
	if len(tables) < 2 {
		t.Fatalf("%d tables for %d methods", len(tables), len(ms))
	}
	for i, m := range ms {
		lines := strings.Split(tables[at[i][0]], "\n")
		if lines[0] != "a/B" || lines[1+at[i][1]] != m {
			t.Fatalf("method %d not where its table says", i)
		}
	}
	for _, tb := range tables {
		if len(tb) > 65535 {
			t.Fatalf("table of %d bytes", len(tb))
		}
	}
}

// TestConstructorsUnderVerifier instruments constructors whose guard must
// start after super() or this() (a branch before it, a new object as its
// argument, delegation), runs them under -Xverify:all, and counts their
// entries and exits, normal and by exception, at a monitoring server.
func TestConstructorsUnderVerifier(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "Ctors.java"))
	if err != nil {
		t.Fatal(err)
	}
	dir := jvmtest.Javac(t, map[string]string{"Ctors.java": string(src)})
	want := jvmtest.MustJava(t, "-Xverify:all", "-cp", dir, "Ctors").Stdout

	p, err := service.Parse("monitor,profile")
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
	st, err := p.RewritePath(dir, out, nil)
	if err != nil || st.Failed > 0 {
		t.Fatalf("rewrite: %v %v", err, st.Errors)
	}
	for _, r := range st.Reports {
		for _, n := range r.Notes {
			if strings.Contains(n, "not reported") {
				t.Errorf("%s: %s", r.Class, n)
			}
		}
	}
	var rt bytes.Buffer
	runtime.WriteJar(&rt)
	rtJar := filepath.Join(t.TempDir(), "rt.jar")
	os.WriteFile(rtJar, rt.Bytes(), 0o644)

	a, err := proxy.OpenAudit(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: proxy.NewMonitorServer(a, nil)}
	go srv.Serve(l)
	defer srv.Close()
	r := jvmtest.MustJava(t, "-Xverify:all", "-Ddvmlab.session=ctors", "-Ddvmlab.monitor.url=http://"+l.Addr().String()+proxy.MonitorPath,
		"-cp", out+string(os.PathListSeparator)+rtJar, "Ctors")
	if r.Stdout != want || r.Stderr != "" {
		t.Fatalf("stdout %q, want %q; stderr %s", r.Stdout, want, r.Stderr)
	}
	cs, err := a.EventCounts(proxy.EventQuery{Session: "ctors"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]int64{}
	for _, c := range cs {
		got[c.Method] = [3]int64{c.Enter, c.Exit, c.Unwind}
	}
	wantCounts := map[string][3]int64{
		"Ctors.main([Ljava/lang/String;)V": {1, 1, 0},
		"Ctors$Base.<init>(I)V":            {8, 8, 0}, // 3 Branchy, 3 for Wrapped, 2 Delegating
		"Ctors$Branchy.<init>(Z)V":         {3, 1, 2},
		"Ctors$Wrapped.<init>(I)V":         {1, 1, 0},
		"Ctors$Delegating.<init>()V":       {1, 1, 0},
		"Ctors$Delegating.<init>(I)V":      {2, 1, 1},
	}
	for m, w := range wantCounts {
		if got[m] != w {
			t.Errorf("%s: %v, want %v", m, got[m], w)
		}
	}
	if len(got) != len(wantCounts) {
		t.Errorf("methods reported: %v", got)
	}
	// The guards are where they should be: every constructor's catch-all
	// handler starts after its super() or this() call.
	for _, name := range []string{"Ctors$Branchy", "Ctors$Wrapped", "Ctors$Delegating"} {
		data, err := os.ReadFile(filepath.Join(out, name+".class"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := classfile.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range c.Methods {
			if c.MemberName(m) != "<init>" {
				continue
			}
			hs := m.Code().Handlers
			if len(hs) == 0 || hs[len(hs)-1].CatchType != 0 {
				t.Errorf("%s.<init>%s: handlers %+v, want a catch-all last", name, c.MemberDesc(m), hs)
				continue
			}
			insns, err := bytecode.Decode(m.Code().Code)
			if err != nil {
				t.Fatal(err)
			}
			var before bytecode.Instruction
			for _, in := range insns {
				if in.Offset == int(hs[len(hs)-1].StartPC) {
					break
				}
				before = in
			}
			if _, n, _ := c.Pool.MemberRef(uint16(before.Index)); before.Op != bytecode.Invokespecial || n != "<init>" {
				t.Errorf("%s.<init>%s: the guard starts after %v, want the super() or this() call", name, c.MemberDesc(m), before.Op)
			}
		}
	}
}

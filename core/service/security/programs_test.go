package security_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/policy"
	"dvmlab/core/proxy"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/core/service/security"
	"dvmlab/datasets"
)

// TestDebianProgramsUnderSecurity rewrites real programs' own jars with the
// example policy's guards (which permits what the workloads do), runs each
// workload under -Xverify:all against a security server, and requires the
// original output: the inserted checks, stream records and reflective
// checks pass HotSpot's verifier and change nothing that is allowed.
// jlex and cup by default; DVMLAB_SECURITY_ALL=1 adds jython, whose
// reflection-heavy start-up takes a minute or two more.
func TestDebianProgramsUnderSecurity(t *testing.T) {
	if testing.Short() {
		t.Skip("rewrites and runs real programs")
	}
	names := []string{"jlex", "cup"}
	if os.Getenv("DVMLAB_SECURITY_ALL") != "" {
		names = append(names, "jython")
	}
	p, err := policy.Parse("example", []byte(policy.Example))
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "site.xml")
	os.WriteFile(f, []byte(policy.Example), 0o644)
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
	host, port, _ := net.SplitHostPort(l.Addr().String())
	var rt bytes.Buffer
	if err := runtime.WriteJar(&rt); err != nil {
		t.Fatal(err)
	}
	rtJar := filepath.Join(t.TempDir(), "rt.jar")
	os.WriteFile(rtJar, rt.Bytes(), 0o644)
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	strict := []string{"-Xverify:all", "-Xshare:off"}
	for _, name := range names {
		prog, ok := datasets.Lookup(name)
		if !ok {
			t.Fatalf("no program %s", name)
		}
		t.Run(name, func(t *testing.T) {
			if m := prog.Missing(); len(m) > 0 {
				t.Fatalf("%s needs %v: install Debian %s (make deps)", name, m, prog.Package)
			}
			run := func(cfg datasets.RunConfig) *datasets.Output {
				cfg.Timeout = 5 * time.Minute
				out, err := prog.Run(context.Background(), cfg, t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				if err := prog.Check(out); err != nil {
					t.Fatal(err)
				}
				return out
			}
			want := run(datasets.RunConfig{JVMFlags: strict})
			pl := &service.Pipeline{Services: []service.Service{security.New(p)}}
			for _, d := range prog.Classpath(datasets.RunConfig{}) {
				if src, err := classpath.Open(d); err == nil {
					defer src.Close()
					pl.Classpath = append(pl.Classpath, src)
				}
			}
			pl.Classpath = append(pl.Classpath, jdk)
			out := t.TempDir()
			rewritten := map[string]string{}
			checks := 0
			for _, j := range prog.Jars {
				dst := filepath.Join(out, filepath.Base(j))
				st, err := pl.RewritePath(j, dst, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range st.Errors {
					t.Errorf("%v", e)
				}
				for _, r := range st.Reports {
					checks += r.Inserted
				}
				rewritten[j] = dst
			}
			got := run(datasets.RunConfig{
				JVMFlags:       append(append([]string(nil), strict...), "-Dhttp.proxyHost="+host, "-Dhttp.proxyPort="+port, "-Dhttp.nonProxyHosts="),
				Replace:        rewritten,
				ExtraClasspath: []string{rtJar},
			})
			if d := want.Diff(got); d != "" {
				t.Errorf("output differs:\n%s", d)
			}
			t.Logf("%s: %d checks and records inserted; same output under -Xverify:all", name, checks)
		})
	}
}

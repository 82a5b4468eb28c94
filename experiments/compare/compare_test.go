package compare

import (
	"bytes"
	"context"
	"strings"
	"testing"

	_ "dvmlab/core/service/coverage"
	"dvmlab/datasets"
)

func program(t *testing.T, name string) datasets.Program {
	t.Helper()
	p, ok := datasets.Lookup(name)
	if !ok {
		t.Fatalf("no dataset %s", name)
	}
	if m := p.Missing(); len(m) > 0 {
		t.Skipf("%s missing %v: run make deps", name, m)
	}
	return p
}

// TestCompareJLex runs JLex, one of the DVM paper's benchmarks, all three
// ways; every distributed run must print what the monolithic one prints.
func TestCompareJLex(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nine JVMs")
	}
	p := program(t, "jlex")
	var progress bytes.Buffer
	cfg := Config{Services: "coverage", Runs: 2, Progress: &progress}
	modes, err := Run(context.Background(), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(modes) != 3 {
		t.Fatalf("%d modes", len(modes))
	}
	for _, m := range modes {
		if len(m.Times) != 2 || m.Median() <= 0 {
			t.Errorf("%s: times %v", m.Name, m.Times)
		}
		if !m.Identical {
			t.Errorf("%s: %s", m.Name, m.Diff)
		}
	}
	if modes[1].Rewritten == 0 {
		t.Error("the uncached proxy rewrote nothing")
	}
	if modes[2].Rewritten != 0 {
		t.Errorf("the cached proxy rewrote %d items", modes[2].Rewritten)
	}
	var out bytes.Buffer
	Print(&out, p, cfg, modes)
	for _, w := range []string{"monolithic", "DVM uncached", "DVM cached", "1.00x", "identical"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("table lacks %q:\n%s", w, out.String())
		}
	}
	if strings.Count(progress.String(), "\n") != 6 {
		t.Errorf("progress:\n%s", progress.String())
	}
	t.Logf("\n%s", out.String())
}

func TestCompareRefuses(t *testing.T) {
	p := program(t, "jlex")
	if _, err := Run(context.Background(), p, Config{Services: "nosuch"}); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := Run(context.Background(), p, Config{Link: "fast"}); err == nil {
		t.Error("bad link rate accepted")
	}
	p.Jars = []string{"/no/such.jar"}
	if _, err := Run(context.Background(), p, Config{}); err == nil || !strings.Contains(err.Error(), "/no/such.jar") {
		t.Errorf("missing jar: %v", err)
	}
}

// TestClassAtATime deploys JLex as loose classes behind a shaped link: the
// client fetches each on first use through the proxy and prints the same.
func TestClassAtATime(t *testing.T) {
	if testing.Short() {
		t.Skip("starts JVMs")
	}
	p := program(t, "jlex")
	ref, err := p.Run(context.Background(), datasets.RunConfig{}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d, err := Deploy(p, DeployConfig{Services: "coverage", Link: "10mbps", Classes: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out, err := d.Run(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if diff := ref.Diff(out); diff != "" {
		t.Fatal(diff)
	}
	// One request per class the program loads, and more than a handful.
	if n := d.Proxy.Rewritten.Load(); n < 10 {
		t.Errorf("the proxy rewrote %d classes", n)
	}
}

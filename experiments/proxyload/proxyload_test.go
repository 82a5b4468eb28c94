package proxyload

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classpath"
	"dvmlab/core/proxy"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
)

// TestLoad drives 1 to 1000 concurrent clients through the proxy, cache
// off, each fetching different java.base classes that the proxy parses,
// instruments with coverage probes and emits; no request may fail. The
// figures are logged (speed is reported, never asserted).
func TestLoad(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	dir := t.TempDir()
	var paths []string
	err = jdk.Module("java.base").Walk(func(name string, data []byte) error {
		if name == "module-info" || len(paths) >= 2000 {
			return nil
		}
		p := filepath.Join(dir, filepath.FromSlash(name)+".class")
		os.MkdirAll(filepath.Dir(p), 0o755)
		paths = append(paths, "/"+name+".class")
		return os.WriteFile(p, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := service.Parse("coverage")
	pl.Classpath = []classpath.Finder{jdk}
	cache, _ := proxy.OpenCache("") // off
	px := proxy.New(pl, cache, nil)
	requests := 3000
	if testing.Short() {
		requests = 500
	}
	rows, err := Run(context.Background(), Config{Proxy: px, Origin: &proxy.Origin{Dir: dir}, Paths: paths,
		Levels: []int{1, 50, 100, 250, 500, 1000}, Requests: requests})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	Print(&b, rows)
	t.Log("\n" + b.String())
	for _, r := range rows {
		if r.Failed > 0 {
			t.Errorf("%d clients: %d of %d requests failed", r.Clients, r.Failed, r.Requests)
		}
		if r.Bytes == 0 {
			t.Errorf("%d clients: nothing served", r.Clients)
		}
	}
	if px.Hits.Load() != 0 {
		t.Errorf("the cache was supposed to be off, yet %d hits", px.Hits.Load())
	}
}

package overhead

import (
	"strings"
	"testing"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
	"dvmlab/datasets"
)

// TestOverheadPerApplication reports the proxy's parse-and-rewrite time for
// each Debian program, uncached and cached.
func TestOverheadPerApplication(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	var rows []Row
	for _, p := range datasets.All() {
		if len(p.Missing()) > 0 {
			t.Errorf("%s missing %v: run make deps", p.Name, p.Missing())
			continue
		}
		if testing.Short() && p.Name == "jython" {
			continue
		}
		pl, _ := service.Parse("coverage")
		pl.RecomputeFrames = true
		for _, j := range p.Classpath(datasets.RunConfig{}) {
			if src, err := classpath.Open(j); err == nil {
				defer src.Close()
				pl.Classpath = append(pl.Classpath, src)
			}
		}
		pl.Classpath = append(pl.Classpath, jdk)
		r, err := Measure(p.Name, p.Jars, pl, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if r.Classes == 0 || r.Uncached <= 0 {
			t.Fatalf("%s: empty measurement %+v", p.Name, r)
		}
		rows = append(rows, r)
	}
	var b strings.Builder
	Print(&b, rows)
	t.Log("services coverage + frames\n" + b.String())
}

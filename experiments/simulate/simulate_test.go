package simulate

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
	"dvmlab/datasets"
)

func TestParseClassLoad(t *testing.T) {
	log := `[0.052s][info][class,load] java.lang.Object source: shared objects file
[0.083s][info][class,load] JLex.Main source: file:/usr/share/java/JLex-1.2.6.jar
[0.084s][info][class,load] java.util.Vector source: jrt:/java.base
garbage line
[0.086s][info][class,load] JLex.CLexGen source: file:/usr/share/java/JLex-1.2.6.jar
`
	got, err := parseClassLoad(strings.NewReader(log), func(name, source string) (int, bool) {
		return len(name), strings.HasPrefix(source, "file:")
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "JLex.Main" || got[1].Name != "JLex.CLexGen" || got[1].Bytes != len("JLex.CLexGen") {
		t.Fatalf("%+v", got)
	}
}

// TestJLex measures a real JLex run and feeds both models with it.
func TestJLex(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a JVM")
	}
	p, _ := datasets.Lookup("jlex")
	if m := p.Missing(); len(m) > 0 {
		t.Skipf("missing %v: run make deps", m)
	}
	prof, err := Measure(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	// JLex.Main comes first: the JVM loads the main class before any other
	// of the program's.
	if len(prof.Classes) < 10 || prof.Classes[0].Name != "JLex.Main" || prof.Local <= 0 || len(prof.Jars) != 1 {
		t.Fatalf("profile: %d classes, first %+v, local %v, jars %v", len(prof.Classes), prof.Classes[0], prof.Local, prof.Jars)
	}
	rows, err := Startup(prof, []string{"28.8kbps", "1mbps", "10mbps"}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r.ClassByClass <= prof.Local || r.Jar <= prof.Local {
			t.Errorf("%s: %+v not above the local %v", r.Link, r, prof.Local)
		}
		if i > 0 && (r.ClassByClass >= rows[i-1].ClassByClass || r.Jar >= rows[i-1].Jar) {
			t.Errorf("a faster link is not faster: %+v after %+v", r, rows[i-1])
		}
	}
	pl, err := service.Parse("coverage")
	if err != nil {
		t.Fatal(err)
	}
	times, err := ServiceTimes(p, prof, pl)
	if err != nil {
		t.Fatal(err)
	}
	if len(times) != len(prof.Classes) {
		t.Fatalf("%d service times for %d classes", len(times), len(prof.Classes))
	}
	sc, err := Scaling(times, len(prof.Classes), []int{1, 1000}, []int{1, 2}, 2, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc) != 4 || sc[1].Throughput <= sc[0].Throughput || sc[3].Throughput <= sc[1].Throughput*1.5 {
		t.Errorf("throughput does not grow with clients and replicas: %+v", sc)
	}
	var out bytes.Buffer
	PrintStartup(&out, rows, 0)
	PrintScaling(&out, "coverage", times, sc)
	for _, w := range []string{"28.8kbps", "class █", "replicas", "classes/s"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
}

func TestBar(t *testing.T) {
	if got := bar(1, 2, 4); got != "██" {
		t.Errorf("half of 4: %q", got)
	}
	if got := bar(1, 16, 2); got != "▏" {
		t.Errorf("an eighth: %q", got)
	}
	if bar(0, 1, 5) != "" || bar(1, 0, 5) != "" {
		t.Error("empty bars")
	}
}

func TestPlots(t *testing.T) {
	dir := t.TempDir()
	start := []StartupRow{{Link: "28.8kbps", BytesPerSec: 3600, ClassByClass: 30e9, Jar: 15e9}, {Link: "1mbps", BytesPerSec: 125000, ClassByClass: 3e9, Jar: 1e9}, {Link: "off"}}
	if err := PlotStartup(dir+"/s.png", "jlex", start); err != nil {
		t.Fatal(err)
	}
	scale := []ScalingRow{{Replicas: 1}, {Replicas: 2}}
	scale[0].Clients, scale[0].Throughput = 1, 1000
	scale[1].Clients, scale[1].Throughput = 10, 5000
	if err := PlotScaling(dir+"/c.svg", "jlex", scale); err != nil {
		t.Fatal(err)
	}
	png, _ := os.ReadFile(dir + "/s.png")
	svg, _ := os.ReadFile(dir + "/c.svg")
	if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 5000 {
		t.Errorf("s.png: %d bytes", len(png))
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("2 replicas")) {
		t.Errorf("c.svg lacks its legend")
	}
	if err := PlotStartup(dir+"/s.gif", "jlex", start); err == nil {
		t.Error("a .gif was accepted")
	}
	if err := PlotStartup(dir+"/u.png", "jlex", start[2:]); err == nil {
		t.Error("a plot of only an unlimited link was accepted")
	}
}

package plots

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderMonitor draws the monitor figure from a results directory laid
// out as the monitor experiment writes it.
func TestRenderMonitor(t *testing.T) {
	res, out := t.TempDir(), t.TempDir()
	dir := filepath.Join(res, "monitor")
	os.MkdirAll(dir, 0o755)
	csv := "program,mode,median_ms,vs_plain,identical,events_stored,events_dropped,calls_profiled,stopped_at_limit\n" +
		"jlex,plain,900,1,true,0,0,0,false\njlex,monitor,7000,7.8,true,155648,0,0,false\njlex,profile,1500,1.7,true,0,0,179624,false\n" +
		"jlex,monitor+profile,7100,7.9,true,106496,0,1,false\njlex,jacoco,3600,4,true,0,0,0,false\n" +
		"sunflow,plain,17000,1,true,0,0,0,false\nsunflow,monitor,120000,7.06,n/a,3100000,0,0,true\n" +
		"sunflow,profile,87000,5.1,true,0,0,97106572,false\nsunflow,monitor+profile,120000,7.06,n/a,2900000,0,1,true\n" +
		"sunflow,jacoco,28000,1.6,true,0,0,0,false\n"
	if err := os.WriteFile(filepath.Join(dir, "overhead.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := Render("monitor", res, out)
	if err != nil {
		t.Fatal(err)
	}
	// The two runs stopped at the limit are marked lower bounds, and only they.
	svgs := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".svg") {
			svgs++
			svg, _ := os.ReadFile(f)
			if n := strings.Count(string(svg), "&gt;="); n != 2 {
				t.Errorf("%d bars marked >=, want the 2 stopped at the limit", n)
			}
		}
	}
	if svgs != 1 {
		t.Errorf("files %v: want one SVG", files)
	}
	png, _ := os.ReadFile(files[0])
	if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 10000 {
		t.Errorf("%d-byte PNG", len(png))
	}
	os.WriteFile(filepath.Join(dir, "overhead.csv"), []byte("program,mode\njlex,plain\n"), 0o644)
	if _, err := Render("monitor", res, out); err == nil {
		t.Error("drawn without vs_plain")
	}
}

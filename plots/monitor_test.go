package plots

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestRenderMonitor draws the monitor figure from a results directory laid
// out as the monitor experiment writes it.
func TestRenderMonitor(t *testing.T) {
	res, out := t.TempDir(), t.TempDir()
	dir := filepath.Join(res, "monitor")
	os.MkdirAll(dir, 0o755)
	csv := "program,mode,median_ms,vs_plain,identical,events_stored,events_dropped,calls_profiled\n" +
		"jlex,plain,900,1,true,0,0,0\njlex,monitor,7000,7.8,true,155648,0,0\njlex,profile,1500,1.7,true,0,0,179624\n" +
		"jlex,monitor+profile,7100,7.9,true,106496,0,1\njlex,jacoco,3600,4,true,0,0,0\n"
	if err := os.WriteFile(filepath.Join(dir, "overhead.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := Render("monitor", res, out)
	if err != nil {
		t.Fatal(err)
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

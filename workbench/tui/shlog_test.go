package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dvmlab/core/shadow"
	"dvmlab/core/shadow/analyses"
	"dvmlab/internal/jvmtest"
)

// TestLoadShadowLogPane: L on a ShadowVM event log recorded from a real
// JVM replays it and shows the analysis's table in the trace view.
func TestLoadShadowLogPane(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a JVM")
	}
	dir := jvmtest.Javac(t, map[string]string{"Hi.java": `public class Hi { public static void main(String[] a) { StringBuilder b = new StringBuilder(); for (int i = 0; i < 3000; i++) b.append(new Object().hashCode() % 2); System.out.println(b.length()); } }`})
	logPath := filepath.Join(t.TempDir(), "run.shlog")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = shadow.Run(context.Background(), shadow.Config{Analysis: &analyses.Alloc{}, Ordering: shadow.PerThread, Log: f,
		Java: []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-cp", dir, "Hi"}})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	m := model(t)
	v, fm := runModel(t, m, "trace run.shlog loaded", 60*time.Second, "L", "="+logPath, "enter")
	text := strings.Join(fm.right().lines, "\n")
	for _, w := range []string{"loaded shadow log", "analysis alloc", "Hi.main([Ljava/lang/String;)V@", ",java/lang/Object,3000"} {
		if !strings.Contains(text, w) {
			t.Errorf("no %q in the trace view:\n%s", w, text)
		}
	}
	if !strings.Contains(v, "— trace") {
		t.Errorf("not the trace view:\n%s", v)
	}
}

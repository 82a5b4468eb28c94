package repl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/shadow"
	"dvmlab/core/shadow/analyses"
	"dvmlab/internal/jvmtest"
)

func TestLoadShadowLog(t *testing.T) {
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
	out, err := script(t, "load "+logPath+"\nshadow --top 3\nshadow --ordering group --top 1\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"loaded shadow log", "analysis alloc", "recorded under thread ordering", "hook alloc", "VM death true",
		"site,class,count (replayed under thread ordering", "Hi.main([Ljava/lang/String;)V@", ",java/lang/Object,3000", "replayed under group ordering"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	cut := filepath.Join(t.TempDir(), "cut.shlog")
	data, _ := os.ReadFile(logPath)
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	if out, err := script(t, "load "+cut+"\n"); err == nil || !strings.Contains(out+err.Error(), "cut short") {
		t.Errorf("a truncated log loaded: %v\n%s", err, out)
	}
	if _, err := script(t, "shadow\n"); err == nil {
		t.Error("shadow with no log loaded succeeded")
	}
}

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/internal/jvmtest"
)

func TestShadowCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a JVM")
	}
	for _, bad := range [][]string{
		{"shadow", "--analysis", "alloc"},                                  // no java command
		{"shadow", "--analysis", "nosuch", "--", "java", "-version"},       // unknown analysis
		{"shadow", "--analysis", "alloc", "--ordering", "x", "--", "java"}, // bad ordering
		{"shadow", "--analysis", "alloc", "--scope", "a.b.c", "--", "/nonexistent/java"},
		{"shadow", "replay", "/no/such.shlog"},
	} {
		var out, errb bytes.Buffer
		if code := Run(&Env{Stdout: &out, Stderr: &errb}, bad); code == 0 || errb.Len() == 0 || strings.Contains(errb.String(), "nonexistent") {
			t.Errorf("%v: exit %d, stderr %q", bad, code, errb.String())
		}
	}
	dir := jvmtest.Javac(t, map[string]string{"Hi.java": `public class Hi { public static void main(String[] a) { int[][] g = new int[3][4]; System.out.println(g.length + new StringBuilder("x").length()); } }`})
	log := filepath.Join(t.TempDir(), "hi.shlog")
	csv := filepath.Join(t.TempDir(), "hi.csv")
	var out, errb bytes.Buffer
	code := Run(&Env{Stdout: &out, Stderr: &errb}, []string{"shadow", "--analysis", "alloc", "--ordering", "group", "--csv", csv, "--log", log,
		"--", jvmtest.Tool(t, "java"), "-Xshare:off", "-cp", dir, "Hi"})
	if code != 0 || out.String() != "4\n" || !strings.Contains(errb.String(), "classes offered") {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out.String(), errb.String())
	}
	table, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"site,class,count\n", "Hi.main([Ljava/lang/String;)V@", ",[[I,1\n", ",java/lang/StringBuilder,1\n"} {
		if !strings.Contains(string(table), want) {
			t.Errorf("no %q in the table:\n%.2000s", want, table)
		}
	}
	out.Reset()
	errb.Reset()
	if code := Run(&Env{Stdout: &out, Stderr: &errb}, []string{"shadow", "replay", "--ordering", "thread", log}); code != 0 || out.String() != string(table) {
		t.Errorf("replay: exit %d, %d bytes of table (live %d), stderr %s", code, out.Len(), len(table), errb.String())
	}
}

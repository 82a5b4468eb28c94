package datasets

import (
	"context"
	"regexp"
	"testing"
)

// TestIterated: JLex through the Iterate driver runs its workload twice in
// one JVM, with the same output as one run, and reports both iterations.
func TestIterated(t *testing.T) {
	p, _ := Lookup("jlex")
	if m := p.Missing(); len(m) > 0 {
		t.Skipf("missing %v", m)
	}
	once, err := p.Run(context.Background(), RunConfig{}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Iterated(2).Run(context.Background(), RunConfig{}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`dvmlab iteration [12]: [0-9.]+ ms`).FindAllString(out.Stderr, -1)); n != 2 {
		t.Errorf("%d iterations reported; stderr:\n%s", n, out.Stderr)
	}
	if string(out.Files["sample.lex.java"]) != string(once.Files["sample.lex.java"]) {
		t.Error("the second iteration's output differs from a single run's")
	}
}

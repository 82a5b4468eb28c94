package repl

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"dvmlab/core/native"
)

// TestStepWalksPasses: after native CLASS.METHOD, step shows the method's
// IR after the front end and after each of the compiler's passes in
// native.Passes' order, then its amd64 and its Alpha assembly, each the
// text dvmlab compile --emit asm makes (NativeText); past the end it says
// so; show takes up the service pipeline again.
func TestStepWalksPasses(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/jzlib.jar"); err != nil {
		t.Skip("no jzlib (make deps)")
	}
	var out bytes.Buffer
	s := NewSession(&out, &out)
	defer s.Close()
	const method = "com.jcraft.jzlib.Adler32.update"
	for _, line := range []string{"load /usr/share/java/jzlib.jar", "native " + method} {
		if err := s.Exec(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	want := []string{"build"}
	for _, p := range native.Passes {
		want = append(want, p.Name)
	}
	want = append(want, "amd64", "alpha")
	header := regexp.MustCompile(`^native (\d+)/(\d+) ` + regexp.QuoteMeta(method) + `: (IR after (\S+)|(\S+) assembly)\n`)
	var texts []string
	for i, w := range want {
		out.Reset()
		if err := s.Exec("step"); err != nil {
			t.Fatalf("step %d (%s): %v", i+1, w, err)
		}
		g := header.FindStringSubmatch(out.String())
		if g == nil {
			t.Fatalf("step %d: %q", i+1, out.String())
		}
		if name := g[4] + g[5]; name != w || g[1] != fmt.Sprint(i+1) || g[2] != fmt.Sprint(len(want)) {
			t.Fatalf("step %d shows %s %s/%s, want %s", i+1, name, g[1], g[2], w)
		}
		texts = append(texts, out.String()[len(g[0]):])
	}
	// The passes change the IR: not every stage is the one before it.
	changed := 0
	for i := 1; i < len(native.Passes)+1; i++ {
		if irOf(texts[i]) != irOf(texts[i-1]) {
			changed++
		}
	}
	if changed == 0 {
		t.Error("no pass changed the IR of Adler32.update")
	}
	_, data, err := s.read("com/jcraft/jzlib/Adler32")
	if err != nil {
		t.Fatal(err)
	}
	for i, arch := range []string{"amd64", "alpha"} {
		text, err := NativeText(data, arch, "update")
		if err != nil {
			t.Fatal(err)
		}
		asm := irOf(texts[len(native.Passes)+1+i])
		if len(asm) < 100 || !strings.Contains(text, asm) {
			t.Errorf("%s stage is not compile --emit asm's text:\n%s\nwant within:\n%s", arch, asm, text)
		}
	}
	out.Reset()
	if err := s.Exec("step"); err == nil || !strings.Contains(err.Error(), "already at its alpha assembly") {
		t.Errorf("step past alpha: %v", err)
	}
	out.Reset()
	if err := s.Exec("show com.jcraft.jzlib.Adler32"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := s.Exec("step"); err != nil || !strings.HasPrefix(out.String(), "stage 0/") {
		t.Errorf("step after show: %v %q", err, out.String())
	}
	// A method that stays bytecode leaves nothing to walk.
	if err := s.Exec("native com.jcraft.jzlib.Adler32.<init>"); err != nil {
		t.Fatal(err)
	}
	if s.walk != nil {
		t.Errorf("a walk over <init>: %v", s.walk.stages)
	}
}

// irOf is a stage's text without the "(step: NEXT)" line after it.
func irOf(s string) string {
	if i := strings.LastIndex(s, "(step: "); i >= 0 {
		return s[:i]
	}
	return s
}

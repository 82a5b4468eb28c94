package compile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classfile"
)

// TestStretchAgainstHotSpot runs testdata/Stretch.java as bytecode and
// compiled, under -Xverify:all and -Xcheck:jni (which reports a JNI call
// inside a critical region, and a region left unreleased): the outputs must
// be the same line for line. The code must have the shape the test is
// about: the loops of methods that call out pin their arrays, the inlined
// leaf reads its row once, and arrays read twice are read from a buffer.
func TestStretchAgainstHotSpot(t *testing.T) {
	dir := compileJava(t, "Stretch")
	want := runJava(t, dir, "Stretch")
	out, _, _ := compileDir(t, dir)
	got := runJava(t, out, "Stretch", "-Xverify:all", "-Xcheck:jni")
	if got != want {
		wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
		for i := 0; i < len(wl) && i < len(gl); i++ {
			if wl[i] != gl[i] {
				t.Fatalf("line %d:\n want %s\n got  %s", i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("want %d lines, got %d:\n%s", len(wl), len(gl), tail(got))
	}

	data, err := os.ReadFile(filepath.Join(dir, "Stretch.class"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Options{Dir: t.TempDir(), NoBuild: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	asm := map[string]string{}
	for _, part := range strings.Split(res.Asm, "\n# Stretch.")[1:] {
		name := part[:strings.IndexByte(part, '(')]
		asm[name] = part
	}
	calls := func(method string, idx int) int {
		return strings.Count(asm[method], "call QWORD PTR [rax+"+itoa(8*idx)+"]")
	}
	const critical, element = 222, 173 // GetPrimitiveArrayCritical, GetObjectArrayElement
	for _, m := range []string{"stages", "search", "bounded", "divide", "alias", "aliasWhole"} {
		if asm[m] == "" {
			t.Errorf("%s did not compile: %v", m, res.Skipped)
		} else if calls(m, critical) == 0 {
			t.Errorf("%s pins nothing", m)
		}
	}
	// A buffer's fill passes the frame buffer, not the one-element scratch
	// slot at [rbp-48], to the region call.
	for _, m := range []string{"bufInit", "bufCall", "bufVolatile", "rowsLoop", "bufPhi", "noise", "dots"} {
		fills := 0
		for _, l := range strings.Split(asm[m], "\n") {
			if strings.Contains(l, "lea r8, [rbp-") && !strings.Contains(l, "[rbp-48]") {
				fills++
			}
		}
		if fills == 0 {
			t.Errorf("%s reads no array through a buffer", m)
		}
	}
	if n := calls("noise", element); n != 3 || strings.Contains(asm["noise"], "grad") {
		t.Errorf("noise: %d GetObjectArrayElement calls for three inlined grads (want 3, one row each)\n%s", n, asm["noise"])
	}
	if n := calls("rowStore", element); n != 3 {
		t.Errorf("rowStore: %d GetObjectArrayElement calls, want 3 (t[0], t[1], and t[0] again after the aastore)", n)
	}
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		if n /= 10; n == 0 {
			return s
		}
	}
}

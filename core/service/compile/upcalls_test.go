package compile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/service"
)

// TestUpcallsOption: a method with a JNI upcall in a loop stays bytecode by
// default, counted as declined, and compiles with upcalls:keep; the two
// settings give different libraries, so a cache never mixes them.
func TestUpcallsOption(t *testing.T) {
	dir := compileJava(t, "UpcallInLoop")
	data, err := os.ReadFile(filepath.Join(dir, "t", "UpcallInLoop.class"))
	if err != nil {
		t.Fatal(err)
	}
	const spin = "spin(II)I"
	compiled := func(res *Result) (names []string) {
		for _, f := range res.Funcs {
			names = append(names, f.Name+f.Desc)
		}
		return names
	}
	libs := map[string]string{}
	for _, up := range []string{"", "decline", "keep"} {
		c, err := classfile.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		svc, err := New(Options{Upcalls: up, Dir: t.TempDir(), NoBuild: true})
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(compiled(res), " ")
		if !strings.Contains(got, "straight(I)I") {
			t.Errorf("upcalls %q: straight not compiled (got %s)", up, got)
		}
		var why string
		for k, r := range res.Skipped {
			if strings.Contains(k, ".spin(") {
				why = r
			}
		}
		if up == "keep" {
			if !strings.Contains(got, spin) || res.Declined != 0 {
				t.Errorf("upcalls keep: spin not compiled (compiled %s; skipped %v; declined %d)", got, res.Skipped, res.Declined)
			}
		} else if strings.Contains(got, spin) || !strings.HasPrefix(why, "declined: calls java/lang/Integer.rotateLeft") || res.Declined != 1 {
			t.Errorf("upcalls %q: want spin declined for its upcall in a loop, got compiled %s, reason %q, declined %d", up, got, why, res.Declined)
		}
		libs[up] = res.Library
	}
	if libs[""] != libs["decline"] || libs["decline"] == libs["keep"] {
		t.Errorf("libraries by setting: %v; want decline the default and keep another library", libs)
	}
	if _, err := New(Options{Upcalls: "sometimes", Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "sometimes") {
		t.Errorf("upcalls sometimes: err %v, want it named", err)
	}
}

// TestUpcallsConfig: the service's configuration string sets the rule.
func TestUpcallsConfig(t *testing.T) {
	for cfg, want := range map[string]string{"": "decline", "upcalls:keep": "keep", "upcalls:decline": "decline"} {
		p, err := service.Parse("compile=dir:" + t.TempDir() + ";" + cfg)
		if err != nil {
			t.Fatalf("%q: %v", cfg, err)
		}
		if got := p.Services[0].(*Service).opt.Upcalls; got != want {
			t.Errorf("%q: upcalls %q, want %q", cfg, got, want)
		}
	}
	if _, err := service.Parse("compile=upcalls:never"); err == nil || !strings.Contains(err.Error(), "never") {
		t.Errorf("upcalls:never: err %v, want it named", err)
	}
}

package javap

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"dvmlab/core/classfile"
)

var optionSets = []Options{{}, {Private: true}, {Code: true}, {Code: true, Private: true}, {Verbose: true}, {Verbose: true, Private: true}}

// printAll prints c with every option set and fails the test on a panic
// or an error.
func printAll(t *testing.T, what string, c *classfile.Class) {
	t.Helper()
	for _, opt := range optionSets {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s, %+v: panic: %v", what, opt, r)
				}
			}()
			if err := Print(io.Discard, c, opt); err != nil {
				t.Fatalf("%s, %+v: %v", what, opt, err)
			}
			for _, m := range c.Methods {
				if err := PrintMethod(io.Discard, c, m, opt); err != nil {
					t.Fatalf("%s, %+v: %v", what, opt, err)
				}
			}
		}()
	}
}

func parseOdd(t *testing.T) *classfile.Class {
	t.Helper()
	c, err := classfile.Parse(oddClass(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBrokenPool points every reference of every pool entry, and the
// class's own references, at each kind of wrong target: nothing, past the
// end, the unusable slot after a long, itself, and entries of every other
// tag. Printing must go on and say <invalid> where a value is missing.
func TestBrokenPool(t *testing.T) {
	base := parseOdd(t)
	n := base.Pool.Len()
	var targets []uint16
	targets = append(targets, 0, uint16(n), 0xffff)
	seen := map[classfile.Tag]bool{}
	for i := 1; i < n; i++ {
		e := &base.Pool.Entries[i]
		if e.Tag == 0 || !seen[e.Tag] {
			seen[e.Tag] = true
			targets = append(targets, uint16(i))
		}
	}
	for i := 1; i < n; i++ {
		if base.Pool.Entries[i].Tag == 0 {
			continue
		}
		for _, x := range targets {
			for field := 0; field < 2; field++ {
				c := parseOdd(t)
				e := &c.Pool.Entries[i]
				if field == 0 {
					e.A = x
				} else {
					e.B = x
				}
				printAll(t, fmt.Sprintf("entry #%d (%s) field %d -> #%d", i, e.Tag, field, x), c)
			}
		}
	}
	for _, x := range targets {
		c := parseOdd(t)
		c.This, c.Super = x, x
		c.Interfaces = append(c.Interfaces, x)
		for _, m := range append(c.Fields, c.Methods...) {
			m.NameIndex, m.DescIndex = x, x
		}
		printAll(t, fmt.Sprintf("class references -> #%d", x), c)
	}

	// A Methodref whose class is gone shows up as <invalid> in the comment.
	c := parseOdd(t)
	for i := range c.Pool.Entries {
		if e := &c.Pool.Entries[i]; e.Tag == classfile.TagMethodref {
			e.A = 0xfff0
		}
	}
	var b bytes.Buffer
	if err := Print(&b, c, Options{Code: true, Private: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "// Method "+invalid+".clone") {
		t.Errorf("a broken Methodref should print as %s:\n%s", invalid, b.String())
	}
}

// TestBrokenSignaturesAndCode feeds malformed generic signatures (which
// fall back to the descriptor) and every truncation of the code array.
func TestBrokenSignaturesAndCode(t *testing.T) {
	for _, s := range []string{"", "<", "<T", "<T:", "<T:>", "(", "()", "(L", "(Lx", "(Lx<", "(Lx<*", "TT", "[", "L;",
		"Ljava/lang/Object", "<T::>V", "()V^", "()V^TX", "(+)V", "Lx<-TT;>.", "<>()V", "Lx;Ly", "()V^I"} {
		c := parseOdd(t)
		idx := must(c.Pool.AddUtf8(s))
		sig := &classfile.Signature{Index: idx}
		c.Attributes = append(c.Attributes, sig)
		for _, m := range append(c.Fields, c.Methods...) {
			m.Attributes = append([]classfile.Attribute{sig}, m.Attributes...)
		}
		printAll(t, fmt.Sprintf("signature %q", s), c)
	}
	base := parseOdd(t)
	code := base.Methods[0].Code().Code
	for n := 0; n < len(code); n++ {
		c := parseOdd(t)
		c.Methods[0].Code().Code = code[:n]
		printAll(t, fmt.Sprintf("code cut to %d bytes", n), c)
	}
	c := parseOdd(t)
	c.Methods[0].Code().Code = []byte{0xaa, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0x80, 0, 0, 0}
	printAll(t, "tableswitch with an impossible range", c)
}

// TestEmptyClass prints a class with nothing in it, not even a pool.
func TestEmptyClass(t *testing.T) {
	printAll(t, "empty class", &classfile.Class{})
	printAll(t, "empty module", &classfile.Class{Access: classfile.AccModule, Attributes: []classfile.Attribute{&classfile.Module{}}})
}

// FuzzPrint checks that any class the parser accepts prints without
// failing under every option set.
func FuzzPrint(f *testing.F) {
	data, err := buildOddClass()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := classfile.Parse(data)
		if err != nil {
			return
		}
		printAll(t, "fuzzed class", c)
	})
}

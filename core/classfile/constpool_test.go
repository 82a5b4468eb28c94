package classfile

import (
	"math"
	"testing"
	"unsafe"
)

// TestConstantSize guards the size of a pool entry: every entry of every
// class is zeroed and filled, so a field added to Constant costs every parse.
func TestConstantSize(t *testing.T) {
	if n := unsafe.Sizeof(Constant{}); n > 32 {
		t.Fatalf("Constant is %d bytes, want at most 32", n)
	}
}

// TestConstant32 checks that Integer and Float values keep all their bits
// in the shared number field, read back through the accessors and written
// out as the u4 of JVMS §4.4.4.
func TestConstant32(t *testing.T) {
	var p ConstantPool
	i, err := p.AddInteger(math.MinInt32)
	if err != nil {
		t.Fatal(err)
	}
	nan := uint32(0x7fc00001)
	f, err := p.AddFloat(math.Float32frombits(nan))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Get(i).Int(); got != math.MinInt32 {
		t.Errorf("Int() = %d, want %d", got, int32(math.MinInt32))
	}
	if got := p.Get(f).Bits32(); got != nan {
		t.Errorf("Bits32() = %#x, want %#x", got, nan)
	}
	if j, _ := p.AddInteger(math.MinInt32); j != i {
		t.Errorf("AddInteger again gave #%d, want #%d", j, i)
	}
	if j, _ := p.AddFloat(float32(math.MinInt32)); j == i {
		t.Errorf("a Float with an Integer's bits shares its entry #%d", j)
	}
	c := &Class{Major: 52, Pool: p}
	this, _ := c.Pool.AddClass("T")
	c.This = this
	out, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Pool.Get(i).Int(); got != math.MinInt32 {
		t.Errorf("after a round trip Int() = %d", got)
	}
	if got := back.Pool.Get(f).Bits32(); got != nan {
		t.Errorf("after a round trip Bits32() = %#x", got)
	}
}

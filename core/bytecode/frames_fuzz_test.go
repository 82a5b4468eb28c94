package bytecode

import (
	"testing"

	"dvmlab/core/classfile"
)

type objectOnly struct{}

func (objectOnly) SuperClass(n string) (string, error) {
	if n == "java/lang/Object" {
		return "", nil
	}
	return "java/lang/Object", nil
}
func (objectOnly) IsInterface(string) (bool, error) { return false, nil }

// fuzzClass wraps code as the body of static int m(int, long, Object) in a
// class with a small pool of every loadable kind, so mutated code can name
// fields, methods, classes and constants.
func fuzzClass(code []byte, handler bool) (*classfile.Class, *classfile.Member) {
	c := &classfile.Class{Major: 61}
	p := &c.Pool
	c.This, _ = p.AddClass("F")
	c.Super, _ = p.AddClass("java/lang/Object")
	p.AddInteger(7)
	p.AddFloat(1.5)
	p.AddLong(9)
	p.AddDouble(2.5)
	p.AddString("s")
	p.AddFieldref("F", "f", "I")
	p.AddMethodref("F", "g", "(IJ)Ljava/lang/String;")
	p.AddInterfaceMethodref("java/lang/Runnable", "run", "()V")
	p.AddClass("[I")
	name, _ := p.AddUtf8("m")
	desc, _ := p.AddUtf8("(IJLjava/lang/Object;)I")
	code2 := &classfile.Code{MaxStack: 10, MaxLocals: 10, Code: code}
	if handler && len(code) > 2 {
		code2.Handlers = []classfile.ExceptionHandler{{StartPC: 0, EndPC: uint16(len(code) / 2), HandlerPC: uint16(len(code) / 2)}}
	}
	m := &classfile.Member{Access: classfile.AccStatic, NameIndex: name, DescIndex: desc, Attributes: []classfile.Attribute{code2}}
	c.Methods = []*classfile.Member{m}
	return c, m
}

// FuzzComputeFrames runs frame computation on arbitrary code: it may refuse
// the code with an error, but it must never panic or loop, since the proxy
// runs it on classes from anywhere.
func FuzzComputeFrames(f *testing.F) {
	for _, code := range [][]byte{
		{0x1a, 0xac}, // iload_0 ireturn
		{0x1a, 0x99, 0x00, 0x05, 0x04, 0xac, 0x03, 0xac},       // if
		{0x03, 0x3b, 0x1a, 0x84, 0x00, 0x01, 0xa7, 0xff, 0xfc}, // loop
		{0xbb, 0x00, 0x02, 0x59, 0xb7, 0x00, 0x01, 0x57, 0x03, 0xac},
		{0x12, 0x03, 0x12, 0x04, 0x14, 0x05, 0x00, 0x58, 0x57, 0x57, 0x03, 0xac},
	} {
		f.Add(code, false)
		f.Add(code, true)
	}
	f.Fuzz(func(t *testing.T, code []byte, handler bool) {
		if len(code) == 0 || len(code) > 4096 {
			return
		}
		c, m := fuzzClass(append([]byte(nil), code...), handler)
		if _, err := ComputeFrames(c, m, objectOnly{}); err != nil {
			return
		}
		if _, err := c.Write(); err != nil {
			t.Fatalf("frames computed but the class does not write: %v", err)
		}
	})
}

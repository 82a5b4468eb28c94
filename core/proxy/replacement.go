package proxy

import (
	"dvmlab/core/classfile"
)

// Replacement builds a class named name whose static initializer throws
// errClass (e.g. java/lang/ClassFormatError) with msg: what the proxy serves
// in place of a class it cannot accept, so the client fails where the JVM
// would have, with our reason, and the proxy keeps serving.
func Replacement(name, errClass, msg string) ([]byte, error) {
	c := &classfile.Class{Major: 52, Access: classfile.AccPublic | classfile.AccSuper}
	p := &c.Pool
	var err error
	must := func(i uint16, e error) uint16 {
		if e != nil && err == nil {
			err = e
		}
		return i
	}
	c.This = must(p.AddClass(name))
	c.Super = must(p.AddClass("java/lang/Object"))
	ex := must(p.AddClass(errClass))
	text := must(p.AddString(msg))
	ctor := must(p.AddMethodref(errClass, "<init>", "(Ljava/lang/String;)V"))
	clinit := must(p.AddUtf8("<clinit>"))
	v := must(p.AddUtf8("()V"))
	if err != nil {
		return nil, err
	}
	// new E; dup; ldc_w msg; invokespecial E.<init>(String); athrow.
	// Straight-line code needs no StackMapTable.
	code := []byte{0xbb, byte(ex >> 8), byte(ex), 0x59, 0x13, byte(text >> 8), byte(text), 0xb7, byte(ctor >> 8), byte(ctor), 0xbf}
	c.Methods = []*classfile.Member{{Access: classfile.AccStatic, NameIndex: clinit, DescIndex: v,
		Attributes: []classfile.Attribute{&classfile.Code{MaxStack: 3, MaxLocals: 0, Code: code}}}}
	return c.Write()
}

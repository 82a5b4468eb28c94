package javap

import (
	"encoding/binary"
	"math"
	"testing"

	"dvmlab/core/classfile"
)

// asm builds a code array by hand, for instructions javac no longer emits
// (jsr, ret, the wide forms of ret and aload) and operands it never
// produces (an invokedynamic whose trailing byte is not zero, an opcode
// the JVM does not define).
type asm struct{ b []byte }

func (a *asm) op(bs ...byte) *asm { a.b = append(a.b, bs...); return a }
func (a *asm) u2(v int) *asm      { a.b = binary.BigEndian.AppendUint16(a.b, uint16(v)); return a }
func (a *asm) s4(v int) *asm      { a.b = binary.BigEndian.AppendUint32(a.b, uint32(int32(v))); return a }
func (a *asm) pc() int            { return len(a.b) }
func (a *asm) pad() *asm {
	for len(a.b)%4 != 0 {
		a.b = append(a.b, 0)
	}
	return a
}

func must(i uint16, err error) uint16 {
	if err != nil {
		panic(err)
	}
	return i
}

// oddClass is a class file no compiler writes, holding the rarer corners
// of the format: old and unusual instructions, every loadable constant
// kind, dynamic constants, every stack-map frame form, an unknown
// attribute, names that need quoting, and a flag bit without a name.
func oddClass(t *testing.T) []byte {
	t.Helper()
	data, err := buildOddClass()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func buildOddClass() ([]byte, error) {
	c := &classfile.Class{Major: 61, Access: classfile.AccPublic | classfile.AccSuper | 0x0100}
	p := &c.Pool
	c.This = must(p.AddClass("odd/Odd"))
	c.Super = must(p.AddClass("java/lang/Object"))
	c.Interfaces = []uint16{must(p.AddClass("java/lang/Runnable")), must(p.AddClass("java/io/Serializable"))}

	weird := must(p.AddFieldref("odd/Odd", "a-b", "I"))
	foreign := must(p.AddFieldref("java/lang/System", "out", "Ljava/io/PrintStream;"))
	arrClone := must(p.AddMethodref("[I", "clone", "()Ljava/lang/Object;"))
	iface := must(p.AddInterfaceMethodref("java/util/List", "add", "(Ljava/lang/Object;)Z"))
	mt := must(p.AddMethodType("(I)V"))
	mh := must(p.Add(classfile.Constant{Tag: classfile.TagMethodHandle, Kind: classfile.RefInvokeStatic, A: must(p.AddMethodref("odd/Odd", "bsm", "()V"))}))
	mhField := must(p.Add(classfile.Constant{Tag: classfile.TagMethodHandle, Kind: classfile.RefGetStatic, A: foreign}))
	condyJ := must(p.Add(classfile.Constant{Tag: classfile.TagDynamic, A: 0, B: must(p.AddNameAndType("big", "J"))}))
	condy := must(p.Add(classfile.Constant{Tag: classfile.TagDynamic, A: 1, B: must(p.AddNameAndType("<odd name>", "Ljava/lang/Object;"))}))
	indy := must(p.Add(classfile.Constant{Tag: classfile.TagInvokeDynamic, A: 1, B: must(p.AddNameAndType("run", "()Ljava/lang/Runnable;"))}))
	multi := must(p.AddClass("[[[I"))
	str := must(p.AddString("ctl\u0001\u007f\u0099 \\ \" ' é \U0001F600"))
	nan := must(p.Add(classfile.Constant{Tag: classfile.TagFloat, U64: 0x7fc00001}))
	dbl := must(p.AddDouble(-1.0e-310))
	lng := must(p.AddLong(math.MinInt64))
	integer := must(p.AddInteger(-7))
	thrown := must(p.AddClass("java/lang/Exception"))

	var a asm
	a.op(0xa8).u2(3)                  // 0: jsr 3
	a.op(0x4c)                        // 3: astore_1
	a.op(0xa9, 1)                     // 4: ret 1
	a.op(0xc4, 0xa9).u2(300)          // 6: ret_w 300
	a.op(0xc4, 0x84).u2(300).u2(-300) // 10: iinc_w 300, -300
	a.op(0xc4, 0x19).u2(256)          // 16: aload_w 256
	a.op(0xc9).s4(-a.pc() + 0)        // 20: jsr_w 0
	a.op(0xc8).s4(0)                  // 25: goto_w 25
	a.op(0x03)                        // 30: iconst_0
	ts := a.pc()                      // 31: tableswitch -2..1
	a.op(0xaa).pad().s4(-ts).s4(-2).s4(1).s4(0).s4(1).s4(2).s4(3)

	a.op(0xab).pad().s4(5).s4(0) // lookupswitch, no pairs
	ls2 := a.pc()
	a.op(0xab).pad().s4(-ls2).s4(2).s4(-5).s4(0).s4(100000).s4(1)
	for atype := byte(4); atype <= 11; atype++ {
		a.op(0x10, atype-6, 0xbc, atype) // bipush; newarray
	}
	a.op(0x12, byte(mt))
	a.op(0x13).u2(int(mh))
	a.op(0x13).u2(int(mhField))
	a.op(0x14).u2(int(condyJ))
	a.op(0x13).u2(int(condy))
	a.op(0xba).u2(int(indy)).op(0, 0)
	a.op(0xba).u2(int(indy)).op(5, 0)
	a.op(0xc5).u2(int(multi)).op(2)
	a.op(0xb9).u2(int(iface)).op(2, 0)
	a.op(0x11).u2(-300)
	a.op(0x10, 0xff)
	a.op(0x84, 1, 0x80)
	a.op(0xb4).u2(int(weird))
	a.op(0xb2).u2(int(foreign))
	a.op(0xb8).u2(int(arrClone))
	a.op(0x13).u2(int(str))
	a.op(0x13).u2(int(nan))
	a.op(0x14).u2(int(dbl))
	a.op(0x14).u2(int(lng))
	a.op(0x13).u2(int(integer))
	a.op(0xc6).u2(0xffff & -3) // ifnull back
	a.op(0xcb)                 // not an opcode
	a.op(0xb1)                 // return

	obj := must(p.AddClass("java/lang/Object"))
	frames := &classfile.StackMapTable{Frames: []classfile.StackMapFrame{
		{Type: 3, OffsetDelta: 3},
		{Type: 64 + 1, OffsetDelta: 1, Stack: []classfile.VerificationType{{Tag: classfile.VTInteger}}},
		{Type: 247, OffsetDelta: 100, Stack: []classfile.VerificationType{{Tag: classfile.VTUninitialized, Data: 16}}},
		{Type: 249, OffsetDelta: 2},
		{Type: 251, OffsetDelta: 300},
		{Type: 253, OffsetDelta: 4, Locals: []classfile.VerificationType{{Tag: classfile.VTLong}, {Tag: classfile.VTObject, Data: multi}}},
		{Type: 255, OffsetDelta: 5,
			Locals: []classfile.VerificationType{{Tag: classfile.VTUninitializedThis}, {Tag: classfile.VTTop}, {Tag: classfile.VTNull}, {Tag: classfile.VTFloat}, {Tag: classfile.VTDouble}},
			Stack:  []classfile.VerificationType{{Tag: classfile.VTObject, Data: obj}}},
		{Type: 255, OffsetDelta: 0},
	}}
	code := &classfile.Code{MaxStack: 9, MaxLocals: 400, Code: a.b,
		Handlers:   []classfile.ExceptionHandler{{StartPC: 0, EndPC: 30, HandlerPC: 31, CatchType: thrown}, {StartPC: 3, EndPC: 4, HandlerPC: 31}},
		Attributes: []classfile.Attribute{frames, &classfile.LineNumberTable{Lines: []classfile.LineNumber{{StartPC: 0, Line: 65535}}}}}
	sigIdx := must(p.AddUtf8("<T:Ljava/lang/Object;>(TT;[J)TT;^TT;^Ljava/lang/Exception;"))
	c.Methods = []*classfile.Member{
		{Access: classfile.AccPublic | classfile.AccStatic | classfile.AccVarargs | classfile.AccBridge | 0x8000,
			NameIndex: must(p.AddUtf8("odd")), DescIndex: must(p.AddUtf8("(Ljava/lang/Object;[J)Ljava/lang/Object;")),
			Attributes: []classfile.Attribute{code, &classfile.Signature{Index: sigIdx}, &classfile.Exceptions{Classes: []uint16{thrown}},
				&classfile.Deprecated{}, &classfile.Synthetic{},
				&classfile.RawAttribute{AttrName: "Custom", Info: []byte("0123456789abcdefXYZ")}}},
		{Access: classfile.AccPrivate | classfile.AccNative, NameIndex: must(p.AddUtf8("hidden")), DescIndex: must(p.AddUtf8("()V"))},
	}
	cv := func(i uint16) []classfile.Attribute {
		return []classfile.Attribute{&classfile.ConstantValue{ValueIndex: i}}
	}
	c.Fields = []*classfile.Member{
		{Access: classfile.AccStatic | classfile.AccFinal, NameIndex: must(p.AddUtf8("a-b")), DescIndex: must(p.AddUtf8("I")), Attributes: cv(integer)},
		{Access: classfile.AccPublic | classfile.AccEnum | classfile.AccSynthetic, NameIndex: must(p.AddUtf8("l")), DescIndex: must(p.AddUtf8("J")), Attributes: cv(lng)},
		{Access: classfile.AccPrivate, NameIndex: must(p.AddUtf8("f")), DescIndex: must(p.AddUtf8("F")), Attributes: cv(nan)},
		{Access: classfile.AccProtected, NameIndex: must(p.AddUtf8("s")), DescIndex: must(p.AddUtf8("Ljava/lang/String;")), Attributes: cv(str)},
	}
	bsmArgs := []uint16{integer, nan, lng, dbl, str, obj, mt, mh}
	c.Attributes = []classfile.Attribute{
		&classfile.SourceFile{Index: must(p.AddUtf8("Odd.j"))},
		&classfile.SourceDebugExtension{Data: []byte("SMAP\r\nOdd.j\n\nEND\n")},
		&classfile.BootstrapMethods{Methods: []classfile.BootstrapMethod{{Ref: mh}, {Ref: mh, Args: bsmArgs}}},
		&classfile.InnerClasses{Classes: []classfile.InnerClass{
			{Inner: must(p.AddClass("odd/Odd$In")), Outer: c.This, InnerName: must(p.AddUtf8("In")), Access: classfile.AccPrivate | classfile.AccStatic},
			{Inner: must(p.AddClass("odd/Odd$1")), Access: classfile.AccFinal},
			{Inner: must(p.AddClass("odd/Odd$I")), Outer: c.This, InnerName: must(p.AddUtf8("I")), Access: classfile.AccPublic | classfile.AccInterface | classfile.AccAbstract | classfile.AccStatic | classfile.AccAnnotation},
		}},
		&classfile.EnclosingMethod{Class: obj, Method: must(p.AddNameAndType("toString", "()Ljava/lang/String;"))},
		&classfile.NestMembers{Classes: []uint16{must(p.AddClass("odd/Odd$In"))}},
		&classfile.RawAttribute{AttrName: "Empty"},
	}
	return c.Write()
}

// TestAssembledAgainstJDKJavap compares the hand-made class with javap
// under every option set.
func TestAssembledAgainstJDKJavap(t *testing.T) {
	javapBin := javapTool(t)
	data := oddClass(t)
	if _, err := classfile.Parse(data); err != nil {
		t.Fatalf("the assembled class does not parse: %v", err)
	}
	compareAllModes(t, javapBin, []sample{{"assembled", "odd/Odd", data}})
}

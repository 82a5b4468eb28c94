package alpha

import (
	"fmt"

	"dvmlab/core/native/ir"
)

// The Alpha runtime's objects (a stand-in for a JVM's heap, which the
// harness in package exec implements):
//
//   - An array of references has the primitive arrays' layout: the length
//     as a 64-bit word, then the elements at ArrayData, 8-byte pointers.
//   - Any other object starts with a class word, the address of the
//     runtime's NUL-terminated internal name of its class, the symbol
//     ClassSymbol(name); its instance fields follow at the offsets the
//     runtime defines in the dvm_fo_ words.
//   - new T becomes dvm_new(class word) when the object is only thrown: an
//     exception whose constructor stays Java code the runtime cannot run
//     (exec rewrites new T / T.<init> / athrow to this form, JVMS
//     §6.5.athrow). athrow calls dvm_throw(KindObject, object, 0, 0): the
//     runtime reports the object's class.
//   - Integer.valueOf(int) is dvm_valueof_int(i), a runtime Integer (only
//     the arguments of such an exception's constructor need one), and
//     Math.sqrt and StrictMath.sqrt are the C library's sqrt, correctly
//     rounded as both require (their Javadoc, IEEE 754 §5.4.1).
const KindObject = 7

// runtimeCalls are the methods outside compiled code the Alpha runtime
// provides: the C function each becomes.
var runtimeCalls = map[ir.Sym]string{
	{Owner: "java/lang/Math", Name: "sqrt", Desc: "(D)D"}:                         "sqrt",
	{Owner: "java/lang/StrictMath", Name: "sqrt", Desc: "(D)D"}:                   "sqrt",
	{Owner: "java/lang/Integer", Name: "valueOf", Desc: "(I)Ljava/lang/Integer;"}: "dvm_valueof_int",
}

// RuntimeCall reports whether a static call of s is one the Alpha runtime
// provides.
func RuntimeCall(s *ir.Sym) bool {
	_, ok := runtimeCalls[ir.Sym{Owner: s.Owner, Name: s.Name, Desc: s.Desc}]
	return ok
}

// ClassSymbol is the runtime's name of the class word of class name.
func ClassSymbol(name string) string {
	return fieldSym("dvm_cl_", &ir.Sym{Owner: name, Name: "class"})
}

// EnumOrdinal is java.lang.Enum's ordinal field: Enum.ordinal() is final
// (JLS §8.9), so compiled code reads the field, which the runtime's enum
// constants hold.
var EnumOrdinal = ir.Sym{Owner: "java/lang/Enum", Name: "ordinal", Desc: "I"}

// thrownOnly reports whether every use of v (an OpNew) throws it or checks
// it for null before: an object nothing else can see.
func thrownOnly(f *ir.Func, v *ir.Value) bool {
	for _, b := range f.Blocks {
		for _, x := range b.Values {
			for _, a := range x.Args {
				if a == v && x.Op != ir.OpNullCheck {
					return false
				}
			}
		}
		for i, c := range b.Controls {
			if c == v && (b.Kind != ir.Throw || i != 0) {
				return false
			}
		}
	}
	return true
}

// objectOK refuses what the Alpha runtime's objects cannot do: an object
// must come from a parameter, a static field (the runtime's snapshot), an
// array of references, a new array, or be an exception only thrown; a
// field of an object other than the receiver is only Enum.ordinal; calls
// out of compiled code are only the runtime's.
func objectOK(f *ir.Func, v *ir.Value) error {
	at := func(format string, a ...any) error {
		return fmt.Errorf("at offset %d: %s: %s", v.Pos, v.LongString(), fmt.Sprintf(format, a...))
	}
	switch v.Op {
	case ir.OpGetField, ir.OpPutField:
		if v.Sym.Owner == f.Class && v.Type != ir.Object && !(v.Op == ir.OpPutField && v.Args[1].Type == ir.Object) && isReceiver(f, v.Args[0], map[*ir.Value]bool{}) {
			return nil
		}
		if v.Op == ir.OpGetField && *v.Sym == EnumOrdinal {
			return nil
		}
		if v.Type == ir.Object || v.Op == ir.OpPutField && v.Args[1].Type == ir.Object {
			return at("an object other than the receiver needs the JVM (the Alpha runtime gives values to none in fields)")
		}
		if v.Sym.Owner == f.Class {
			return at("a field of an object other than the receiver (the Alpha runtime lays out and gives values to the receiver's only)")
		}
		return at("a field of another class (the Alpha runtime gives values to the receiver's own fields only)")
	case ir.OpInvoke:
		if v.AuxInt == ir.InvokeStatic && RuntimeCall(v.Sym) {
			return nil
		}
		return at("a call the Alpha runtime cannot make (no JVM there; it provides %s only)", "Math.sqrt, StrictMath.sqrt and Integer.valueOf(int)")
	case ir.OpNew:
		if thrownOnly(f, v) {
			return nil
		}
		return at("an object other than the receiver needs the JVM (only exceptions thrown at once are made by the Alpha runtime)")
	case ir.OpObjArrayStore:
		return storeOK(v, at)
	case ir.OpCheckCast, ir.OpInstanceOf, ir.OpString:
		return at("needs the JVM (the Alpha runtime has no class hierarchy or strings)")
	}
	if v.Type == ir.Object {
		switch v.Op {
		case ir.OpParam, ir.OpPhi, ir.OpCopy, ir.OpConst, ir.OpGetStatic, ir.OpObjArrayLoad, ir.OpNewObjArray, ir.OpCall:
			return nil
		}
		return at("an object other than the receiver needs the JVM")
	}
	return nil
}

// storeOK admits an aastore only where no ArrayStoreException can happen
// (JVMS §6.5.aastore), since the runtime's arrays carry no element type: an
// array made here of Object, or an array whose static type's element is
// an array type of primitives (no type but itself is assignable to it) and
// a value of exactly that type or null.
func storeOK(v *ir.Value, at func(string, ...any) error) error {
	arr, x := origin(v.Args[0]), v.Args[2]
	if arr.Op == ir.OpNewObjArray && arr.Sym != nil && arr.Sym.Owner == "java/lang/Object" {
		return nil
	}
	if x.Op == ir.OpConst {
		return nil
	}
	elem := ""
	if len(arr.Class) > 1 && arr.Class[0] == '[' {
		elem = arr.Class[1:]
	}
	switch {
	case len(elem) == 2 && elem[0] == '[' && elem[1] != 'L' && x.Type == ir.Array && x.Elem == elem[1]:
		return nil
	case len(elem) > 2 && elem[len(elem)-1] != ';' && x.Type == ir.Object && x.Class == elem:
		return nil
	}
	return at("an aastore that may throw ArrayStoreException needs the JVM (the Alpha runtime's arrays carry no element type)")
}

// isReceiver reports whether v is an instance method's receiver, through
// copies and the phis the front end puts at each block's entry. Found on
// commons-math3's FastMath$Split.access$000(Split), a static accessor
// reading a field of its parameter: accepted as a field of its own class,
// it left dvm_fo_…Split_full undefined and the link of the whole closure
// failed.
func isReceiver(f *ir.Func, v *ir.Value, seen map[*ir.Value]bool) bool {
	if seen[v] {
		return true
	}
	seen[v] = true
	switch v.Op {
	case ir.OpParam:
		return !f.Static && v.AuxInt == 0
	case ir.OpCopy:
		return isReceiver(f, v.Args[0], seen)
	case ir.OpPhi:
		for _, a := range v.Args {
			if !isReceiver(f, a, seen) {
				return false
			}
		}
		return true
	}
	return false
}

// origin looks through copies.
func origin(v *ir.Value) *ir.Value {
	for v.Op == ir.OpCopy {
		v = v.Args[0]
	}
	return v
}

// newObject is new T for a thrown exception: dvm_new(T's class word).
func (e *emitter) newObject(v *ir.Value) {
	s := ClassSymbol(v.Sym.Owner)
	e.ins("ldq $16,%s($29) !literal", s)
	e.call("dvm_new")
	d := e.idst(v)
	e.ins("mov $0,$%d", d)
	e.idone(v, d)
}

// runtimeCall calls the C function the runtime provides for v.
func (e *emitter) runtimeCall(v *ir.Value) {
	fn := runtimeCalls[ir.Sym{Owner: v.Sym.Owner, Name: v.Sym.Name, Desc: v.Sym.Desc}]
	e.toReg(v.Args[0], 16)
	e.call(fn)
	e.result(v)
}

// objArray loads or stores an element of an array of references.
func (e *emitter) objArray(v *ir.Value) {
	ar := e.isrc(v.Args[0], 23)
	ir_ := e.isrc(v.Args[1], 24)
	if v.Op == ir.OpObjArrayStore {
		xr := e.isrc(v.Args[2], 25)
		e.elemAddr(ar, ir_, 'J')
		e.ins("stq $%d,%d($28)", xr, ArrayData)
		return
	}
	e.elemAddr(ar, ir_, 'J')
	d := e.idst(v)
	e.ins("ldq $%d,%d($28)", d, ArrayData)
	e.idone(v, d)
}

// throwObject ends a Throw block: the exception (not null: a check came
// before) goes to the runtime.
func (e *emitter) throwObject(b *ir.Block) {
	x := b.Controls[0]
	if origin(x).Op != ir.OpNew {
		fail("block b%d: athrow of %s: the Alpha runtime throws only exceptions made where they are thrown", b.ID, x.LongString())
	}
	e.ins("mov $%d,$17", e.isrc(x, 23))
	e.ins("lda $16,%d($31)", KindObject)
	e.call("dvm_throw")
}

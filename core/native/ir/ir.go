// Package ir is the network compiler's intermediate representation: a typed
// SSA form of one method, with blocks, phis, and Java's run-time checks as
// explicit instructions (null, bounds, division by zero, negative size) that
// throw the exception class the JVM would. The DVM paper's §3.4 compiles in
// the network; this is the form every pass reads and rewrites and every back
// end lowers.
//
// A function's shape, for a back end:
//   - Func.Blocks[0] is the entry; Blocks are in a reverse post-order the
//     front end computed and passes keep (a back end may lay them out so).
//   - Each Block holds its Values in execution order, phis first. A block ends
//     with its Kind: Plain (one successor), If (compare Controls[0] with
//     Controls[1] by Cond: true goes to Succs[0], false to Succs[1]), Return
//     (Controls holds the result, or nothing for void).
//   - A Value is an instruction and its result; Op says what, Type the
//     result's type (Void for checks and stores), Args the operands, AuxInt
//     constants and element kinds, Sym the field or method it names.
//   - Checks (OpNullCheck, OpBoundsCheck, OpDivZeroCheck, OpNegSizeCheck)
//     leave the method by throwing Throws(op) when they fail; after an OpCall
//     the back end leaves the method too if the callee threw.
//   - Phi i's Args[k] comes from Block.Preds[k].
//   - A block of kind Throw ends the method with the exception in
//     Controls[0] (athrow).
//   - Objects (Type Object: any reference but a one-dimensional primitive
//     array) come and go through the JVM: OpNew, OpInvoke, OpObjArrayLoad,
//     OpObjArrayStore, OpNewObjArray, OpCheckCast, OpInstanceOf, OpString,
//     and field ops of reference type. A back end that cannot run them (one
//     without a JVM) returns an error from Lower, and the method stays
//     bytecode.
package ir

import (
	"fmt"
	"math"
	"strings"
)

// Type is a value's type: the JVM's computational types (JVMS §2.11.1; byte,
// char, short and boolean compute as Int), references to primitive arrays
// and to the receiver's object, and Void for instructions with no result.
type Type uint8

const (
	Void Type = iota
	Int
	Long
	Float
	Double
	Array  // a reference to a primitive array, or null; Value.Elem names the element
	Object // a reference to an object (only the receiver of an instance method)
)

var typeNames = [...]string{Void: "void", Int: "int", Long: "long", Float: "float", Double: "double", Array: "array", Object: "object"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", t)
}

// IsRef reports whether t is a reference type.
func (t Type) IsRef() bool { return t == Array || t == Object }

// IsFloat reports whether t lives in a floating-point register.
func (t Type) IsFloat() bool { return t == Float || t == Double }

// Is64 reports whether t takes 64 bits (references too, on the 64-bit targets).
func (t Type) Is64() bool { return t == Long || t == Double || t.IsRef() }

// Desc is the descriptor character of t's computational type.
func (t Type) Desc() byte { return "VIJFD[L"[t] }

// TypeOfDesc is the computational type of a descriptor character (JVMS §4.3.2).
func TypeOfDesc(c byte) Type {
	switch c {
	case 'B', 'C', 'S', 'Z', 'I':
		return Int
	case 'J':
		return Long
	case 'F':
		return Float
	case 'D':
		return Double
	case '[':
		return Array
	case 'L':
		return Object
	}
	return Void
}

// Op is an instruction's operation.
type Op uint8

const (
	OpInvalid Op = iota
	OpConst      // AuxInt: the bits (int/long as the integer, float/double as IEEE bits); Array: null
	OpParam      // AuxInt: parameter number (the receiver is 0 in an instance method)
	OpPhi        // Args: one per predecessor
	OpCopy       // Args[0]; removed by copy propagation

	OpAdd // two operands of Type
	OpSub
	OpMul
	OpDiv // int/long: after an OpDivZeroCheck; MIN_VALUE / -1 is MIN_VALUE (JVMS §6.5.idiv)
	OpRem // int/long: MIN_VALUE % -1 is 0; float/double: fmod semantics (JVMS §6.5.drem)
	OpNeg
	OpShl // the count (an Int) masked to 5 or 6 bits (JVMS §6.5.ishl)
	OpShr
	OpUshr
	OpAnd
	OpOr
	OpXor

	OpConv // Args[0] to Type; AuxInt: the descriptor char of the source, or of B/C/S for i2b/i2c/i2s
	OpLcmp // -1, 0, 1 (JVMS §6.5.lcmp)
	OpCmpl // float/double compare, NaN gives -1 (fcmpl, dcmpl)
	OpCmpg // NaN gives 1 (fcmpg, dcmpg)

	OpNullCheck    // Args[0] a reference; throws NullPointerException if null
	OpBoundsCheck  // Args[0] index, Args[1] length; throws ArrayIndexOutOfBoundsException unless 0 <= index < length
	OpDivZeroCheck // Args[0] the divisor; throws ArithmeticException if zero
	OpNegSizeCheck // Args[0] a size; throws NegativeArraySizeException if negative

	OpArrayLen   // Args[0] a non-null array
	OpArrayLoad  // Args[0] array, Args[1] index (both checked); AuxInt: element descriptor char
	OpArrayStore // Args[0] array, Args[1] index, Args[2] value; AuxInt: element descriptor char
	OpNewArray   // Args[0] a checked size; AuxInt: element descriptor char

	OpGetStatic // Sym: the field
	OpPutStatic // Args[0] the value
	OpGetField  // Args[0] the object (checked)
	OpPutField  // Args[0] the object (checked), Args[1] the value

	OpCall // a static call of another compiled method; Sym: the callee; Args: the arguments

	// Objects, through the JVM (JNI) rather than compiled code.
	OpNew          // a new, not yet initialised instance of Sym.Owner (an <init> OpInvoke follows)
	OpInvoke       // a call of a method that is not compiled here; AuxInt: Invoke kind; Args: receiver (if any), arguments
	OpObjArrayLoad // aaload: Args[0] array of references, Args[1] index (both checked)
	OpObjArrayStore
	OpNewObjArray // anewarray: Args[0] a checked size; Sym.Owner the element class or array descriptor
	OpCheckCast   // Args[0] a reference, and the result: the same reference; throws ClassCastException unless null or an instance of Sym.Owner
	OpInstanceOf  // Args[0] a reference; 1 if non-null and an instance of Sym.Owner, else 0
	OpString      // ldc of a String or Class constant: Sym.Owner java/lang/String and the interned String whose contents are Sym.Name, or Sym.Owner java/lang/Class and the class Sym.Name (resolved, not initialised)
)

// Invoke kinds, in OpInvoke's AuxInt (JVMS §6.5.invokestatic and the others).
const (
	InvokeStatic int64 = iota
	InvokeVirtual
	InvokeSpecial
	InvokeInterface
)

var opNames = [...]string{
	OpInvalid: "invalid", OpConst: "const", OpParam: "param", OpPhi: "phi", OpCopy: "copy",
	OpAdd: "add", OpSub: "sub", OpMul: "mul", OpDiv: "div", OpRem: "rem", OpNeg: "neg",
	OpShl: "shl", OpShr: "shr", OpUshr: "ushr", OpAnd: "and", OpOr: "or", OpXor: "xor",
	OpConv: "conv", OpLcmp: "lcmp", OpCmpl: "cmpl", OpCmpg: "cmpg",
	OpNullCheck: "nullcheck", OpBoundsCheck: "boundscheck", OpDivZeroCheck: "divzerocheck", OpNegSizeCheck: "negsizecheck",
	OpArrayLen: "arraylen", OpArrayLoad: "aload", OpArrayStore: "astore", OpNewArray: "newarray",
	OpGetStatic: "getstatic", OpPutStatic: "putstatic", OpGetField: "getfield", OpPutField: "putfield",
	OpCall: "call",
	OpNew:  "new", OpInvoke: "invoke", OpObjArrayLoad: "aaload", OpObjArrayStore: "aastore", OpNewObjArray: "anewarray",
	OpCheckCast: "checkcast", OpInstanceOf: "instanceof", OpString: "string",
}

func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", o)
}

// IsCheck reports whether o is a run-time check that may throw.
func (o Op) IsCheck() bool { return o >= OpNullCheck && o <= OpNegSizeCheck }

// HasEffect reports whether o must stay even when its result is unused:
// checks, stores, calls (and allocation, which may run out of memory).
func (o Op) HasEffect() bool {
	switch o {
	case OpNullCheck, OpBoundsCheck, OpDivZeroCheck, OpNegSizeCheck,
		OpArrayStore, OpNewArray, OpPutStatic, OpPutField, OpCall,
		OpGetStatic, OpGetField, // field reads may initialise a class
		OpNew, OpInvoke, OpObjArrayLoad, OpObjArrayStore, OpNewObjArray, OpCheckCast:
		return true
	}
	return false
}

// Throws is the internal name of the exception class a check throws.
func Throws(o Op) string {
	switch o {
	case OpNullCheck:
		return "java/lang/NullPointerException"
	case OpBoundsCheck:
		return "java/lang/ArrayIndexOutOfBoundsException"
	case OpDivZeroCheck:
		return "java/lang/ArithmeticException"
	case OpNegSizeCheck:
		return "java/lang/NegativeArraySizeException"
	}
	return ""
}

// Cond is the comparison of an If block.
type Cond uint8

const (
	Eq Cond = iota
	Ne
	Lt
	Ge
	Gt
	Le
)

var condNames = [...]string{"eq", "ne", "lt", "ge", "gt", "le"}

func (c Cond) String() string { return condNames[c] }

// Negate is the condition that holds exactly when c does not.
func (c Cond) Negate() Cond { return [...]Cond{Ne, Eq, Ge, Lt, Le, Gt}[c] }

// Swap is the condition with the operands exchanged.
func (c Cond) Swap() Cond { return [...]Cond{Eq, Ne, Gt, Le, Lt, Ge}[c] }

// Eval compares two integers (ints, longs, or references as addresses).
func (c Cond) Eval(a, b int64) bool {
	switch c {
	case Eq:
		return a == b
	case Ne:
		return a != b
	case Lt:
		return a < b
	case Ge:
		return a >= b
	case Gt:
		return a > b
	}
	return a <= b
}

// Sym names a field or method outside the IR: owner class (internal name),
// member name and descriptor.
type Sym struct {
	Owner, Name, Desc string
	// For a field of the compiled class itself: its ACC_FINAL and
	// ACC_VOLATILE (JVMS §4.5); false for fields of other classes.
	Final, Volatile bool
}

func (s *Sym) String() string { return s.Owner + "." + s.Name + ":" + s.Desc }

// Value is one instruction and the value it defines.
type Value struct {
	ID     int
	Op     Op
	Type   Type
	Args   []*Value
	AuxInt int64
	Sym    *Sym
	Elem   byte   // for Array values: the element's descriptor char, 0 if unknown (null)
	Class  string // for Object values: the static type's descriptor (Ljava/lang/String; or [[D), "" if unknown
	Block  *Block
	Pos    int // the bytecode offset it came from, -1 if none
	// Msg is an OpNullCheck's exception message: the text HotSpot's helpful
	// NullPointerException gives at Pos (JEP 358), "" for none.
	Msg  string
	Uses int // number of uses, kept by Func.CountUses
}

// IsConst reports whether v is a constant.
func (v *Value) IsConst() bool { return v.Op == OpConst }

// Float32 and Float64 read a float or double constant's bits.
func (v *Value) Float32() float32 { return math.Float32frombits(uint32(v.AuxInt)) }
func (v *Value) Float64() float64 { return math.Float64frombits(uint64(v.AuxInt)) }

// BlockKind is how a block ends.
type BlockKind uint8

const (
	Plain BlockKind = iota
	If
	Return
	Throw // athrow: Controls[0] the exception (null throws NullPointerException)
)

// Block is a basic block.
type Block struct {
	ID       int
	Kind     BlockKind
	Values   []*Value
	Controls []*Value
	Cond     Cond
	Succs    []*Block
	Preds    []*Block
	Pos      int // bytecode offset of its first instruction
	Func     *Func
}

// Func is one compiled method.
type Func struct {
	Class, Name, Desc string // the method: internal class name, name, descriptor
	Static            bool
	Params            []Type // parameter types, the receiver first for an instance method
	Result            Type
	Blocks            []*Block
	nextValue         int
	nextBlock         int
	// Bytecodes is the length of the method's code, for throughput figures.
	Bytecodes int
}

// NewFunc starts an empty function.
func NewFunc(class, name, desc string, static bool) *Func {
	return &Func{Class: class, Name: name, Desc: desc, Static: static}
}

// NewBlock adds a block at the end of f.Blocks.
func (f *Func) NewBlock(pos int) *Block {
	b := &Block{ID: f.nextBlock, Pos: pos, Func: f}
	f.nextBlock++
	f.Blocks = append(f.Blocks, b)
	return b
}

// NewValue appends a value to b.
func (b *Block) NewValue(op Op, t Type, pos int, args ...*Value) *Value {
	v := b.Func.newValue(op, t, pos, args)
	v.Block = b
	b.Values = append(b.Values, v)
	return v
}

// NewPhi inserts a phi at the start of b (after the other phis).
func (b *Block) NewPhi(t Type, pos int) *Value {
	v := b.Func.newValue(OpPhi, t, pos, nil)
	v.Block = b
	i := 0
	for i < len(b.Values) && b.Values[i].Op == OpPhi {
		i++
	}
	b.Values = append(b.Values, nil)
	copy(b.Values[i+1:], b.Values[i:])
	b.Values[i] = v
	return v
}

func (f *Func) newValue(op Op, t Type, pos int, args []*Value) *Value {
	v := &Value{ID: f.nextValue, Op: op, Type: t, Args: args, Pos: pos}
	f.nextValue++
	return v
}

// NumValues is one more than the largest value ID, for tables indexed by ID.
func (f *Func) NumValues() int { return f.nextValue }

// NumBlocks is one more than the largest block ID.
func (f *Func) NumBlocks() int { return f.nextBlock }

// AddEdge links b to s, appending to both lists.
func AddEdge(b, s *Block) {
	b.Succs = append(b.Succs, s)
	s.Preds = append(s.Preds, b)
}

// CountUses recomputes every value's Uses.
func (f *Func) CountUses() {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			v.Uses = 0
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for _, a := range v.Args {
				a.Uses++
			}
		}
		for _, c := range b.Controls {
			c.Uses++
		}
	}
}

// String prints f, one value a line, in the form `--emit ir` shows.
func (f *Func) String() string {
	var sb strings.Builder
	static := ""
	if f.Static {
		static = "static "
	}
	fmt.Fprintf(&sb, "func %s%s.%s%s\n", static, f.Class, f.Name, f.Desc)
	for _, b := range f.Blocks {
		fmt.Fprintf(&sb, "  b%d: (@%d)", b.ID, b.Pos)
		if len(b.Preds) > 0 {
			sb.WriteString(" <-")
			for _, p := range b.Preds {
				fmt.Fprintf(&sb, " b%d", p.ID)
			}
		}
		sb.WriteByte('\n')
		for _, v := range b.Values {
			fmt.Fprintf(&sb, "    %s\n", v.LongString())
		}
		switch b.Kind {
		case Plain:
			if len(b.Succs) == 1 {
				fmt.Fprintf(&sb, "    goto b%d\n", b.Succs[0].ID)
			}
		case If:
			fmt.Fprintf(&sb, "    if %s %s %s then b%d else b%d\n", b.Controls[0], b.Cond, b.Controls[1], b.Succs[0].ID, b.Succs[1].ID)
		case Throw:
			fmt.Fprintf(&sb, "    throw %s\n", b.Controls[0])
		case Return:
			if len(b.Controls) == 1 {
				fmt.Fprintf(&sb, "    return %s\n", b.Controls[0])
			} else {
				sb.WriteString("    return\n")
			}
		}
	}
	return sb.String()
}

// String names v: v12.
func (v *Value) String() string { return fmt.Sprintf("v%d", v.ID) }

// LongString is v's definition: v12 = add:int v3 v4.
func (v *Value) LongString() string {
	var sb strings.Builder
	if v.Type != Void {
		fmt.Fprintf(&sb, "v%d = ", v.ID)
	}
	sb.WriteString(v.Op.String())
	if v.Type != Void {
		sb.WriteString(":" + v.Type.String())
		if v.Type == Array && v.Elem != 0 {
			sb.WriteString("[" + string(v.Elem))
		}
	}
	switch v.Op {
	case OpConst:
		sb.WriteString(" " + v.ConstString())
	case OpParam:
		fmt.Fprintf(&sb, " %d", v.AuxInt)
	case OpInvoke:
		sb.WriteString(" " + [...]string{"static", "virtual", "special", "interface"}[v.AuxInt&3])
	case OpConv, OpArrayLoad, OpArrayStore, OpNewArray:
		fmt.Fprintf(&sb, " %c", byte(v.AuxInt))
	}
	for _, a := range v.Args {
		sb.WriteString(" " + a.String())
	}
	if v.Sym != nil {
		sb.WriteString(" " + v.Sym.String())
	}
	if v.Pos >= 0 {
		fmt.Fprintf(&sb, "  @%d", v.Pos)
	}
	return sb.String()
}

// ConstString is a constant's value as Java would print it.
func (v *Value) ConstString() string {
	switch v.Type {
	case Int:
		return fmt.Sprint(int32(v.AuxInt))
	case Long:
		return fmt.Sprint(v.AuxInt) + "L"
	case Float:
		return fmt.Sprint(v.Float32()) + "f"
	case Double:
		return fmt.Sprint(v.Float64()) + "d"
	}
	return "null"
}

// Adopt moves g's blocks and values into f, numbered anew, and appends
// the blocks to f.Blocks; g is empty afterwards. Inlining uses it.
func (f *Func) Adopt(g *Func) {
	for _, b := range g.Blocks {
		b.ID = f.nextBlock
		f.nextBlock++
		b.Func = f
		for _, v := range b.Values {
			v.ID = f.nextValue
			f.nextValue++
		}
		f.Blocks = append(f.Blocks, b)
	}
	g.Blocks = nil
}

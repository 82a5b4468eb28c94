package javap

import (
	"fmt"
	"strconv"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
)

// newarray's atype operand (JVMS §6.5.newarray, Table 6.5.newarray-A).
var arrayTypes = map[int]string{4: "boolean", 5: "char", 6: "float", 7: "double", 8: "byte", 9: "short", 10: "int", 11: "long"}

// instructions prints a method's code as javap -c does: one line per
// instruction, "%4d: %-13s " then the operands, switch tables on lines of
// their own.
func (p *printer) instructions(code *classfile.Code) {
	b := code.Code
	for off := 0; off < len(b); {
		in, err := bytecode.DecodeAt(b, off)
		if err != nil {
			op := bytecode.Opcode(b[off])
			if !op.Valid() {
				// javap names an opcode it does not know by number and
				// steps over the single byte.
				p.println(fmt.Sprintf("%4d: bytecode %d", off, b[off]))
				off++
				continue
			}
			p.println(fmt.Sprintf("%4d: %s", off, op) + "  <invalid: " + err.Error() + ">")
			return
		}
		p.instruction(&in)
		off += in.Len
	}
}

func (p *printer) instruction(in *bytecode.Instruction) {
	name := in.Op.String()
	if in.Wide {
		name += "_w"
	}
	p.print(fmt.Sprintf("%4d: %-13s ", in.Offset, name))
	poolRef := func(extra string) {
		p.print("#" + strconv.Itoa(in.Index) + extra)
		p.o.tab()
		p.print("// " + p.constRef(uint16(in.Index)))
	}
	switch op := in.Op; op {
	case bytecode.Bipush, bytecode.Sipush:
		p.print(strconv.Itoa(in.Const))
	case bytecode.Ldc, bytecode.LdcW, bytecode.Ldc2W,
		bytecode.Getstatic, bytecode.Putstatic, bytecode.Getfield, bytecode.Putfield,
		bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic,
		bytecode.New, bytecode.Anewarray, bytecode.Checkcast, bytecode.Instanceof:
		poolRef("")
	case bytecode.Invokeinterface, bytecode.Multianewarray:
		poolRef(",  " + strconv.Itoa(in.Const))
	case bytecode.Invokedynamic:
		// javap shows the byte after the index, which must be zero
		// (JVMS §6.5.invokedynamic) but is printed as found.
		poolRef(",  " + strconv.Itoa(int(in.Zero>>8)))
	case bytecode.Iload, bytecode.Lload, bytecode.Fload, bytecode.Dload, bytecode.Aload,
		bytecode.Istore, bytecode.Lstore, bytecode.Fstore, bytecode.Dstore, bytecode.Astore, bytecode.Ret:
		p.print(strconv.Itoa(in.Index))
	case bytecode.Iinc:
		p.print(strconv.Itoa(in.Index) + ", " + strconv.Itoa(in.Const))
	case bytecode.Newarray:
		t, ok := arrayTypes[in.Index]
		if !ok {
			t = invalid
		}
		p.print(" " + t)
	case bytecode.Tableswitch, bytecode.Lookupswitch:
		p.switchTable(in)
	default:
		if op.IsBranchOp() {
			p.print(strconv.Itoa(in.Target))
		}
	}
	p.println("")
}

// switchIndent is how many levels javap indents switch cases: the width
// of "%4d: " rounded up to whole levels.
const switchIndent = (6 + indentWidth - 1) / indentWidth

func (p *printer) switchTable(in *bytecode.Instruction) {
	sw := in.Switch
	if sw == nil {
		p.print(invalid)
		return
	}
	if in.Op == bytecode.Tableswitch {
		p.print(fmt.Sprintf("{ // %d to %d", sw.Low, sw.High))
		p.o.in(switchIndent)
		for i, t := range sw.Targets {
			// Java adds in 32 bits; so do we, for the same numbers.
			p.print(fmt.Sprintf("\n%12d: %d", sw.Low+int32(i), t))
		}
	} else {
		p.print(fmt.Sprintf("{ // %d", len(sw.Keys)))
		p.o.in(switchIndent)
		for i, k := range sw.Keys {
			t := 0
			if i < len(sw.Targets) {
				t = sw.Targets[i]
			}
			p.print(fmt.Sprintf("\n%12d: %d", k, t))
		}
	}
	p.print("\n     default: " + strconv.Itoa(sw.Default) + "\n}")
	p.o.in(-switchIndent)
}

func (p *printer) exceptionTable(code *classfile.Code) {
	if len(code.Handlers) == 0 {
		return
	}
	p.println("Exception table:")
	p.o.in(1)
	p.println(" from    to  target type")
	for _, h := range code.Handlers {
		p.print(fmt.Sprintf("%6d%6d%6d   ", h.StartPC, h.EndPC, h.HandlerPC))
		if h.CatchType == 0 {
			p.println("any")
		} else {
			p.println("Class " + p.value(h.CatchType))
		}
	}
	p.o.in(-1)
}

package security

import (
	"encoding/binary"
	"fmt"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/policy"
)

// bridgeHandles closes the way around a guard through a method reference
// (System::exit as an IntConsumer, FileInputStream::new as a Function): a
// MethodHandle constant (JVMS §4.4.8) naming a guarded method is pointed at
// a private static synthetic bridge in the class that makes the same call,
// which walk then checks like any other call, the class being the subject.
// The bridge takes the receiver as its first parameter, which is what
// LambdaMetafactory and ldc users of the handle pass. Interfaces are left
// as they are (their bridges would need version 52 interface methods) and
// reported.
func (s *Service) bridgeHandles(c *classfile.Class, notes *[]string) (int, error) {
	pool := &c.Pool
	n := 0
	for i := 1; i < len(pool.Entries); i++ {
		e := &pool.Entries[i]
		if e.Tag != classfile.TagMethodHandle {
			continue
		}
		ref := pool.Get(e.A)
		if ref == nil || ref.Tag != classfile.TagMethodref && ref.Tag != classfile.TagInterfaceMethodref {
			continue
		}
		owner, name, desc := pool.MemberRef(e.A)
		if owner == c.Name() {
			continue // the class's own methods are checked at their entry
		}
		var g *policy.Guard
		for _, x := range s.Policy.Guards {
			if x.MatchesMethod(owner, name, desc) {
				g = x
				break
			}
		}
		if g == nil {
			continue
		}
		where := fmt.Sprintf("method handle #%d to %s.%s%s", i, owner, name, desc)
		if c.Access.Has(classfile.AccInterface) {
			*notes = append(*notes, where+" in an interface: not checked")
			continue
		}
		var op bytecode.Opcode
		var params []string
		ret := desc[len(desc)-len(retType(desc)):]
		switch e.Kind {
		case classfile.RefInvokeStatic:
			op = bytecode.Invokestatic
		case classfile.RefInvokeVirtual:
			op, params = bytecode.Invokevirtual, []string{"L" + owner + ";"}
		case classfile.RefInvokeInterface:
			op, params = bytecode.Invokeinterface, []string{"L" + owner + ";"}
		case classfile.RefNewInvokeSpecial:
			op, ret = bytecode.Invokespecial, "L"+owner+";"
		default:
			*notes = append(*notes, where+" of kind "+classfile.RefKindName(e.Kind)+": not checked")
			continue
		}
		params = append(params, policy.ArgTypes(desc)...)
		bdesc := "("
		for _, p := range params {
			bdesc += p
		}
		bdesc += ")" + ret
		bname := fmt.Sprintf("dvmlab$guarded$%d", i)
		code, maxLocals, err := bridgeCode(pool, op, e.A, owner, params, ret)
		if err != nil {
			return n, err
		}
		ni, err := pool.AddUtf8(bname)
		if err != nil {
			return n, err
		}
		di, err := pool.AddUtf8(bdesc)
		if err != nil {
			return n, err
		}
		c.Methods = append(c.Methods, &classfile.Member{Access: classfile.AccPrivate | classfile.AccStatic | classfile.AccSynthetic,
			NameIndex: ni, DescIndex: di, Attributes: []classfile.Attribute{&classfile.Code{MaxStack: uint16(maxLocals + 2),
				MaxLocals: uint16(maxLocals), Code: code}}})
		mr, err := pool.AddMethodref(c.Name(), bname, bdesc)
		if err != nil {
			return n, err
		}
		// pool.Entries may have grown: take the entry again.
		e = &pool.Entries[i]
		e.Kind, e.A = classfile.RefInvokeStatic, mr
		*notes = append(*notes, where+": through the checked bridge "+bname+bdesc)
		n++
	}
	return n, nil
}

// guardedHandles describes the MethodHandle constants bridgeHandles would
// point at a bridge, without changing c.
func (s *Service) guardedHandles(c *classfile.Class) []string {
	var out []string
	pool := &c.Pool
	for i := 1; i < len(pool.Entries); i++ {
		e := &pool.Entries[i]
		if e.Tag != classfile.TagMethodHandle {
			continue
		}
		if ref := pool.Get(e.A); ref == nil || ref.Tag != classfile.TagMethodref && ref.Tag != classfile.TagInterfaceMethodref {
			continue
		}
		owner, name, desc := pool.MemberRef(e.A)
		if owner == c.Name() {
			continue
		}
		for _, g := range s.Policy.Guards {
			if g.MatchesMethod(owner, name, desc) {
				out = append(out, fmt.Sprintf("method reference #%d to %s.%s%s: %s on %s through a checked bridge (guard line %d)",
					i, owner, name, desc, g.Permission, g.Resource, g.Pos.Line))
				break
			}
		}
	}
	return out
}

// retType is a method descriptor's return type.
func retType(desc string) string {
	for i := len(desc) - 1; i >= 0; i-- {
		if desc[i] == ')' {
			return desc[i+1:]
		}
	}
	return "V"
}

// bridgeCode is the body of a bridge: load every parameter, make the call
// (new and dup first for a constructor), return its result.
func bridgeCode(pool *classfile.ConstantPool, op bytecode.Opcode, ref uint16, owner string, params []string, ret string) ([]byte, int, error) {
	var b []byte
	u2 := func(v uint16) { b = binary.BigEndian.AppendUint16(b, v) }
	if op == bytecode.Invokespecial {
		ci, err := pool.AddClass(owner)
		if err != nil {
			return nil, 0, err
		}
		b = append(b, byte(bytecode.New))
		u2(ci)
		b = append(b, byte(bytecode.Dup))
	}
	slot, words := 0, 0
	for _, p := range params {
		ld, _, n := slotOps(p)
		if slot > 255 {
			return nil, 0, fmt.Errorf("bridge to %s: more than 255 parameter slots", owner)
		}
		b = append(b, byte(ld), byte(slot))
		slot += n
		words += n
	}
	b = append(b, byte(op))
	u2(ref)
	if op == bytecode.Invokeinterface {
		b = append(b, byte(words), 0)
	}
	switch ret[0] {
	case 'V':
		b = append(b, byte(bytecode.Return))
	case 'J':
		b = append(b, byte(bytecode.Lreturn))
	case 'D':
		b = append(b, byte(bytecode.Dreturn))
	case 'F':
		b = append(b, byte(bytecode.Freturn))
	case 'L', '[':
		b = append(b, byte(bytecode.Areturn))
	default:
		b = append(b, byte(bytecode.Ireturn))
	}
	return b, slot, nil
}

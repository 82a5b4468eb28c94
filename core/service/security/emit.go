package security

import (
	"fmt"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/policy"
	"dvmlab/core/runtime"
)

// emitter builds the inserted code of one method.
type emitter struct {
	c    *classfile.Class
	pool *classfile.ConstantPool
	base int // the first local the original code does not use
}

func (e *emitter) ref(name, desc string) (*bytecode.Insn, error) {
	i, err := e.pool.AddMethodref(runtime.Security, name, desc)
	if err != nil {
		return nil, err
	}
	return &bytecode.Insn{Op: bytecode.Invokestatic, Index: int(i)}, nil
}

func (e *emitter) str(s string) (*bytecode.Insn, error) {
	i, err := e.pool.AddString(s)
	if err != nil {
		return nil, err
	}
	return bytecode.LoadConstant(i), nil
}

// subject pushes the calling class: a Class constant (JVMS §4.4.1, ldc of a
// class from version 49), or its name below that, which the manager
// resolves once.
func (e *emitter) subject() (*bytecode.Insn, error) {
	if e.c.Major >= 49 {
		return bytecode.LoadConstant(e.c.This), nil
	}
	return e.str(e.c.Name())
}

// slotOps is the load and store of a field type.
func slotOps(t string) (load, store bytecode.Opcode, size int) {
	switch t[0] {
	case 'J':
		return bytecode.Lload, bytecode.Lstore, 2
	case 'D':
		return bytecode.Dload, bytecode.Dstore, 2
	case 'F':
		return bytecode.Fload, bytecode.Fstore, 1
	case 'L', '[':
		return bytecode.Aload, bytecode.Astore, 1
	}
	return bytecode.Iload, bytecode.Istore, 1
}

// toObject converts a primitive on the stack to its String form, which is
// how the manager names exit statuses, ports and the like.
func (e *emitter) toObject(t string) ([]*bytecode.Insn, error) {
	var d string
	switch t[0] {
	case 'L', '[':
		return nil, nil
	case 'J':
		d = "(J)Ljava/lang/String;"
	case 'D':
		d = "(D)Ljava/lang/String;"
	case 'F':
		d = "(F)Ljava/lang/String;"
	case 'Z':
		d = "(Z)Ljava/lang/String;"
	case 'C':
		d = "(C)Ljava/lang/String;"
	default:
		d = "(I)Ljava/lang/String;"
	}
	i, err := e.pool.AddMethodref("java/lang/String", "valueOf", d)
	if err != nil {
		return nil, err
	}
	return []*bytecode.Insn{{Op: bytecode.Invokestatic, Index: int(i)}}, nil
}

// spill stores the call's arguments (last first) in fresh locals and
// returns the code, the loads that put them back, and each argument's slot.
func (e *emitter) spill(args []string) (store, reload []*bytecode.Insn, slots []int) {
	slots = make([]int, len(args))
	next := e.base
	for i, t := range args {
		slots[i] = next
		_, _, n := slotOps(t)
		next += n
	}
	for i := len(args) - 1; i >= 0; i-- {
		_, st, _ := slotOps(args[i])
		store = append(store, &bytecode.Insn{Op: st, Index: slots[i]})
	}
	for i, t := range args {
		ld, _, _ := slotOps(t)
		reload = append(reload, &bytecode.Insn{Op: ld, Index: slots[i]})
	}
	return store, reload, slots
}

// checkCall is the tail of a check: permission, kind, subject, call.
func (e *emitter) checkCall(g *policy.Guard) ([]*bytecode.Insn, error) {
	perm, err := e.str(g.Permission)
	if err != nil {
		return nil, err
	}
	kind, err := e.str(g.Resource.Kind)
	if err != nil {
		return nil, err
	}
	sub, err := e.subject()
	if err != nil {
		return nil, err
	}
	call, err := e.ref("check", checkDesc)
	if err != nil {
		return nil, err
	}
	return []*bytecode.Insn{perm, kind, sub, call}, nil
}

// site inserts what action a needs around the call at in; it returns the
// number of checks inserted.
func (e *emitter) site(ed *bytecode.Editor, in *bytecode.Instruction, a *action, owner, name, desc string) (int, error) {
	args := policy.ArgTypes(desc)
	var before, after []*bytecode.Insn
	inserted := 0
	// Arguments go to locals whenever the check or the record needs one
	// that is not on top of the stack.
	needSpill := a.register || a.reflect == "invoke" || a.reflect == "new" ||
		a.guard != nil && a.guard.Resource.Arg != policy.Constant && len(args) > 0
	// The common case, the resource is the last argument and one slot
	// wide (System.getProperty(key), System.exit(status)): dup it.
	topArg := a.guard != nil && !needSpillBut(a) && a.guard.Resource.Arg == len(args)-1 && len(args) > 0
	if topArg {
		if _, _, n := slotOps(args[len(args)-1]); n == 1 {
			needSpill = false
		} else {
			topArg = false
		}
	}
	var store, reload []*bytecode.Insn
	var slots []int
	if needSpill && len(args) > 0 {
		store, reload, slots = e.spill(args)
		before = append(before, store...)
	}
	if g := a.guard; g != nil {
		var push []*bytecode.Insn
		switch w := g.Resource; {
		case w.Arg == policy.Constant:
			c, err := e.str(w.Const)
			if err != nil {
				return 0, err
			}
			push = append(push, c)
		case w.Arg == policy.Receiver:
			// Every argument is in a local: the receiver is on top.
			push = append(push, &bytecode.Insn{Op: bytecode.Dup})
		case topArg:
			push = append(push, &bytecode.Insn{Op: bytecode.Dup})
			conv, err := e.toObject(args[w.Arg])
			if err != nil {
				return 0, err
			}
			push = append(push, conv...)
		default:
			ld, _, _ := slotOps(args[w.Arg])
			push = append(push, &bytecode.Insn{Op: ld, Index: slots[w.Arg]})
			conv, err := e.toObject(args[w.Arg])
			if err != nil {
				return 0, err
			}
			push = append(push, conv...)
		}
		tail, err := e.checkCall(g)
		if err != nil {
			return 0, err
		}
		before = append(append(before, push...), tail...)
		inserted++
	}
	switch a.reflect {
	case "invoke", "new":
		// The Method or Constructor is on top once its arguments are in
		// locals; the manager sees it with them.
		before = append(before, &bytecode.Insn{Op: bytecode.Dup})
		for i := range args {
			before = append(before, &bytecode.Insn{Op: bytecode.Aload, Index: slots[i]})
		}
		sub, err := e.subject()
		if err != nil {
			return 0, err
		}
		d := invokeDesc
		n := "checkInvoke"
		if a.reflect == "new" {
			d, n = newInstDesc, "checkNew"
		}
		call, err := e.ref(n, d)
		if err != nil {
			return 0, err
		}
		before = append(before, sub, call)
		inserted++
	case "":
	default:
		// A method-handle lookup: the manager's version takes the Lookup,
		// the same arguments and the caller, and returns the handle,
		// wrapped with its check when the target is guarded.
		sub, err := e.subject()
		if err != nil {
			return 0, err
		}
		rdesc := "(L" + lookupClass + ";" + desc[1:len(desc)-len(handleResult)-1] + "Ljava/lang/Object;)" + handleResult
		call, err := e.ref(a.reflect, rdesc)
		if err != nil {
			return 0, err
		}
		if err := ed.Replace(in.Offset, append(append(before, reload...), sub, call)...); err != nil {
			return 0, err
		}
		return inserted + 1, nil
	}
	before = append(before, reload...)
	if a.register {
		// The object made (constructor) or returned (method) is on top
		// after the call; the manager records what it was made from.
		ld, _, _ := slotOps(args[a.regArg])
		rec, err := e.ref("opened", openedDesc)
		if err != nil {
			return 0, err
		}
		after = append(after, &bytecode.Insn{Op: bytecode.Dup}, &bytecode.Insn{Op: ld, Index: slots[a.regArg]}, rec)
	}
	if len(before) > 0 {
		if err := ed.InsertBefore(in.Offset, before...); err != nil {
			return 0, err
		}
	}
	if len(after) > 0 {
		if err := ed.InsertAfter(in.Offset, after...); err != nil {
			return 0, err
		}
	}
	return inserted, nil
}

// needSpillBut reports whether a needs its arguments in locals for
// something other than its check.
func needSpillBut(a *action) bool { return a.register || a.reflect != "" }

// entry is the check at the start of a guarded method the class declares:
// its resource comes from the method's own parameters.
func (e *emitter) entry(m *classfile.Member, g *policy.Guard) ([]*bytecode.Insn, error) {
	var push []*bytecode.Insn
	desc := e.c.MemberDesc(m)
	args := policy.ArgTypes(desc)
	static := m.Access.Has(classfile.AccStatic)
	switch w := g.Resource; {
	case w.Arg == policy.Constant:
		c, err := e.str(w.Const)
		if err != nil {
			return nil, err
		}
		push = append(push, c)
	case w.Arg == policy.Receiver:
		push = append(push, &bytecode.Insn{Op: bytecode.Aload, Index: 0})
	default:
		if w.Arg >= len(args) {
			return nil, fmt.Errorf("guard line %d: resource %s: the method takes %d argument(s)", g.Pos.Line, w, len(args))
		}
		slot := 0
		if !static {
			slot = 1
		}
		for _, t := range args[:w.Arg] {
			_, _, n := slotOps(t)
			slot += n
		}
		ld, _, _ := slotOps(args[w.Arg])
		push = append(push, &bytecode.Insn{Op: ld, Index: slot})
		conv, err := e.toObject(args[w.Arg])
		if err != nil {
			return nil, err
		}
		push = append(push, conv...)
	}
	tail, err := e.checkCall(g)
	if err != nil {
		return nil, err
	}
	return append(push, tail...), nil
}

package monitor

import (
	"fmt"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
)

// Probe descriptors: every probe passes its class's method table (a string
// constant, resolved once per class and the same object ever after) and the
// method's index in it, so the client names a method by a pointer and an
// int, and learns every method of a class the first time one runs.
const (
	probeDesc = "(Ljava/lang/String;I)V"
	// maxTable bounds a table's length in bytes, well inside a CONSTANT_Utf8's
	// 65,535 bytes of modified UTF-8 (JVMS §4.4.7), which may spend up to
	// 6 bytes where UTF-8 spends 4 and 2 on a NUL.
	maxTable = 40000
)

// Tables splits the names (name + descriptor) of a class's methods into
// method tables: the class name, then one method per line. A class whose
// names do not fit one constant gets several tables; the client joins them
// by class name. It returns the tables and, per method, its table and line.
func Tables(class string, methods []string) (tables []string, at [][2]int) {
	var cur []string
	size := len(class)
	flush := func() {
		if len(cur) > 0 {
			tables = append(tables, class+"\n"+strings.Join(cur, "\n"))
			cur, size = nil, len(class)
		}
	}
	for _, m := range methods {
		if size+1+len(m) > maxTable {
			flush()
		}
		at = append(at, [2]int{len(tables), len(cur)})
		cur = append(cur, m)
		size += 1 + len(m)
	}
	flush()
	return tables, at
}

// Instrument inserts, into every method of c the spec selects, a call to
// rt.enter at entry, rt.exit before every return, and a catch-anything
// guard that calls rt.unwind and rethrows the exception (JVMS §4.7.3's
// exception table; the guard comes last, so the method's own handlers see
// their exceptions first). In a constructor the guard starts after the
// super() or this() call (see bytecode.Editor.GuardFrom); a constructor
// with more than one such call (no javac output has two) gets no guard,
// and the report says so.
func Instrument(ctx *service.Context, c *classfile.Class, spec *Spec, rt string) (service.Report, error) {
	var rep service.Report
	name := c.Name()
	if runtime.IsRuntimeClass(name) {
		rep.Notes = append(rep.Notes, "runtime class: not instrumented")
		return rep, nil
	}
	if !spec.Class(name) {
		rep.Notes = append(rep.Notes, "not in the audit specification")
		return rep, nil
	}
	var ms []*classfile.Member
	var names []string
	for _, m := range c.Methods {
		if m.Code() == nil || !spec.Method(name, c.MemberName(m), c.MemberDesc(m)) {
			continue
		}
		ms = append(ms, m)
		names = append(names, c.MemberName(m)+c.MemberDesc(m))
	}
	if len(ms) == 0 {
		return rep, nil
	}
	pool := &c.Pool
	tables, at := Tables(name, names)
	consts := make([]uint16, len(tables))
	for i, t := range tables {
		idx, err := pool.AddString(t)
		if err != nil {
			return rep, fmt.Errorf("method table: %w", err)
		}
		consts[i] = idx
	}
	var refs [3]uint16
	for i, hook := range []string{"enter", "exit", "unwind"} {
		r, err := pool.AddMethodref(rt, hook, probeDesc)
		if err != nil {
			return rep, err
		}
		refs[i] = r
	}
	probe := func(k int, hook int) ([]*bytecode.Insn, error) {
		push, err := bytecode.PushInt(pool, at[k][1])
		if err != nil {
			return nil, err
		}
		return []*bytecode.Insn{bytecode.LoadConstant(consts[at[k][0]]), push,
			{Op: bytecode.Invokestatic, Index: int(refs[hook])}}, nil
	}
	for k, m := range ms {
		ed, err := bytecode.NewEditor(c, m)
		if err != nil {
			return rep, err
		}
		enter, err := probe(k, 0)
		if err != nil {
			return rep, err
		}
		ed.Prepend(enter...)
		rep.Inserted++
		for _, in := range ed.Original {
			if !in.Op.IsReturn() {
				continue
			}
			exit, err := probe(k, 1)
			if err != nil {
				return rep, err
			}
			if err := ed.InsertBefore(in.Offset, exit...); err != nil {
				return rep, err
			}
			rep.Inserted++
		}
		unwind, err := probe(k, 2)
		if err != nil {
			return rep, err
		}
		if c.MemberName(m) == "<init>" {
			from, err := afterSuper(ctx, c, m, ed.Original)
			if err != nil {
				return rep, err
			}
			if from < 0 {
				rep.Notes = append(rep.Notes, fmt.Sprintf("%s%s: no single super() or this() call: exits by exception not reported",
					c.MemberName(m), c.MemberDesc(m)))
			} else if err := ed.GuardFrom(from, unwind...); err != nil {
				return rep, err
			} else {
				rep.Inserted++
			}
		} else {
			ed.Guard(unwind...)
			rep.Inserted++
		}
		if _, err := ed.Commit(ctx.Frames(c)); err != nil {
			return rep, err
		}
		ctx.Recomputed(m)
	}
	return rep, nil
}

// afterSuper is the offset of the instruction after a constructor's one
// call to a constructor of its own object (super() or this()): an
// invokespecial <init> whose receiver, below its arguments' slots, is
// uninitializedThis (JVMS §4.10.1.9, invokespecial). Other objects may be
// built in super()'s arguments, with uninitializedThis deeper on the stack.
// -1 when there is not exactly one, or nothing follows it.
func afterSuper(ctx *service.Context, c *classfile.Class, m *classfile.Member, insns []bytecode.Instruction) (int, error) {
	isInit := func(in bytecode.Instruction) bool {
		if in.Op != bytecode.Invokespecial {
			return false
		}
		_, n, _ := c.Pool.MemberRef(uint16(in.Index))
		return n == "<init>"
	}
	stacks, err := bytecode.Stacks(c, m, ctx.Hierarchy, isInit)
	if err != nil {
		return -1, err
	}
	found := -1
	for i, in := range insns {
		st, ok := stacks[in.Offset]
		if !ok || !isInit(in) {
			continue
		}
		_, _, desc := c.Pool.MemberRef(uint16(in.Index))
		args, _, err := classfile.ArgSlots(desc)
		if err != nil {
			return -1, err
		}
		if r := len(st) - 1 - args; r < 0 || st[r].Kind != bytecode.KUninitThis {
			continue
		}
		if found >= 0 || i+1 >= len(insns) {
			return -1, nil
		}
		found = insns[i+1].Offset
	}
	return found, nil
}

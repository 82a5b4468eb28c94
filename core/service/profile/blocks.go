package profile

import (
	"fmt"
	"strconv"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/core/service/coverage"
	"dvmlab/core/service/monitor"
)

// blocksDesc is Profile.blocks: a method's table and index (as the enter
// probe passes them) and its blocks' ranges, giving the method's array of
// block flags.
const blocksDesc = "(Ljava/lang/String;ILjava/lang/String;)[Z"

// maxRanges bounds a method's ranges constant, as monitor bounds its
// tables, inside a CONSTANT_Utf8's 65,535 bytes (JVMS §4.4.7).
const maxRanges = 40000

// Ranges is the text of a method's blocks as the client reports them:
// "FIRST-LAST" per block, the offsets of its first and last instruction in
// the class as it came, separated by spaces.
func Ranges(bs []coverage.Block) string {
	var sb strings.Builder
	for i, b := range bs {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(b.Offset))
		sb.WriteByte('-')
		sb.WriteString(strconv.Itoa(b.Last))
	}
	return sb.String()
}

// Prepare implements service.Preparer: the block probes go into the class
// as it came, before any service of the pipeline inserts code, so that the
// blocks are the coverage service's blocks of the original class (see
// coverage.Blocks) with their original offsets. At entry each profiled
// method asks Profile.blocks once for its array of flags and keeps it in a
// new local; each block then stores true in its element (JVMS §6.5
// bastore): a store per block, no call.
func (s *Service) Prepare(ctx *service.Context, c *classfile.Class) (service.Report, error) {
	var rep service.Report
	name := c.Name()
	if runtime.IsRuntimeClass(name) || !s.Spec.Class(name) {
		return rep, nil
	}
	var ms []*classfile.Member
	var names []string
	for _, m := range c.Methods {
		if m.Code() == nil || !s.Spec.Method(name, c.MemberName(m), c.MemberDesc(m)) {
			continue
		}
		ms = append(ms, m)
		names = append(names, c.MemberName(m)+c.MemberDesc(m))
	}
	if len(ms) == 0 {
		return rep, nil
	}
	all, err := coverage.Blocks(c)
	if err != nil {
		return rep, err
	}
	byMethod := map[string][]coverage.Block{}
	for _, b := range all {
		byMethod[b.Method] = append(byMethod[b.Method], b)
	}
	pool := &c.Pool
	// The same tables as the enter probe's (monitor.Instrument), so the
	// client knows a method by one name whichever probe names it.
	tables, at := monitor.Tables(name, names)
	consts := make([]uint16, len(tables))
	for i, t := range tables {
		if consts[i], err = pool.AddString(t); err != nil {
			return rep, fmt.Errorf("method table: %w", err)
		}
	}
	ref, err := pool.AddMethodref(runtime.Profile, "blocks", blocksDesc)
	if err != nil {
		return rep, err
	}
	for k, m := range ms {
		bs := byMethod[names[k]]
		if len(bs) == 0 {
			continue
		}
		ranges := Ranges(bs)
		if len(ranges) > maxRanges {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s: %d blocks, too many to name in one constant: blocks not profiled", names[k], len(bs)))
			continue
		}
		rc, err := pool.AddString(ranges)
		if err != nil {
			return rep, err
		}
		index, err := bytecode.PushInt(pool, at[k][1])
		if err != nil {
			return rep, err
		}
		ed, err := bytecode.NewEditor(c, m)
		if err != nil {
			return rep, err
		}
		local := int(m.Code().MaxLocals)
		wide := local > 255
		ed.Prepend(bytecode.LoadConstant(consts[at[k][0]]), index, bytecode.LoadConstant(rc),
			&bytecode.Insn{Op: bytecode.Invokestatic, Index: int(ref)}, &bytecode.Insn{Op: bytecode.Astore, Index: local, Wide: wide})
		for j, b := range bs {
			push, err := bytecode.PushInt(pool, j)
			if err != nil {
				return rep, err
			}
			if err := ed.InsertBefore(b.Offset, &bytecode.Insn{Op: bytecode.Aload, Index: local, Wide: wide}, push,
				&bytecode.Insn{Op: bytecode.Iconst1}, &bytecode.Insn{Op: bytecode.Bastore}); err != nil {
				return rep, err
			}
		}
		if _, err := ed.Commit(ctx.Frames(c)); err != nil {
			return rep, err
		}
		ctx.Recomputed(m)
		rep.Inserted += len(bs)
	}
	return rep, nil
}

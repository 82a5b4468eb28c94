// Package coverage is the DVM's instruction-level profiling service (paper
// §3.3): a counter probe at the start of every basic block, calling the
// client runtime's dvmlab.runtime.Coverage.hit(class, block). Blocks are
// numbered in method order, then offset order, of the original class, so the
// counts map back to code without any side table.
package coverage

import (
	"fmt"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
)

// Name is the service's name in pipelines.
const Name = "coverage"

func init() {
	service.Register(Name, func(config string) (service.Service, error) {
		if config != "" {
			return nil, fmt.Errorf("takes no configuration, got %q", config)
		}
		return Service{}, nil
	})
}

// Service inserts the probes.
type Service struct{}

// Name implements service.Service.
func (Service) Name() string { return Name }

// Block is one probe site: its number and where it sits in the original class.
type Block struct {
	ID     int
	Method string // name + descriptor
	Offset int
	Last   int // the offset of the block's last instruction
}

// Blocks lists the probe sites of a class in numbering order; it is what the
// workbench uses to map a coverage file back to code.
func Blocks(c *classfile.Class) ([]Block, error) {
	var out []Block
	for _, m := range c.Methods {
		code := m.Code()
		if code == nil {
			continue
		}
		insns, err := bytecode.Decode(code.Code)
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", c.MemberName(m), c.MemberDesc(m), err)
		}
		starts, err := bytecode.BlockStarts(code, insns)
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", c.MemberName(m), c.MemberDesc(m), err)
		}
		next := 0
		for i, off := range starts {
			end := len(code.Code)
			if i+1 < len(starts) {
				end = starts[i+1]
			}
			last := off
			for next < len(insns) && insns[next].Offset < end {
				if insns[next].Offset >= off {
					last = insns[next].Offset
				}
				next++
			}
			out = append(out, Block{ID: len(out), Method: c.MemberName(m) + c.MemberDesc(m), Offset: off, Last: last})
		}
	}
	return out, nil
}

// Apply implements service.Service.
func (Service) Apply(ctx *service.Context, c *classfile.Class) (service.Report, error) {
	var rep service.Report
	if runtime.IsRuntimeClass(c.Name()) {
		rep.Notes = append(rep.Notes, "runtime class: not instrumented")
		return rep, nil
	}
	blocks, err := Blocks(c)
	if err != nil {
		return rep, err
	}
	if len(blocks) == 0 {
		return rep, nil
	}
	pool := &c.Pool
	cls, err := pool.AddString(c.Name())
	if err != nil {
		return rep, err
	}
	hit, err := pool.AddMethodref(runtime.Coverage, "hit", "(Ljava/lang/String;I)V")
	if err != nil {
		return rep, err
	}
	next := 0
	for _, m := range c.Methods {
		if m.Code() == nil {
			continue
		}
		ed, err := bytecode.NewEditor(c, m)
		if err != nil {
			return rep, err
		}
		for next < len(blocks) && blocks[next].Method == c.MemberName(m)+c.MemberDesc(m) {
			b := blocks[next]
			push, err := bytecode.PushInt(pool, b.ID)
			if err != nil {
				return rep, err
			}
			if err := ed.InsertBefore(b.Offset, bytecode.LoadConstant(cls), push, &bytecode.Insn{Op: bytecode.Invokestatic, Index: int(hit)}); err != nil {
				return rep, err
			}
			next++
		}
		if _, err := ed.Commit(ctx.Frames(c)); err != nil {
			return rep, err
		}
		ctx.Recomputed(m)
	}
	rep.Inserted = len(blocks)
	return rep, nil
}

package amd64

import (
	"fmt"
	"sort"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// An array that a method only reads, several times, without pinning it
// (the method makes JNI calls) is copied into a buffer in the frame with
// one Get<Type>ArrayRegion at its first read, and read from there after:
// sunflow's PerlinScalar.snoise reads its permutation table p fourteen
// times and each gradient row three times, a region call each. A read of
// a non-volatile element may see an earlier value when no write of it and
// no synchronization lies in between (JLS §17.4, as native.HoistFieldReads
// relies on): the method writes no array of the element type (so no other
// name of the array either), and the buffer is dropped at every call, at
// every volatile field access and class initialization, which may write it
// or synchronize (dropsBuffers), and
// when the array's name takes a new value (a row read in a loop). An array
// longer than the buffer is read element by element as before.
type buffer struct {
	array *ir.Value
	elem  byte
	state int // frame offset of the state word: 0 empty, 1 filled, 2 too long
	base  int // frame offset of the buffer's first byte
	size  int // bytes
}

const (
	rowBufferBytes   = 64   // a row of a reference array: a vector's few elements
	arrayBufferBytes = 2048 // an int[512] or double[256]
	maxBuffers       = 16
)

// findBuffers picks the arrays to buffer: read at least twice, outside any
// stretch that pins them, in a method that stores into no array of their
// element type.
func findBuffers(f *ir.Func, s *stretches) []*buffer {
	reads := map[*ir.Value]int{}
	elem := map[*ir.Value]byte{}
	stored := map[byte]bool{}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			switch v.Op {
			case ir.OpArrayStore:
				stored[byte(v.AuxInt)] = true
			case ir.OpArrayLoad:
				if s != nil && s.inStretch(v) {
					continue
				}
				reads[v.Args[0]]++
				elem[v.Args[0]] = byte(v.AuxInt)
			}
		}
	}
	var out []*buffer
	for a, n := range reads {
		if n < 2 || stored[elem[a]] || a.Type != ir.Array {
			continue
		}
		size := arrayBufferBytes
		if a.Op == ir.OpObjArrayLoad {
			size = rowBufferBytes
		}
		out = append(out, &buffer{array: a, elem: elem[a], size: size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].array.ID < out[j].array.ID })
	if len(out) > maxBuffers {
		out = out[:maxBuffers]
	}
	return out
}

// bufferSlots lays the buffers out in the frame from offset first.
func (g *gen) bufferSlots(first int) {
	g.buffers = map[*ir.Value]*buffer{}
	for _, bf := range g.bufferList {
		bf.state = first
		bf.base = first + bf.size
		first += bf.size + 8
		g.a.slots += (bf.size + 8) / 8
		g.buffers[bf.array] = bf
	}
}

// dropBuffers empties every buffer (at the entry, after a call).
func (g *gen) dropBuffers() {
	for _, bf := range g.bufferList {
		g.ins("mov DWORD PTR [rbp-%d], 0", bf.state)
	}
}

// dropsBuffers reports whether v may write an array or synchronize: a
// call, a volatile field, and what may initialize another class (JVMS
// §5.5: its static initializer runs, under the class's initialization
// lock): new, and a static field of another class.
func dropsBuffers(v *ir.Value, class string) bool {
	switch v.Op {
	case ir.OpCall, ir.OpNew:
		return true
	case ir.OpInvoke:
		return !native.Intrinsic(v)
	case ir.OpGetStatic, ir.OpPutStatic:
		return v.Sym.Volatile || v.Sym.Owner != class
	case ir.OpGetField, ir.OpPutField:
		return v.Sym.Volatile
	}
	return false
}

// bufferedLoad reads element v.Args[1] of a buffered array: from the
// buffer, filled first if empty, or by a region call when the array is
// longer than the buffer.
func (g *gen) bufferedLoad(v *ir.Value, bf *buffer) {
	have, slow, done, long := g.label(), g.label(), g.label(), g.label()
	n := scale[bf.elem]
	g.ins("cmp DWORD PTR [rbp-%d], 0", bf.state)
	g.ins("jne %s", have)
	if l := lengthOf(v); l != nil {
		g.ldg(rCX, l)
	} else {
		g.ldg(rSI, bf.array)
		g.jni(jniGetArrayLength)
		g.ins("mov ecx, eax")
	}
	g.ins("cmp ecx, %d", bf.size/n)
	g.ins("ja %s", long)
	g.ldg(rSI, bf.array)
	g.ins("xor edx, edx")
	g.ins("lea r8, [rbp-%d]", bf.base)
	g.jni(jniGetArrayRegion + elemIndex(bf.elem))
	g.ins("mov DWORD PTR [rbp-%d], 1", bf.state)
	g.ins("jmp %s", have)
	fmt.Fprintf(&g.out, "%s:\n", long)
	g.ins("mov DWORD PTR [rbp-%d], 2", bf.state)
	fmt.Fprintf(&g.out, "%s:\n", have)
	g.ins("cmp DWORD PTR [rbp-%d], 1", bf.state)
	g.ins("jne %s", slow)
	g.ldg(rDX, v.Args[1]) // checked: 0 <= i < length <= the buffer's elements
	g.ins("lea rax, [rbp-%d]", bf.base)
	g.loadAt(v, bf.elem)
	g.ins("jmp %s", done)
	fmt.Fprintf(&g.out, "%s:\n", slow)
	g.arrayAccess(v)
	fmt.Fprintf(&g.out, "%s:\n", done)
}

// lengthOf finds the array's length the read was checked against: the
// bounds check on its index just before it in its block.
func lengthOf(v *ir.Value) *ir.Value {
	if v.Op != ir.OpArrayLoad {
		return nil
	}
	b := v.Block
	for i := len(b.Values) - 1; i >= 0; i-- {
		if b.Values[i] != v {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			w := b.Values[j]
			if w.Op == ir.OpBoundsCheck && w.Args[0] == v.Args[1] {
				if l := w.Args[1]; l.Op == ir.OpArrayLen && l.Args[0] == v.Args[0] {
					return l
				}
				return nil
			}
		}
	}
	return nil
}

package classfile

import (
	"bytes"
	"fmt"
	"unsafe"
)

// Write serializes c. A class that Parse returned and nobody changed comes out
// byte-identical; attributes built in code (NameIndex 0) get their names
// interned, appended to the pool. See JVMS §4.1.
func (c *Class) Write() ([]byte, error) {
	return c.AppendTo(make([]byte, 0, 4096))
}

// AppendTo appends the serialized class to dst. When the room after dst's
// length lies in the bytes c was parsed from, which the writer copies texts
// and code from, dst is first moved to a buffer of its own.
func (c *Class) AppendTo(dst []byte) ([]byte, error) {
	if overlaps(dst[len(dst):cap(dst)], c.data) {
		dst = append(make([]byte, 0, len(dst)+len(c.data)+len(c.data)/4), dst...)
	}
	w := writer{c: c}
	// Names of new attributes must be in the pool before the pool is written.
	if err := w.internNames(); err != nil {
		return nil, err
	}
	w.b = dst
	w.u4(Magic)
	w.u2(c.Minor)
	w.u2(c.Major)
	w.pool()
	w.u2(uint16(c.Access))
	w.u2(c.This)
	w.u2(c.Super)
	w.u2s("interfaces", c.Interfaces)
	w.members("fields", c.Fields)
	w.members("methods", c.Methods)
	w.attributes(c.Attributes)
	if w.err != nil {
		return nil, fmt.Errorf("write %s: %w", c.Name(), w.err)
	}
	return w.b, nil
}

// overlaps reports whether a and b share memory.
func overlaps(a, b []byte) bool {
	if cap(a) == 0 || len(b) == 0 {
		return false
	}
	a0, b0 := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(len(b)) && b0 < a0+uintptr(cap(a))
}

type writer struct {
	c   *Class
	b   []byte
	err error
}

// u1, u2 and u4 append big-endian numbers. They append to w.b in place
// (w.b = append(w.b, ...)), which stores only the new length while the
// buffer has room: a store of the whole slice, as through a helper that
// returns it, would pass a write barrier every time the collector runs.
func (w *writer) u1(v uint8)  { w.b = append(w.b, v) }
func (w *writer) u2(v uint16) { w.b = append(w.b, byte(v>>8), byte(v)) }
func (w *writer) u4(v uint32) { w.b = append(w.b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v)) }

func (w *writer) count(what string, n int) {
	if n > 0xFFFF && w.err == nil {
		w.err = fmt.Errorf("%s: %d entries do not fit in a u2 count", what, n)
	}
	w.u2(uint16(n))
}

func (w *writer) count1(what string, n int) {
	if n > 0xFF && w.err == nil {
		w.err = fmt.Errorf("%s: %d entries do not fit in a u1 count", what, n)
	}
	w.u1(uint8(n))
}

func (w *writer) u2s(what string, v []uint16) {
	w.count(what, len(v))
	for _, x := range v {
		w.u2(x)
	}
}

func (w *writer) members(what string, ms []*Member) {
	w.count(what, len(ms))
	for _, m := range ms {
		w.u2(uint16(m.Access))
		w.u2(m.NameIndex)
		w.u2(m.DescIndex)
		w.attributes(m.Attributes)
	}
}

// Equal reports whether writing c gives exactly data; a convenience for
// round-trip checks.
func (c *Class) Equal(data []byte) bool {
	out, err := c.Write()
	return err == nil && bytes.Equal(out, data)
}

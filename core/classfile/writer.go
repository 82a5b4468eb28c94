package classfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Write serializes c. A class that Parse returned and nobody changed comes out
// byte-identical; attributes built in code (NameIndex 0) get their names
// interned, appended to the pool. See JVMS §4.1.
func (c *Class) Write() ([]byte, error) {
	return c.AppendTo(make([]byte, 0, 4096))
}

// AppendTo appends the serialized class to dst.
func (c *Class) AppendTo(dst []byte) ([]byte, error) {
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

type writer struct {
	c   *Class
	b   []byte
	err error
}

func (w *writer) u1(v uint8)  { w.b = append(w.b, v) }
func (w *writer) u2(v uint16) { w.b = binary.BigEndian.AppendUint16(w.b, v) }
func (w *writer) u4(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }

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

package classfile

import (
	"encoding/binary"
	"fmt"
	"strings"

	"dvmlab/internal/slab"
)

// FormatError reports malformed class-file input: the byte offset where the
// problem was found, the structure being read and why.
type FormatError struct {
	Offset int
	Where  string
	Msg    string
	// trailing: the structure was complete before the end of its body.
	trailing bool
}

func (e *FormatError) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("class file offset %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("class file offset %d: %s: %s", e.Offset, e.Where, e.Msg)
}

// location is where an attribute appears; it decides which attribute names
// are interpreted. See JVMS §4.7, Table 4.7-C.
type location uint8

const (
	locClass location = iota
	locField
	locMethod
	locCode
	locRecordComponent
)

var locationNames = [...]string{"class", "field", "method", "Code", "record component"}

// reader is a bounds-checked cursor over the class bytes. Errors are sticky:
// after the first one every read returns zero, so parsing code stays linear
// and checks once per structure.
//
// The reader carries the context its errors name (what, idx, attr) itself
// rather than asking the parser for it: a pointer back to the parser would
// move the parser, with its slabs, to the heap, and make every store into
// it a write barrier while the collector runs.
type reader struct {
	b    []byte
	off  int
	base int // offset of b[0] in the whole class file, for error messages
	err  *FormatError
	what string // member kind being read, for error context
	idx  int    // member index
	attr string // attribute being read
}

func (r *reader) fail(format string, args ...any) {
	if r.err != nil {
		return
	}
	r.err = &FormatError{Offset: r.base + r.off, Where: r.context(), Msg: fmt.Sprintf(format, args...)}
	r.off = len(r.b)
}

func (r *reader) need(n int, what string) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || len(r.b)-r.off < n {
		r.fail("truncated %s: need %d bytes, %d left", what, n, len(r.b)-r.off)
		return false
	}
	return true
}

// short fails a read of n bytes there is no room for (unless an error is
// pending) and returns 0.
//
//go:noinline
func (r *reader) short(n int, what string) uint32 {
	r.need(n, what)
	return 0
}

// u1, u2 and u4 read big-endian numbers. Each is a fast path small enough
// to be inlined where the bytes are there and no error is pending, and a
// call to need otherwise.
func (r *reader) u1(what string) uint8 {
	if o := r.off; r.err == nil && uint(o) < uint(len(r.b)) {
		r.off = o + 1
		return r.b[o]
	}
	return uint8(r.short(1, what))
}

func (r *reader) u2(what string) uint16 {
	if o := r.off; r.err == nil && o >= 0 && o <= len(r.b)-2 {
		r.off = o + 2
		return uint16(r.b[o])<<8 | uint16(r.b[o+1])
	}
	return uint16(r.short(2, what))
}

func (r *reader) u4(what string) uint32 {
	if o := r.off; r.err == nil && o >= 0 && o <= len(r.b)-4 {
		r.off = o + 4
		return binary.BigEndian.Uint32(r.b[o:])
	}
	return r.short(4, what)
}

func (r *reader) bytes(n int, what string) []byte {
	if !r.need(n, what) {
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

// u16 is the big-endian u2 at b[i:], for tables whose size was checked
// before they are read.
func u16(b []byte, i int) uint16 { return uint16(b[i])<<8 | uint16(b[i+1]) }

// count reads a u2 count of items at least minSize bytes each, refusing counts
// the remaining input cannot hold so that absurd counts never allocate.
func (r *reader) count(minSize int, what string) int {
	n := int(r.u2(what))
	if r.err == nil && n*minSize > len(r.b)-r.off {
		r.fail("%s %d cannot fit in the %d bytes left", what, n, len(r.b)-r.off)
		return 0
	}
	return n
}

// u2s reads a u2 count followed by that many u2 values, into the class's
// slab of them.
func (p *parser) u2s(what string) []uint16 {
	r := &p.r
	n := r.count(2, what)
	if n == 0 {
		return nil
	}
	out := slab.Carve(&p.sl.u2s, n)
	for i := range out {
		out[i] = binary.BigEndian.Uint16(r.b[r.off:])
		r.off += 2
	}
	return out
}

// Parse reads a class file. The result is cut from data rather than copied
// from it: its constant pool's texts (the strings Utf8 entries hold, and
// every name and descriptor read from them), its code arrays and its raw
// attribute bodies are all slices of data. data must therefore stay as it
// is while the class or any string taken from it is in use; a caller that
// reuses the buffer must give Parse a copy. Every caller in this module
// parses a buffer of its own (a file read, a jar or jmod entry inflated, a
// message received) that nothing writes after. See JVMS §4.1.
func Parse(data []byte) (*Class, error) {
	p := parser{r: reader{b: data}}
	c := p.class()
	if p.r.err != nil {
		return nil, p.r.err
	}
	c.data = data
	return c, nil
}

type parser struct {
	r      reader
	c      *Class
	static bool // the field being read is static (the JVM reads ConstantValue only then)
	sl     slabs
	kinds  kindCache
}

func (p *parser) class() *Class {
	c := p.header()
	r := &p.r
	if r.err != nil {
		return nil
	}
	p.presize()
	c.Fields = p.members(locField)
	c.Methods = p.members(locMethod)
	r.what, r.idx = "", 0
	c.Attributes = p.attributes(locClass)
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d extra bytes after the end of the class", len(r.b)-r.off)
	}
	return c
}

// header reads everything before the fields: magic, versions, the constant
// pool, access flags, this and super, and the interfaces. See JVMS §4.1.
func (p *parser) header() *Class {
	r := &p.r
	c := &Class{}
	p.c = c
	if m := r.u4("magic"); r.err == nil && m != Magic {
		r.off -= 4
		r.fail("bad magic 0x%08X, want 0xCAFEBABE", m)
	}
	c.Minor = r.u2("minor_version")
	c.Major = r.u2("major_version")
	p.constantPool()
	c.Access = AccessFlags(r.u2("access_flags"))
	c.This = r.u2("this_class")
	c.Super = r.u2("super_class")
	r.what = "interfaces"
	c.Interfaces = p.u2s("interfaces_count")
	r.what = ""
	if r.err != nil {
		return c
	}
	if _, err := c.Pool.Lookup(c.This, TagClass); err != nil {
		r.off -= 4 + 2*len(c.Interfaces) + 2
		r.fail("this_class: %v", err)
	}
	return c
}

// context names the structure being read, for an error's Where.
func (r *reader) context() string {
	s := ""
	switch r.what {
	case "":
	case "constant pool", "field", "method":
		s = fmt.Sprintf("%s #%d", r.what, r.idx)
	default:
		s = r.what
	}
	if r.attr != "" {
		if s != "" {
			s += ", "
		}
		s += "attribute " + r.attr
	}
	return s
}

func (p *parser) members(loc location) []*Member {
	r := &p.r
	// The names errors give, as constants: a name built by concatenation
	// would be allocated on every call.
	var names [3]string
	if loc == locField {
		names = [3]string{"field", "fields", "fields_count"}
	} else {
		names = [3]string{"method", "methods", "methods_count"}
	}
	kind := names[0]
	r.what = names[1]
	n := r.count(8, names[2])
	if r.err != nil || n == 0 {
		return nil
	}
	out := slab.Carve(&p.sl.memberPtrs, n)
	ms := slab.Carve(&p.sl.members, n)
	r.what = kind
	for i := range out {
		r.idx = i
		m := &ms[i]
		m.Access = AccessFlags(r.u2("access_flags"))
		m.NameIndex = r.u2("name_index")
		m.DescIndex = r.u2("descriptor_index")
		if r.err != nil {
			return nil
		}
		// Both are Utf8 entries, as nearly always; Lookup says what else
		// they are.
		if e := p.c.Pool.Entries; int(m.NameIndex) >= len(e) || e[m.NameIndex].Tag != TagUtf8 ||
			int(m.DescIndex) >= len(e) || e[m.DescIndex].Tag != TagUtf8 {
			if _, err := p.c.Pool.Lookup(m.NameIndex, TagUtf8); err != nil {
				r.off -= 4
				r.fail("name_index: %v", err)
				return nil
			}
			_, err := p.c.Pool.Lookup(m.DescIndex, TagUtf8)
			r.off -= 2
			r.fail("descriptor_index: %v", err)
			return nil
		}
		p.static = m.Access.Has(AccStatic)
		m.Attributes = p.attributes(loc)
		p.static = false
		out[i] = m
	}
	return out
}

// ClassHeader is what a class says of itself before its members: enough to answer
// hierarchy questions without parsing fields, methods and attributes.
type ClassHeader struct {
	Name       string
	Super      string // "" for java/lang/Object and module-info
	Interfaces []string
	Access     AccessFlags
	Major      uint16
}

// ParseHeader reads the constant pool and the class header only.
func ParseHeader(data []byte) (*ClassHeader, error) {
	p := parser{r: reader{b: data}}
	c := p.header()
	if p.r.err != nil {
		return nil, p.r.err
	}
	// A header is kept (in hierarchies, for the life of a run) where the
	// class is not: its names are copied out of data, so that it neither
	// holds the class file alive nor depends on it staying unchanged.
	names := c.InterfaceNames()
	for i, n := range names {
		names[i] = strings.Clone(n)
	}
	return &ClassHeader{Name: strings.Clone(c.Name()), Super: strings.Clone(c.SuperName()), Interfaces: names,
		Access: c.Access, Major: c.Major}, nil
}

package classfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unsafe"
)

// Tag identifies the kind of a constant-pool entry. See JVMS §4.4, Table 4.4-B.
type Tag uint8

const (
	TagUtf8               Tag = 1
	TagInteger            Tag = 3
	TagFloat              Tag = 4
	TagLong               Tag = 5
	TagDouble             Tag = 6
	TagClass              Tag = 7
	TagString             Tag = 8
	TagFieldref           Tag = 9
	TagMethodref          Tag = 10
	TagInterfaceMethodref Tag = 11
	TagNameAndType        Tag = 12
	TagMethodHandle       Tag = 15
	TagMethodType         Tag = 16
	TagDynamic            Tag = 17
	TagInvokeDynamic      Tag = 18
	TagModule             Tag = 19
	TagPackage            Tag = 20
)

var tagNames = [...]string{
	TagUtf8:               "Utf8",
	TagInteger:            "Integer",
	TagFloat:              "Float",
	TagLong:               "Long",
	TagDouble:             "Double",
	TagClass:              "Class",
	TagString:             "String",
	TagFieldref:           "Fieldref",
	TagMethodref:          "Methodref",
	TagInterfaceMethodref: "InterfaceMethodref",
	TagNameAndType:        "NameAndType",
	TagMethodHandle:       "MethodHandle",
	TagMethodType:         "MethodType",
	TagDynamic:            "Dynamic",
	TagInvokeDynamic:      "InvokeDynamic",
	TagModule:             "Module",
	TagPackage:            "Package",
}

// String returns the tag's name as javap prints it (without the CONSTANT_ prefix).
func (t Tag) String() string {
	if int(t) < len(tagNames) && tagNames[t] != "" {
		return tagNames[t]
	}
	return "Tag(" + strconv.Itoa(int(t)) + ")"
}

// Valid reports whether t is a tag defined by Java SE 17.
func (t Tag) Valid() bool { return int(t) < len(tagNames) && tagNames[t] != "" }

// Reference kinds of CONSTANT_MethodHandle. See JVMS §5.4.3.5, Table 5.4.3.5-A.
const (
	RefGetField         = 1
	RefGetStatic        = 2
	RefPutField         = 3
	RefPutStatic        = 4
	RefInvokeVirtual    = 5
	RefInvokeStatic     = 6
	RefInvokeSpecial    = 7
	RefNewInvokeSpecial = 8
	RefInvokeInterface  = 9
)

var refKindNames = [...]string{"", "REF_getField", "REF_getStatic", "REF_putField", "REF_putStatic",
	"REF_invokeVirtual", "REF_invokeStatic", "REF_invokeSpecial", "REF_newInvokeSpecial", "REF_invokeInterface"}

// RefKindName names a method-handle reference kind as javap does.
func RefKindName(k uint8) string {
	if int(k) < len(refKindNames) && k > 0 {
		return refKindNames[k]
	}
	return "REF_" + strconv.Itoa(int(k))
}

// Constant is one constant-pool entry. The fields used depend on Tag:
//
//	Utf8                         Str (decoded text)
//	Integer, Float               U64 (raw bits, in its low 32)
//	Long, Double                 U64 (raw bits)
//	Class, String, MethodType,
//	Module, Package              A (Utf8 index)
//	Fieldref, Methodref,
//	InterfaceMethodref           A (Class index), B (NameAndType index)
//	NameAndType                  A (name Utf8), B (descriptor Utf8)
//	MethodHandle                 Kind (reference kind), A (reference index)
//	Dynamic, InvokeDynamic       A (bootstrap method attr index), B (NameAndType index)
//
// A flat struct rather than one type per tag keeps the pool a single slice
// with no per-entry allocation, which is most of the cost of parsing; one
// number field for both widths keeps it 32 bytes, and filling the pool's
// entries is the largest part of that cost. See JVMS §4.4.
type Constant struct {
	Tag  Tag
	Kind uint8
	A, B uint16
	U64  uint64
	Str  string
}

// Int returns the value of an Integer constant.
func (c *Constant) Int() int32 { return int32(uint32(c.U64)) }

// Float returns the value of a Float constant.
func (c *Constant) Float() float32 { return math.Float32frombits(uint32(c.U64)) }

// Bits32 returns the raw bits of an Integer or Float constant: a float's
// NaN payload as the class file holds it, which a float32 need not keep.
func (c *Constant) Bits32() uint32 { return uint32(c.U64) }

// Long returns the value of a Long constant.
func (c *Constant) Long() int64 { return int64(c.U64) }

// Double returns the value of a Double constant.
func (c *Constant) Double() float64 { return math.Float64frombits(c.U64) }

// ConstantPool is a class's constant pool. Entry 0 is unused, and the slot after
// a Long or Double is unusable (its Tag is 0), exactly as in the class file, so
// indices in the model are the indices in the file. See JVMS §4.4.
type ConstantPool struct {
	Entries []Constant
	index   map[constKey]uint16
	lookups int
	// raw holds, by index, the original modified-UTF-8 bytes of a Utf8
	// entry when they differ from what encoding its Str would give (e.g.
	// overlong or unpaired forms), so that an unmodified class is written
	// back byte-identical. Such entries are rare: a map beside the entries
	// keeps every Constant 24 bytes smaller than a field in each would.
	raw map[uint16][]byte
	// text is the pool's bytes in the class file the reader cut Utf8
	// texts from (from its first entry to its end), and starts marks the
	// offsets in it where such a text begins: a text still standing where
	// it was cut is written back as the bytes it was read from, without
	// encoding it again.
	text   string
	starts []uint64
}

// parsed returns the length and bytes s was read from, when s is a Utf8
// text the reader cut from the class file, unchanged since (at the offset
// and length of an entry that reads the same in UTF-8 and modified UTF-8,
// JVMS §4.4.7); "" otherwise.
func (p *ConstantPool) parsed(s string) string {
	if at := p.parsedAt(s); at >= 0 {
		return p.text[at : at+2+len(s)]
	}
	return ""
}

// parsedAt is where in p.text the length of s stands, when parsed(s) is
// not ""; -1 otherwise.
func (p *ConstantPool) parsedAt(s string) int {
	if len(s) == 0 || len(p.text) == 0 {
		return -1
	}
	d := uintptr(unsafe.Pointer(unsafe.StringData(s))) - uintptr(unsafe.Pointer(unsafe.StringData(p.text)))
	if d < 2 || d >= uintptr(len(p.text)) {
		return -1
	}
	off := int(d)
	if p.starts[off>>6]&(1<<(off&63)) == 0 || int(p.text[off-2])<<8|int(p.text[off-1]) != len(s) {
		return -1
	}
	return off - 2
}

// sameRun returns where, from entry i on, the entries stop being what the
// pool's text holds from pos on (the text the reader read them from, entry
// for entry): the first entry whose encoding differs, or len(Entries),
// and the offset in the text where it stands. The writer copies the text
// between as it stands rather than encoding each entry again. pos must be
// where an entry of the text starts. See JVMS §4.4.
func (p *ConstantPool) sameRun(i, pos int) (int, int) {
	e, t := p.Entries, p.text
	for ; i < len(e); i++ {
		c := &e[i]
		if c.Tag == 0 {
			continue // the second slot of a Long or Double
		}
		if pos >= len(t) || Tag(t[pos]) != c.Tag {
			return i, pos
		}
		n := 0
		switch c.Tag {
		case TagUtf8:
			// A Str that starts where the entry's text does, as long,
			// is the entry's own text, cut by the reader: no need to
			// ask starts.
			if l := len(c.Str); l > 0 && pos+3 < len(t) && int(u16s(t, pos+1)) == l &&
				unsafe.StringData(c.Str) == unsafe.StringData(t[pos+3:]) {
				n = 3 + l
			}
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			if pos+3 <= len(t) && u16s(t, pos+1) == c.A {
				n = 3
			}
		case TagFieldref, TagMethodref, TagInterfaceMethodref, TagNameAndType, TagDynamic, TagInvokeDynamic:
			if pos+5 <= len(t) && u16s(t, pos+1) == c.A && u16s(t, pos+3) == c.B {
				n = 5
			}
		case TagInteger, TagFloat:
			if pos+5 <= len(t) && uint64(u16s(t, pos+1))<<16|uint64(u16s(t, pos+3)) == c.U64 {
				n = 5
			}
		case TagLong, TagDouble:
			if pos+9 <= len(t) && uint64(u16s(t, pos+1))<<48|uint64(u16s(t, pos+3))<<32|
				uint64(u16s(t, pos+5))<<16|uint64(u16s(t, pos+7)) == c.U64 {
				n = 9
				i++ // its second slot too
			}
		case TagMethodHandle:
			if pos+4 <= len(t) && t[pos+1] == c.Kind && u16s(t, pos+2) == c.A {
				n = 4
			}
		}
		if n == 0 {
			return i, pos
		}
		pos += n
	}
	return i, pos
}

// u16s is the big-endian u2 at s[i:].
func u16s(s string, i int) uint16 { return uint16(s[i])<<8 | uint16(s[i+1]) }

// rawUtf8 is the original encoding of Utf8 entry i, if it had one other than
// the canonical one and the entry still holds the text it decodes to (an
// entry replaced since has none).
func (p *ConstantPool) rawUtf8(i int) []byte {
	b, ok := p.raw[uint16(i)]
	if !ok || i >= len(p.Entries) || p.Entries[i].Tag != TagUtf8 {
		return nil
	}
	if s, _ := decodeMUTF8(b); s != p.Entries[i].Str {
		return nil
	}
	return b
}

type constKey struct {
	tag  Tag
	kind uint8
	a, b uint16
	u64  uint64
	str  string
}

// Len returns constant_pool_count: one more than the highest index.
func (p *ConstantPool) Len() int { return len(p.Entries) }

// Get returns entry i, or nil if i is not a usable index.
func (p *ConstantPool) Get(i uint16) *Constant {
	if int(i) >= len(p.Entries) || i == 0 || p.Entries[i].Tag == 0 {
		return nil
	}
	return &p.Entries[i]
}

// Lookup returns entry i if it has tag t, or an error saying what was found instead.
func (p *ConstantPool) Lookup(i uint16, t Tag) (*Constant, error) {
	c := p.Get(i)
	if c == nil {
		return nil, fmt.Errorf("constant pool index %d out of range or unusable (count %d)", i, len(p.Entries))
	}
	if c.Tag != t {
		return nil, fmt.Errorf("constant pool index %d is %s, want %s", i, c.Tag, t)
	}
	return c, nil
}

// Utf8 returns the text of Utf8 entry i, or "" if i is not a Utf8 entry.
func (p *ConstantPool) Utf8(i uint16) string {
	if c := p.Get(i); c != nil && c.Tag == TagUtf8 {
		return c.Str
	}
	return ""
}

// ClassName returns the internal name of Class entry i, or "" if it is not one.
func (p *ConstantPool) ClassName(i uint16) string {
	if c := p.Get(i); c != nil && c.Tag == TagClass {
		return p.Utf8(c.A)
	}
	return ""
}

// NameAndType returns the name and descriptor of NameAndType entry i.
func (p *ConstantPool) NameAndType(i uint16) (name, desc string) {
	if c := p.Get(i); c != nil && c.Tag == TagNameAndType {
		return p.Utf8(c.A), p.Utf8(c.B)
	}
	return "", ""
}

// MemberRef returns the owner, name and descriptor of a Fieldref, Methodref or
// InterfaceMethodref entry.
func (p *ConstantPool) MemberRef(i uint16) (owner, name, desc string) {
	c := p.Get(i)
	if c == nil || (c.Tag != TagFieldref && c.Tag != TagMethodref && c.Tag != TagInterfaceMethodref) {
		return "", "", ""
	}
	name, desc = p.NameAndType(c.B)
	return p.ClassName(c.A), name, desc
}

func keyOf(c *Constant) constKey {
	return constKey{tag: c.Tag, kind: c.Kind, a: c.A, b: c.B, u64: c.U64, str: c.Str}
}

// linearLookups is how many lookups scan the pool before an index is built:
// a rewrite that adds a handful of entries should not pay for a map of the
// whole pool.
const linearLookups = 8

// find returns the index of an entry equal to c, scanning for the first few
// lookups and building an index after that.
func (p *ConstantPool) find(c Constant) (uint16, bool) {
	if p.index == nil && p.lookups < linearLookups {
		p.lookups++
		k := keyOf(&c)
		for i := 1; i < len(p.Entries); i++ {
			if e := &p.Entries[i]; e.Tag == c.Tag && keyOf(e) == k {
				return uint16(i), true
			}
		}
		return 0, false
	}
	if p.index == nil {
		p.index = make(map[constKey]uint16, len(p.Entries))
		for i := 1; i < len(p.Entries); i++ {
			e := &p.Entries[i]
			if e.Tag == 0 {
				continue
			}
			k := keyOf(e)
			if _, dup := p.index[k]; !dup {
				p.index[k] = uint16(i)
			}
		}
	}
	i, ok := p.index[keyOf(&c)]
	return i, ok
}

// ErrPoolFull is returned when an entry would push the pool past 65,535 slots.
var ErrPoolFull = fmt.Errorf("constant pool full: more than 65535 entries")

// Add returns the index of an entry equal to c, appending one if there is none.
// Existing entries keep their indices. See JVMS §4.1 (constant_pool_count is a u2).
func (p *ConstantPool) Add(c Constant) (uint16, error) {
	if len(p.Entries) == 0 {
		p.Entries = append(p.Entries, Constant{})
	}
	if i, ok := p.find(c); ok {
		return i, nil
	}
	return p.Append(c)
}

// Append adds c as a new entry without looking for an equal one, for a
// caller that searched itself (a duplicate entry is legal, only wasteful);
// it returns the new entry's index. See JVMS §4.1.
func (p *ConstantPool) Append(c Constant) (uint16, error) {
	if len(p.Entries) == 0 {
		p.Entries = append(p.Entries, Constant{})
	}
	wide := c.Tag == TagLong || c.Tag == TagDouble
	n := len(p.Entries)
	if n+1 > 0xFFFF || (wide && n+2 > 0xFFFF) {
		return 0, ErrPoolFull
	}
	p.Entries = append(p.Entries, c)
	if wide {
		p.Entries = append(p.Entries, Constant{})
	}
	if p.index != nil {
		p.index[keyOf(&c)] = uint16(n)
	}
	return uint16(n), nil
}

// AddUtf8 interns a Utf8 entry.
func (p *ConstantPool) AddUtf8(s string) (uint16, error) {
	return p.Add(Constant{Tag: TagUtf8, Str: s})
}

func (p *ConstantPool) addRef1(t Tag, s string) (uint16, error) {
	u, err := p.AddUtf8(s)
	if err != nil {
		return 0, err
	}
	return p.Add(Constant{Tag: t, A: u})
}

// AddClass interns a Class entry for an internal name (or array descriptor).
func (p *ConstantPool) AddClass(name string) (uint16, error) { return p.addRef1(TagClass, name) }

// AddString interns a String entry.
func (p *ConstantPool) AddString(s string) (uint16, error) { return p.addRef1(TagString, s) }

// AddMethodType interns a MethodType entry.
func (p *ConstantPool) AddMethodType(desc string) (uint16, error) {
	return p.addRef1(TagMethodType, desc)
}

// AddInteger interns an Integer entry.
func (p *ConstantPool) AddInteger(v int32) (uint16, error) {
	return p.Add(Constant{Tag: TagInteger, U64: uint64(uint32(v))})
}

// AddFloat interns a Float entry by its bit pattern.
func (p *ConstantPool) AddFloat(v float32) (uint16, error) {
	return p.Add(Constant{Tag: TagFloat, U64: uint64(math.Float32bits(v))})
}

// AddLong interns a Long entry.
func (p *ConstantPool) AddLong(v int64) (uint16, error) {
	return p.Add(Constant{Tag: TagLong, U64: uint64(v)})
}

// AddDouble interns a Double entry by its bit pattern.
func (p *ConstantPool) AddDouble(v float64) (uint16, error) {
	return p.Add(Constant{Tag: TagDouble, U64: math.Float64bits(v)})
}

// AddNameAndType interns a NameAndType entry.
func (p *ConstantPool) AddNameAndType(name, desc string) (uint16, error) {
	n, err := p.AddUtf8(name)
	if err != nil {
		return 0, err
	}
	d, err := p.AddUtf8(desc)
	if err != nil {
		return 0, err
	}
	return p.Add(Constant{Tag: TagNameAndType, A: n, B: d})
}

// AddMemberRef interns a Fieldref, Methodref or InterfaceMethodref entry.
func (p *ConstantPool) AddMemberRef(t Tag, owner, name, desc string) (uint16, error) {
	c, err := p.AddClass(owner)
	if err != nil {
		return 0, err
	}
	nt, err := p.AddNameAndType(name, desc)
	if err != nil {
		return 0, err
	}
	return p.Add(Constant{Tag: t, A: c, B: nt})
}

// AddFieldref interns a Fieldref entry.
func (p *ConstantPool) AddFieldref(owner, name, desc string) (uint16, error) {
	return p.AddMemberRef(TagFieldref, owner, name, desc)
}

// AddMethodref interns a Methodref entry.
func (p *ConstantPool) AddMethodref(owner, name, desc string) (uint16, error) {
	return p.AddMemberRef(TagMethodref, owner, name, desc)
}

// AddInterfaceMethodref interns an InterfaceMethodref entry.
func (p *ConstantPool) AddInterfaceMethodref(owner, name, desc string) (uint16, error) {
	return p.AddMemberRef(TagInterfaceMethodref, owner, name, desc)
}

// constantPool reads the pool and checks that every reference inside it points
// at an entry of the right kind, so the rest of the model can trust it.
// See JVMS §4.4.
func (p *parser) constantPool() {
	r := &p.r
	n := int(r.u2("constant_pool_count"))
	if r.err != nil {
		return
	}
	if n == 0 {
		r.fail("constant_pool_count is 0")
		return
	}
	// Each entry takes at least 3 bytes in the file.
	if (n-1)*3 > len(r.b)-r.off {
		r.fail("constant_pool_count %d cannot fit in the %d bytes left", n, len(r.b)-r.off)
		return
	}
	// Room to grow: services add a few entries, and a full copy of the pool
	// for each first addition would cost more than the spare slots.
	e := make([]Constant, n, n+n/8+8)
	t := poolText{b: r.b, first: r.off}
	// One bit for each byte the pool may span: the rest of the class file.
	t.starts = make([]uint64, (len(r.b)-r.off)/64+1)
	r.what = "constant pool"
	b := r.b
	for i := 1; i < n && r.err == nil; i++ {
		c := &e[i]
		// The fast path: the entry is there whole, read without a check
		// per field. Anything else (a Long or Double, an entry cut
		// short, an unknown tag) takes the checked path below, which
		// says what is wrong and where.
		if off := r.off; off <= len(b)-5 {
			switch tag := Tag(b[off]); tag {
			case TagUtf8:
				if l := int(b[off+1])<<8 | int(b[off+2]); l <= len(b)-off-3 {
					c.Tag = tag
					at := off + 3
					r.off = at + l
					// Most names are a few ASCII letters: one
					// word read from the class file decides,
					// the bytes past the text counted as
					// letters. A valid class goes on for 14
					// bytes past its pool; a text nearer the
					// end takes the general path, as does one
					// longer text not all ASCII.
					if l-1 < 8 && at <= len(b)-8 {
						const ones = 0x0101010101010101
						keep := ^uint64(0) >> (64 - 8*l)
						if x := binary.LittleEndian.Uint64(b[at:]); plainASCII8(x&keep | ones&^keep) {
							c.Str = unsafe.String(&b[at], l)
							t.mark(at)
							continue
						}
					} else if l > 8 && plainASCII(b[at:at+l]) {
						c.Str = unsafe.String(&b[at], l)
						t.mark(at)
						continue
					}
					t.utf8(c, i, at, l)
					continue
				}
			case TagClass, TagString, TagMethodType, TagModule, TagPackage:
				c.Tag, c.A = tag, uint16(b[off+1])<<8|uint16(b[off+2])
				r.off = off + 3
				continue
			case TagFieldref, TagMethodref, TagInterfaceMethodref, TagNameAndType, TagDynamic, TagInvokeDynamic:
				c.Tag = tag
				c.A = uint16(b[off+1])<<8 | uint16(b[off+2])
				c.B = uint16(b[off+3])<<8 | uint16(b[off+4])
				r.off = off + 5
				continue
			case TagInteger, TagFloat:
				c.Tag, c.U64 = tag, uint64(binary.BigEndian.Uint32(b[off+1:]))
				r.off = off + 5
				continue
			case TagMethodHandle:
				c.Tag, c.Kind, c.A = tag, b[off+1], uint16(b[off+2])<<8|uint16(b[off+3])
				r.off = off + 4
				continue
			}
		}
		r.idx = i
		c.Tag = Tag(r.u1("tag"))
		switch c.Tag {
		case TagUtf8:
			l := int(r.u2("Utf8 length"))
			start := r.off
			r.bytes(l, "Utf8 bytes")
			if r.err != nil {
				break
			}
			t.utf8(c, i, start, l)
		case TagInteger, TagFloat:
			c.U64 = uint64(r.u4("value"))
		case TagLong, TagDouble:
			c.U64 = uint64(r.u4("high_bytes"))<<32 | uint64(r.u4("low_bytes"))
			if i+1 >= n {
				r.fail("%s at the last index takes two slots", c.Tag)
			}
			i++ // the next slot is unusable; its Tag stays 0
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			c.A = r.u2("index")
		case TagFieldref, TagMethodref, TagInterfaceMethodref, TagNameAndType, TagDynamic, TagInvokeDynamic:
			c.A = r.u2("first index")
			c.B = r.u2("second index")
		case TagMethodHandle:
			c.Kind = r.u1("reference_kind")
			c.A = r.u2("reference_index")
		default:
			r.off--
			r.fail("unknown tag %d", c.Tag)
		}
	}
	p.c.Pool.Entries = e
	p.c.Pool.raw = t.raw
	if r.err == nil && r.off > t.first {
		// The pool's bytes, which the texts are cut from; the class's
		// code and tables after them hold no text. (An empty pool may
		// end the file: there is no byte to point at then.)
		p.c.Pool.text = unsafe.String(&b[t.first], r.off-t.first)
		p.c.Pool.starts = t.starts
	}
	if r.err == nil {
		p.checkPool()
	}
	r.what = ""
}

// poolText is where the pool reader puts Utf8 texts: the class file they
// are cut from, where its pool begins, the offsets from there at which
// texts start, and the original bytes of the few that do not read back
// the same.
type poolText struct {
	b      []byte
	first  int // the offset of the pool's first entry in b
	starts []uint64
	raw    map[uint16][]byte
}

// mark notes that a text cut from the class file starts at offset at.
func (t *poolText) mark(at int) {
	at -= t.first
	t.starts[at>>6] |= 1 << (at & 63)
}

// utf8 sets c, Utf8 entry i, to the text of the l bytes at start in t.b.
// See JVMS §4.4.7.
func (t *poolText) utf8(c *Constant, i int, start, l int) {
	s := t.b[start : start+l : start+l]
	if l == 0 {
		return // Str is "" already, and an empty text is never copied
	}
	if sameAsUTF8(s) {
		// Most names are plain ASCII, and most other text is what UTF-8
		// reads it as: such a text is the string of the bytes it was
		// read from, cut from the class file itself rather than copied
		// (Parse's data does not change while its class is in use).
		// The bit marks where it starts, for the writer.
		c.Str = unsafe.String(&s[0], l)
		t.mark(start)
		return
	}
	var canonical bool
	c.Str, canonical = decodeMUTF8(s)
	if !canonical {
		if t.raw == nil {
			t.raw = map[uint16][]byte{}
		}
		t.raw[uint16(i)] = s
	}
}

// poolRefs gives, for each tag, the tags its first and second index must
// name, as bit sets (bit t for tag t; 0 where the entry has no such index,
// or where the index is checked apart, as MethodHandle's is). Tag 0, an
// unusable slot, is in no set. See JVMS §4.4.
var poolRefs = func() (t [256][2]uint32) {
	bit := func(tags ...Tag) (m uint32) {
		for _, x := range tags {
			m |= 1 << x
		}
		return m
	}
	for _, tag := range []Tag{TagClass, TagString, TagMethodType, TagModule, TagPackage} {
		t[tag][0] = bit(TagUtf8)
	}
	for _, tag := range []Tag{TagFieldref, TagMethodref, TagInterfaceMethodref} {
		t[tag] = [2]uint32{bit(TagClass), bit(TagNameAndType)}
	}
	t[TagNameAndType] = [2]uint32{bit(TagUtf8), bit(TagUtf8)}
	t[TagDynamic][1] = bit(TagNameAndType)
	t[TagInvokeDynamic][1] = bit(TagNameAndType)
	return t
}()

// checkPool checks that every index inside the pool names an entry of
// the kind its entry needs. Almost every pool passes: a table lookup per
// index decides, and checkPoolSlow finds and words the first failure.
func (p *parser) checkPool() {
	e := p.c.Pool.Entries
	ok := func(ref uint16, mask uint32) bool {
		return mask == 0 || (int(ref) < len(e) && 1<<e[ref].Tag&mask != 0)
	}
	for i := 1; i < len(e); i++ {
		c := &e[i]
		refs := &poolRefs[c.Tag]
		if !ok(c.A, refs[0]) || !ok(c.B, refs[1]) || c.Tag == TagMethodHandle {
			// MethodHandle's reference depends on its kind: the slow path.
			if c.Tag != TagMethodHandle || !methodHandleOK(e, c) {
				p.checkPoolSlow()
				return
			}
		}
	}
}

// methodHandleOK reports whether a MethodHandle's reference_kind is 1-9
// and its reference_index names an entry of the kind that kind needs.
// See JVMS §4.4.8.
func methodHandleOK(e []Constant, c *Constant) bool {
	if int(c.A) >= len(e) || c.A == 0 {
		return false
	}
	t := e[c.A].Tag
	switch c.Kind {
	case RefGetField, RefGetStatic, RefPutField, RefPutStatic:
		return t == TagFieldref
	case RefInvokeVirtual, RefNewInvokeSpecial:
		return t == TagMethodref
	case RefInvokeStatic, RefInvokeSpecial:
		return t == TagMethodref || t == TagInterfaceMethodref
	case RefInvokeInterface:
		return t == TagInterfaceMethodref
	}
	return false
}

// checkPoolSlow is checkPool entry by entry, saying what is wrong with the
// first entry that fails.
func (p *parser) checkPoolSlow() {
	pool := &p.c.Pool
	bad := func(i int, format string, args ...any) {
		p.r.idx = i
		p.r.fail(format, args...)
	}
	want := func(i int, field string, ref uint16, tags ...Tag) bool {
		c := pool.Get(ref)
		if c == nil {
			bad(i, "%s %d is out of range or unusable", field, ref)
			return false
		}
		for _, t := range tags {
			if c.Tag == t {
				return true
			}
		}
		bad(i, "%s %d is %s, want %s", field, ref, c.Tag, tags[0])
		return false
	}
	for i := 1; i < len(pool.Entries); i++ {
		c := &pool.Entries[i]
		switch c.Tag {
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			want(i, "name index", c.A, TagUtf8)
		case TagFieldref, TagMethodref, TagInterfaceMethodref:
			_ = want(i, "class_index", c.A, TagClass) && want(i, "name_and_type_index", c.B, TagNameAndType)
		case TagNameAndType:
			_ = want(i, "name_index", c.A, TagUtf8) && want(i, "descriptor_index", c.B, TagUtf8)
		case TagDynamic, TagInvokeDynamic:
			want(i, "name_and_type_index", c.B, TagNameAndType)
		case TagMethodHandle:
			switch c.Kind {
			case RefGetField, RefGetStatic, RefPutField, RefPutStatic:
				want(i, "reference_index", c.A, TagFieldref)
			case RefInvokeVirtual, RefNewInvokeSpecial:
				want(i, "reference_index", c.A, TagMethodref)
			case RefInvokeStatic, RefInvokeSpecial:
				want(i, "reference_index", c.A, TagMethodref, TagInterfaceMethodref)
			case RefInvokeInterface:
				want(i, "reference_index", c.A, TagInterfaceMethodref)
			default:
				bad(i, "reference_kind %d is not 1-9", c.Kind)
			}
		}
		if p.r.err != nil {
			// Point the offset at the pool, not at where scanning stopped.
			p.r.err.Msg = "constant pool #" + fmt.Sprint(i) + ": " + p.r.err.Msg
			p.r.err.Where = ""
			return
		}
	}
}

// pool writes the constant pool. See JVMS §4.4.
func (w *writer) pool() {
	e := w.c.Pool.Entries
	if len(e) == 0 {
		w.u2(1) // an empty pool still counts its unused entry 0
		return
	}
	w.count("constant_pool_count", len(e))
	// Entries still as the reader found them are copied from the pool's
	// text in runs, one copy for a run rather than a write
	// per entry: a run starts at a Utf8 text the reader cut, and goes on
	// while each next entry's encoding is what the text holds there.
	pool := &w.c.Pool
	for i := 1; i < len(e); i++ {
		c := &e[i]
		if c.Tag == 0 {
			continue // the second slot of a Long or Double
		}
		if c.Tag == TagUtf8 {
			if at := pool.parsedAt(c.Str); at >= 0 {
				next, end := pool.sameRun(i+1, at+2+len(c.Str))
				w.b = append(w.b, pool.text[at-1:end]...)
				i = next - 1
				continue
			}
		}
		w.u1(uint8(c.Tag))
		switch c.Tag {
		case TagUtf8:
			if w.c.Pool.raw != nil {
				if b := w.c.Pool.rawUtf8(i); b != nil {
					w.u2(uint16(len(b)))
					w.b = append(w.b, b...)
					continue
				}
			}
			// Encode first and fill the length in after: one pass, not two.
			at := len(w.b)
			w.u2(0)
			w.b = appendMUTF8(w.b, c.Str)
			n := len(w.b) - at - 2
			if n > 0xFFFF && w.err == nil {
				w.err = fmt.Errorf("constant pool #%d: Utf8 of %d bytes exceeds 65535", i, n)
			}
			w.b[at], w.b[at+1] = byte(n>>8), byte(n)
		case TagInteger, TagFloat:
			w.u4(uint32(c.U64))
		case TagLong, TagDouble:
			w.u4(uint32(c.U64 >> 32))
			w.u4(uint32(c.U64))
			i++
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			w.u2(c.A)
		case TagMethodHandle:
			w.u1(c.Kind)
			w.u2(c.A)
		default:
			w.u2(c.A)
			w.u2(c.B)
		}
	}
}

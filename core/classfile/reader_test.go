package classfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// tiny builds a small but complete class through the model: a pool, a field
// with a ConstantValue, a method with Code, LineNumberTable and StackMapTable,
// and class attributes. Its bytes are the base of the malformed-input tests.
func tiny(t *testing.T) []byte {
	t.Helper()
	c := &Class{Major: 61, Access: AccPublic | AccSuper}
	p := &c.Pool
	must := func(i uint16, err error) uint16 {
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	c.This = must(p.AddClass("T"))
	c.Super = must(p.AddClass("java/lang/Object"))
	five := must(p.AddInteger(5))
	c.Fields = []*Member{{Access: AccStatic | AccFinal, NameIndex: must(p.AddUtf8("FIVE")), DescIndex: must(p.AddUtf8("I")),
		Attributes: []Attribute{&ConstantValue{ValueIndex: five}}}}
	obj := must(p.AddMethodref("java/lang/Object", "<init>", "()V"))
	code := []byte{0x2a, 0xb7, byte(obj >> 8), byte(obj), 0x03, 0x99, 0x00, 0x04, 0xb1} // aload_0 invokespecial iconst_0 ifeq +4 return
	code = append(code[:8], 0xb1, 0xb1)
	c.Methods = []*Member{{Access: AccPublic, NameIndex: must(p.AddUtf8("<init>")), DescIndex: must(p.AddUtf8("()V")),
		Attributes: []Attribute{&Code{MaxStack: 1, MaxLocals: 1, Code: code,
			Attributes: []Attribute{
				&LineNumberTable{Lines: []LineNumber{{0, 1}}},
				&StackMapTable{Frames: []StackMapFrame{{Type: 9, OffsetDelta: 9}}},
			}}}}}
	c.Attributes = []Attribute{&SourceFile{Index: must(p.AddUtf8("T.java"))}}
	b, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTinyRoundTrip(t *testing.T) {
	b := tiny(t)
	c, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "T" || c.SuperName() != "java/lang/Object" || len(c.Methods) != 1 {
		t.Fatalf("parsed %s extends %s with %d methods", c.Name(), c.SuperName(), len(c.Methods))
	}
	code := c.Methods[0].Code()
	if code == nil || len(code.Code) != 10 {
		t.Fatalf("Code attribute not parsed: %#v", code)
	}
	if smt, ok := Attr(code.Attributes, AttrStackMapTable).(*StackMapTable); !ok || smt.Frames[0].OffsetDelta != 9 {
		t.Fatalf("StackMapTable not parsed: %#v", code.Attributes)
	}
	if !c.Equal(b) {
		t.Fatal("round trip differs")
	}
}

// wantFormatError checks that Parse fails with a FormatError whose message
// contains want, and returns it.
func wantFormatError(t *testing.T, b []byte, want string) *FormatError {
	t.Helper()
	_, err := Parse(b)
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("Parse: got %v, want a *FormatError containing %q", err, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("Parse: got %q, want it to contain %q", err, want)
	}
	if fe.Offset < 0 || fe.Offset > len(b) {
		t.Fatalf("error offset %d outside the %d-byte input", fe.Offset, len(b))
	}
	return fe
}

func TestTruncatedAtEveryByte(t *testing.T) {
	b := tiny(t)
	for n := 0; n < len(b); n++ {
		_, err := Parse(b[:n])
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("prefix of %d bytes: got %v, want a FormatError", n, err)
		}
		if !strings.Contains(err.Error(), "truncated") && !strings.Contains(err.Error(), "runs past the end") &&
			!strings.Contains(err.Error(), "cannot fit") {
			t.Errorf("prefix of %d bytes: %v does not say the input is short", n, err)
		}
	}
}

// TestEmptyPoolEndsTheFile: a pool of no entries (constant_pool_count 1)
// that ends the file is a truncated class, not a pool with bytes to cut
// texts from. Found by FuzzParse (testdata/fuzz/FuzzParse/empty-pool-ends-the-file).
func TestEmptyPoolEndsTheFile(t *testing.T) {
	b := []byte{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52, 0, 1}
	fe := wantFormatError(t, b, "truncated access_flags")
	if fe.Offset != 10 {
		t.Errorf("offset %d, want 10", fe.Offset)
	}
}

func TestBadMagic(t *testing.T) {
	b := tiny(t)
	b[0] = 0xCA
	b[3] = 0xBB
	fe := wantFormatError(t, b, "bad magic 0xCAFEBABB")
	if fe.Offset != 0 {
		t.Errorf("offset %d, want 0", fe.Offset)
	}
}

func TestExtraBytes(t *testing.T) {
	wantFormatError(t, append(tiny(t), 0), "1 extra bytes")
}

// poolEntryOffset returns the file offset of constant-pool entry i's tag.
func poolEntryOffset(t *testing.T, b []byte, i int) int {
	c, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	off := 10
	for k := 1; k < i; k++ {
		e := &c.Pool.Entries[k]
		switch e.Tag {
		case 0:
			continue
		case TagUtf8:
			off += 3 + len(e.Str)
		case TagLong, TagDouble:
			off += 9
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			off += 3
		case TagMethodHandle:
			off += 4
		default:
			off += 5
		}
	}
	return off
}

func TestBadConstantPoolIndexAndKind(t *testing.T) {
	b := tiny(t)
	c, _ := Parse(b)
	// Entry 2 is Class "T" with its name at entry 1 (see tiny). Point it out of range.
	if c.Pool.Entries[2].Tag != TagClass {
		t.Fatalf("entry 2 is %s", c.Pool.Entries[2].Tag)
	}
	off := poolEntryOffset(t, b, 2)
	bad := bytes.Clone(b)
	binary.BigEndian.PutUint16(bad[off+1:], 0x7FFF)
	wantFormatError(t, bad, "constant pool #2: name index 32767 is out of range")
	// Point it at itself: a Class, not a Utf8.
	bad = bytes.Clone(b)
	binary.BigEndian.PutUint16(bad[off+1:], 2)
	wantFormatError(t, bad, "constant pool #2: name index 2 is Class, want Utf8")
	// An unknown tag.
	bad = bytes.Clone(b)
	bad[off] = 2
	fe := wantFormatError(t, bad, "unknown tag 2")
	if fe.Offset != off {
		t.Errorf("offset %d, want %d", fe.Offset, off)
	}
	if !strings.Contains(fe.Where, "constant pool #2") {
		t.Errorf("where %q does not name the entry", fe.Where)
	}
}

func TestBadThisClass(t *testing.T) {
	b := tiny(t)
	c, _ := Parse(b)
	// access_flags follows the pool; this_class follows access_flags.
	off := poolEntryOffset(t, b, c.Pool.Len()) + 2
	binary.BigEndian.PutUint16(b[off:], 0)
	wantFormatError(t, b, "this_class: constant pool index 0 out of range")
}

// codeAttrOffset finds the attribute_length of the Code attribute.
func codeAttrOffset(t *testing.T, b []byte) int {
	c, _ := Parse(b)
	code := c.Methods[0].Code()
	var pat [6]byte
	binary.BigEndian.PutUint16(pat[:], code.NameIndex)
	i := bytes.Index(b, pat[:2])
	for i >= 0 {
		n := binary.BigEndian.Uint32(b[i+2:])
		if int(n) > len(code.Code) && int(n) < len(b) && binary.BigEndian.Uint16(b[i+6:]) == code.MaxStack {
			return i + 2
		}
		j := bytes.Index(b[i+1:], pat[:2])
		if j < 0 {
			break
		}
		i += 1 + j
	}
	t.Fatal("Code attribute not found")
	return 0
}

func TestAttributeLengthLies(t *testing.T) {
	b := tiny(t)
	off := codeAttrOffset(t, b)
	n := binary.BigEndian.Uint32(b[off:])

	longer := bytes.Clone(b)
	binary.BigEndian.PutUint32(longer[off:], n+1000)
	wantFormatError(t, longer, "attribute Code: attribute_length 1")

	// One byte short: the Code attribute's own contents overrun its length.
	shorter := bytes.Clone(b)
	binary.BigEndian.PutUint32(shorter[off:], n-1)
	_, err := Parse(shorter)
	if err == nil {
		t.Fatal("a Code attribute one byte shorter than its contents was accepted")
	}

	// A lying length inside a lenient attribute (annotations) keeps it raw.
	c, _ := Parse(b)
	ann, _ := c.Pool.AddUtf8(AttrRuntimeInvisibleAnnotations)
	c.Attributes = append(c.Attributes, &RawAttribute{Header: Header{NameIndex: ann}, AttrName: AttrRuntimeInvisibleAnnotations, Info: []byte{0, 9}})
	withAnn, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Parse(withAnn)
	if err != nil {
		t.Fatalf("malformed invisible annotations should be kept raw as HotSpot skips them: %v", err)
	}
	if _, ok := c2.Attributes[len(c2.Attributes)-1].(*RawAttribute); !ok || !c2.Equal(withAnn) {
		t.Fatal("malformed annotations not kept raw and identical")
	}
}

func TestAbsurdCounts(t *testing.T) {
	b := tiny(t)
	bad := bytes.Clone(b)
	binary.BigEndian.PutUint16(bad[8:], 0xFFFF)
	wantFormatError(t, bad, "constant_pool_count 65535 cannot fit")

	bad = bytes.Clone(b)
	binary.BigEndian.PutUint16(bad[8:], 0)
	wantFormatError(t, bad, "constant_pool_count is 0")

	c, _ := Parse(b)
	// interfaces_count sits after access_flags, this_class, super_class.
	off := poolEntryOffset(t, b, c.Pool.Len()) + 6
	bad = bytes.Clone(b)
	binary.BigEndian.PutUint16(bad[off:], 0xFFFF)
	wantFormatError(t, bad, "interfaces_count 65535 cannot fit")
	bad = bytes.Clone(b)
	binary.BigEndian.PutUint16(bad[off+2:], 0xFFFF)
	wantFormatError(t, bad, "fields_count 65535 cannot fit")
}

func TestModifiedClassKeepsPoolAndAppends(t *testing.T) {
	b := tiny(t)
	c, _ := Parse(b)
	before := append([]Constant(nil), c.Pool.Entries...)
	i, err := c.Pool.AddMethodref("java/lang/Object", "<init>", "()V")
	if err != nil {
		t.Fatal(err)
	}
	if int(i) >= len(before) {
		t.Fatalf("an existing Methodref was appended again at %d", i)
	}
	j, err := c.Pool.AddMethodref("dvm/Runtime", "probe", "(I)V")
	if err != nil {
		t.Fatal(err)
	}
	l, _ := c.Pool.AddLong(1 << 40)
	if int(j) < len(before) || int(l) < len(before) {
		t.Fatalf("new entries %d, %d not appended after %d", j, l, len(before))
	}
	c.Attributes = append(c.Attributes, &Deprecated{})
	out, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	for k := range before {
		if before[k].Tag != c2.Pool.Entries[k].Tag || before[k].Str != c2.Pool.Entries[k].Str || before[k].A != c2.Pool.Entries[k].A {
			t.Fatalf("pool entry %d changed", k)
		}
	}
	if o, n, d := c2.Pool.MemberRef(j); o != "dvm/Runtime" || n != "probe" || d != "(I)V" {
		t.Fatalf("appended Methodref reads %s.%s%s", o, n, d)
	}
	if c2.Pool.Get(l).Long() != 1<<40 || c2.Pool.Entries[l+1].Tag != 0 {
		t.Fatal("appended Long wrong or not two slots")
	}
	if Attr(c2.Attributes, AttrDeprecated) == nil {
		t.Fatal("added attribute lost")
	}
}

func TestModifiedUTF8(t *testing.T) {
	for _, s := range []string{"", "plain", "nul\x00inside", "é ü ß", "€ 中文", "😀 beyond the BMP"} {
		enc := appendMUTF8(nil, s)
		if bytes.IndexByte(enc, 0) >= 0 {
			t.Errorf("%q: encoded form contains a zero byte", s)
		}
		got, canonical := decodeMUTF8(enc)
		if got != s || !canonical {
			t.Errorf("%q: decoded %q (canonical %v)", s, got, canonical)
		}
	}
	// Standard UTF-8 for a supplementary character is not modified UTF-8;
	// such bytes survive a round trip raw.
	raw := []byte("\xf0\x9f\x98\x80")
	if _, canonical := decodeMUTF8(raw); canonical {
		t.Error("4-byte UTF-8 taken as canonical modified UTF-8")
	}
}

// A defined attribute whose contents do not fill its body is kept raw with
// the reason: the class still reads and writes back, and Check refuses it as
// HotSpot does ("Code segment has wrong length").
func TestMalformedAttributeKeptRaw(t *testing.T) {
	c, err := Parse(tiny(t))
	if err != nil {
		t.Fatal(err)
	}
	code := c.Methods[0].Code()
	w := writer{c: c}
	w.code(code)
	body := append(w.b, 0xEE) // one byte the structure does not take
	c.Methods[0].Attributes = []Attribute{&RawAttribute{AttrName: AttrCode, Info: body}}
	b, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Parse(b)
	if err != nil {
		t.Fatalf("a Code attribute with a trailing byte: %v", err)
	}
	raw, ok := c2.Methods[0].Attributes[0].(*RawAttribute)
	if !ok || raw.Malformed() == nil || !strings.Contains(raw.Malformed().Error(), "attribute_length") {
		t.Fatalf("kept as %#v", c2.Methods[0].Attributes[0])
	}
	if !c2.Equal(b) {
		t.Fatal("not written back identical")
	}
	if e := Check(c2); e == nil || !strings.Contains(e.Error(), "Code attribute") {
		t.Fatalf("Check: %v", e)
	}
	// Below version 50 a StackMapTable is not read at all, however
	// malformed.
	c2.Major = 49
	smt := &RawAttribute{AttrName: AttrStackMapTable, Info: []byte{0xFF}}
	c2.Methods[0].Attributes = []Attribute{code}
	code.Attributes = append(code.Attributes, smt)
	b49, err := c2.Write()
	if err != nil {
		t.Fatal(err)
	}
	c3, err := Parse(b49)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range c3.Methods[0].Code().Attributes {
		if r, ok := a.(*RawAttribute); ok && r.AttrName == AttrStackMapTable && r.Malformed() != nil {
			t.Fatalf("a version 49 StackMapTable was read: %v", r.Malformed())
		}
	}
}

package classpath

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// ClassName returns the internal name of the class in data: the name of the
// CONSTANT_Class entry that this_class points at (JVMS §4.1). It reads the
// constant pool only as far as it must to skip entries and resolve that one
// name, so it is a cheap way to name a class without a full parse; it does
// not validate the rest of the class file.
func ClassName(data []byte) (string, error) {
	r := cpReader{data: data}
	if magic := r.u4(); r.err == nil && magic != 0xCAFEBABE {
		return "", fmt.Errorf("magic %#08x at offset 0, want 0xcafebabe: not a class file", magic)
	}
	r.skip(4) // minor_version, major_version
	count := int(r.u2())
	if r.err != nil {
		return "", r.err
	}
	// Where each entry starts, so this_class can be resolved after the walk;
	// 0 marks an unusable index (index 0 and the slot after a long or double).
	offsets := make([]int, count)
	for i := 1; i < count; i++ {
		offsets[i] = r.off
		tag := r.u1()
		size, wide := cpEntrySize(tag)
		if r.err != nil {
			return "", fmt.Errorf("constant pool entry %d of %d: %w", i, count-1, r.err)
		}
		if size < 0 {
			return "", fmt.Errorf("constant pool entry %d at offset %d: unknown tag %d", i, offsets[i], tag)
		}
		if tag == tagUtf8 {
			size = int(r.u2())
		}
		r.skip(size)
		if r.err != nil {
			return "", fmt.Errorf("constant pool entry %d of %d (tag %d) at offset %d: %w", i, count-1, tag, offsets[i], r.err)
		}
		if wide {
			// JVMS §4.4.5: a long or double takes two indices.
			i++
		}
	}
	r.skip(2) // access_flags
	thisOff := r.off
	this := int(r.u2())
	if r.err != nil {
		return "", fmt.Errorf("this_class: %w", r.err)
	}
	if this <= 0 || this >= count || offsets[this] == 0 || data[offsets[this]] != tagClass {
		return "", fmt.Errorf("this_class at offset %d is %d, not the index of a CONSTANT_Class entry", thisOff, this)
	}
	nameIndex := int(binary.BigEndian.Uint16(data[offsets[this]+1:]))
	if nameIndex <= 0 || nameIndex >= count || offsets[nameIndex] == 0 || data[offsets[nameIndex]] != tagUtf8 {
		return "", fmt.Errorf("CONSTANT_Class entry %d names entry %d, not a CONSTANT_Utf8", this, nameIndex)
	}
	off := offsets[nameIndex]
	n := int(binary.BigEndian.Uint16(data[off+1:]))
	name, err := decodeMUTF8(data[off+3 : off+3+n])
	if err != nil {
		return "", fmt.Errorf("class name, CONSTANT_Utf8 entry %d at offset %d: %w", nameIndex, off, err)
	}
	if name == "" {
		return "", fmt.Errorf("class name, CONSTANT_Utf8 entry %d at offset %d, is empty", nameIndex, off)
	}
	return name, nil
}

// Constant pool tags, JVMS §4.4 Table 4.4-B.
const (
	tagUtf8               = 1
	tagInteger            = 3
	tagFloat              = 4
	tagLong               = 5
	tagDouble             = 6
	tagClass              = 7
	tagString             = 8
	tagFieldref           = 9
	tagMethodref          = 10
	tagInterfaceMethodref = 11
	tagNameAndType        = 12
	tagMethodHandle       = 15
	tagMethodType         = 16
	tagDynamic            = 17
	tagInvokeDynamic      = 18
	tagModule             = 19
	tagPackage            = 20
)

// cpEntrySize is the size of an entry after its tag byte (for Utf8, of the
// length field only) and whether it takes two indices; -1 for an unknown tag.
func cpEntrySize(tag byte) (size int, wide bool) {
	switch tag {
	case tagUtf8:
		return 0, false
	case tagClass, tagString, tagMethodType, tagModule, tagPackage:
		return 2, false
	case tagMethodHandle:
		return 3, false
	case tagInteger, tagFloat, tagFieldref, tagMethodref, tagInterfaceMethodref,
		tagNameAndType, tagDynamic, tagInvokeDynamic:
		return 4, false
	case tagLong, tagDouble:
		return 8, true
	}
	return -1, false
}

// cpReader reads big-endian values and remembers the first overrun, so the
// walk above can check once per entry instead of once per field.
type cpReader struct {
	data []byte
	off  int
	err  error
}

func (r *cpReader) need(n int) bool {
	if r.err != nil {
		return false
	}
	if n > len(r.data)-r.off {
		r.err = fmt.Errorf("class file ends at offset %d, %d bytes short", len(r.data), n-(len(r.data)-r.off))
		return false
	}
	return true
}

func (r *cpReader) skip(n int) {
	if r.need(n) {
		r.off += n
	}
}

func (r *cpReader) u1() byte {
	if !r.need(1) {
		return 0
	}
	r.off++
	return r.data[r.off-1]
}

func (r *cpReader) u2() uint16 {
	if !r.need(2) {
		return 0
	}
	r.off += 2
	return binary.BigEndian.Uint16(r.data[r.off-2:])
}

func (r *cpReader) u4() uint32 {
	if !r.need(4) {
		return 0
	}
	r.off += 4
	return binary.BigEndian.Uint32(r.data[r.off-4:])
}

// decodeMUTF8 decodes the modified UTF-8 of CONSTANT_Utf8 (JVMS §4.4.7): no
// NUL byte, NUL as C0 80, and supplementary characters as two encoded
// surrogates rather than one 4-byte form.
func decodeMUTF8(b []byte) (string, error) {
	ascii := true
	for _, c := range b {
		if c == 0 || c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b), nil
	}
	units := make([]uint16, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c != 0 && c < 0x80:
			units = append(units, uint16(c))
			i++
		case c&0xE0 == 0xC0 && i+1 < len(b) && b[i+1]&0xC0 == 0x80:
			units = append(units, uint16(c&0x1F)<<6|uint16(b[i+1]&0x3F))
			i += 2
		case c&0xF0 == 0xE0 && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80:
			units = append(units, uint16(c&0x0F)<<12|uint16(b[i+1]&0x3F)<<6|uint16(b[i+2]&0x3F))
			i += 3
		default:
			return "", fmt.Errorf("malformed modified UTF-8 at byte %d (0x%02x)", i, c)
		}
	}
	return string(utf16.Decode(units)), nil
}

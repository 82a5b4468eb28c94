package classfile

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// sameAsUTF8 reports whether b is modified UTF-8 in its canonical form that
// reads the same as UTF-8: no NUL byte (modified UTF-8 writes NUL as two
// bytes, which UTF-8 calls overlong), no four-byte form (modified UTF-8
// writes characters beyond the BMP as surrogate pairs, which UTF-8 refuses),
// nothing overlong and no surrogate. Such bytes are the Go string they
// decode to, and encode back to themselves. See JVMS §4.4.7.
func sameAsUTF8(b []byte) bool {
	if plainASCII(b) {
		return true
	}
	// One pass over text that is not all ASCII (a string constant in
	// another script, a table packed into a string): runs of ASCII a word
	// at a time, and each other character checked as UTF-8 of U+0080 to
	// U+FFFF, no surrogate (JVMS §4.4.7; RFC 3629 §4 for the ranges).
	n := len(b)
	for i := 0; i < n; {
		for i <= n-8 && plainASCII8(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		if i >= n {
			break
		}
		switch c := b[i]; {
		case c-1 < 0x7F: // ASCII, not NUL
			i++
		case c >= 0xC2 && c <= 0xDF:
			if i+1 >= n || b[i+1]&0xC0 != 0x80 {
				return false
			}
			i += 2
		case c >= 0xE0 && c <= 0xEF:
			if i+2 >= n || b[i+2]&0xC0 != 0x80 {
				return false
			}
			lo, hi := byte(0x80), byte(0xBF)
			if c == 0xE0 {
				lo = 0xA0 // below: overlong
			} else if c == 0xED {
				hi = 0x9F // above: a surrogate
			}
			if d := b[i+1]; d < lo || d > hi {
				return false
			}
			i += 3
		default: // NUL, a continuation byte, overlong C0/C1, a four-byte form
			return false
		}
	}
	return true
}

// plainASCII reports whether every byte of b is ASCII and none is NUL, as
// most names and descriptors are. It reads eight bytes at a time without a
// branch per word, the last word overlapping the one before, and decides
// once at the end.
func plainASCII(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := len(b)
	if n < 8 {
		for _, c := range b {
			// c-1 wraps NUL round to 0xFF: one comparison for both.
			if c-1 >= 0x7F {
				return false
			}
		}
		return true
	}
	var or, zero uint64
	for i := 0; i+8 <= n; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		or |= x
		zero |= (x - ones) &^ x
	}
	x := binary.LittleEndian.Uint64(b[n-8:])
	or |= x
	zero |= (x - ones) &^ x
	// zero has a high bit set for a word with a NUL in it (a byte that
	// subtracting one borrows from), and only then when or has none.
	return (or|zero)&highs == 0
}

// plainASCII8 reports whether the eight bytes of x are ASCII and none is
// NUL: no high bit set, and no byte that subtracting one borrows from.
func plainASCII8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return x&highs == 0 && (x-ones)&^x&highs == 0
}

// decodeMUTF8 decodes modified UTF-8 (JVMS §4.4.7) into a Go string.
// It also reports whether encodeMUTF8 of the result gives back b exactly; when
// it does not (malformed or non-canonical input, which the JVM accepts in some
// places), the caller keeps the raw bytes for a byte-identical write.
func decodeMUTF8(b []byte) (s string, canonical bool) {
	if sameAsUTF8(b) {
		return string(b), true
	}
	return decodeMUTF8Runes(b)
}

// decodeMUTF8Runes is decodeMUTF8 character by character, writing the
// UTF-8 of each straight into the string's bytes. A supplementary character
// arrives as a surrogate pair of two three-byte forms; a lone surrogate,
// which cannot live in a Go string, and a byte that starts no form become
// U+FFFD and make the input not canonical. See JVMS §4.4.7.
func decodeMUTF8Runes(b []byte) (s string, canonical bool) {
	// UTF-8 is no longer than modified UTF-8 but where a stray byte
	// becomes U+FFFD: three bytes for one.
	out := make([]byte, 0, len(b)+8)
	canonical = true
	for i := 0; i < len(b); {
		c := b[i]
		var r rune
		switch {
		case c != 0 && c < 0x80:
			out = append(out, c)
			i++
			continue
		case c&0xE0 == 0xC0 && i+1 < len(b) && b[i+1]&0xC0 == 0x80:
			r = rune(c&0x1F)<<6 | rune(b[i+1]&0x3F)
			if r != 0 && r < 0x80 {
				canonical = false
			}
			i += 2
		case three(b, i):
			r = rune(c&0x0F)<<12 | rune(b[i+1]&0x3F)<<6 | rune(b[i+2]&0x3F)
			if r < 0x800 {
				canonical = false
			}
			i += 3
			if utf16.IsSurrogate(r) {
				lo := rune(-1)
				if r < 0xDC00 && three(b, i) {
					lo = rune(b[i]&0x0F)<<12 | rune(b[i+1]&0x3F)<<6 | rune(b[i+2]&0x3F)
				}
				if lo >= 0xDC00 && lo <= 0xDFFF {
					r = utf16.DecodeRune(r, lo)
					i += 3
				} else {
					r = utf8.RuneError
					canonical = false
				}
			}
		default:
			r = utf8.RuneError
			canonical = false
			i++
		}
		out = utf8.AppendRune(out, r)
	}
	// out is the string's own: nothing writes it after.
	return unsafe.String(unsafe.SliceData(out), len(out)), canonical
}

// three reports whether a three-byte form starts at b[i].
func three(b []byte, i int) bool {
	return i+2 < len(b) && b[i]&0xF0 == 0xE0 && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80
}

// appendMUTF8 appends s in modified UTF-8: NUL as two bytes and characters
// beyond the BMP as a surrogate pair of three-byte forms. See JVMS §4.4.7.
func appendMUTF8(dst []byte, s string) []byte {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// The compiler loads the eight bytes as one word.
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if !plainASCII8(x) {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == 0 || c >= 0x80 {
			return appendMUTF8Slow(append(dst, s[:i]...), s[i:])
		}
	}
	return append(dst, s...)
}

func appendMUTF8Slow(dst []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r != 0 && r < 0x80:
			dst = append(dst, byte(r))
		case r < 0x800:
			dst = append(dst, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
		case r < 0x10000:
			dst = append3(dst, r)
		default:
			hi, lo := utf16.EncodeRune(r)
			dst = append3(append3(dst, hi), lo)
		}
	}
	return dst
}

func append3(dst []byte, r rune) []byte {
	return append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
}

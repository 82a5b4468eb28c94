package classfile

import (
	"bytes"
	"math/rand"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// TestSameAsUTF8 checks the shortcut the pool reader takes for text that
// reads the same as UTF-8 against the character-by-character decoder: on
// every input the shortcut accepts, the decoder must give the bytes
// themselves as the string and call them canonical.
func TestSameAsUTF8(t *testing.T) {
	inputs := [][]byte{
		[]byte("java/lang/Object"),
		[]byte("caf\xc3\xa9 \xe2\x82\xac"),   // é, €
		{0xC0, 0x80},                         // NUL, modified UTF-8's way
		{0x00},                               // a raw NUL: illegal
		{0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}, // a surrogate pair (U+1F600)
		{0xF0, 0x9F, 0x98, 0x80},             // U+1F600 in UTF-8: illegal here
		{0xC1, 0x81},                         // overlong 'A'
		{0xE0, 0x81, 0x81},                   // overlong
		{0xE2, 0x82},                         // cut short
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte{'a', 0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xFF, 0xA0, 0x82}
	for k := range 40000 {
		// Half short and mixed; half long and mostly ASCII, so that the
		// eight-byte steps meet every byte kind at every position.
		b := make([]byte, rng.Intn(8))
		if k%2 == 1 {
			b = make([]byte, 8+rng.Intn(24))
		}
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
			if k%2 == 1 && rng.Intn(8) > 0 {
				b[i] = byte('!' + rng.Intn(94))
			}
		}
		inputs = append(inputs, b)
	}
	accepted := 0
	for _, b := range inputs {
		// The definition, with the standard library's UTF-8 as the judge:
		// valid UTF-8 with no NUL and no four-byte form.
		want := utf8.Valid(b) && !bytes.ContainsFunc(b, func(r rune) bool { return r == 0 || r > 0xFFFF })
		if got := sameAsUTF8(b); got != want {
			t.Errorf("% x: sameAsUTF8 says %v, want %v", b, got, want)
		}
		if !sameAsUTF8(b) {
			continue
		}
		accepted++
		s, canonical := decodeMUTF8Runes(b)
		if s != string(b) || !canonical {
			t.Errorf("% x: the shortcut takes it as itself, the decoder gives %q (canonical %v)", b, s, canonical)
		}
		if enc := appendMUTF8(nil, s); string(enc) != string(b) {
			t.Errorf("% x: encodes back as % x", b, enc)
		}
	}
	// Writing: the word-at-a-time scan must send every string with NUL or
	// non-ASCII to the character-by-character encoder.
	for _, b := range inputs {
		s, _ := decodeMUTF8Runes(b)
		if got, want := appendMUTF8(nil, s), appendMUTF8Slow(nil, s); string(got) != string(want) {
			t.Errorf("%q: encoded as % x, want % x", s, got, want)
		}
	}
	for _, b := range inputs[2:7] {
		if sameAsUTF8(b) {
			t.Errorf("% x: taken for UTF-8", b)
		}
	}
	if accepted < 1000 {
		t.Errorf("only %d inputs took the shortcut: the test checks too little", accepted)
	}
}

// TestDecodeMUTF8Runes holds the decoder that writes UTF-8 bytes directly
// to the one it replaced (runes first, surrogate pairs combined after) on
// random modified UTF-8: pairs, lone and reversed surrogates, NUL in both
// forms, overlong and cut-short forms, stray bytes.
func TestDecodeMUTF8Runes(t *testing.T) {
	pieces := [][]byte{
		{'a'}, {'Z'}, {0x00}, {0xC0, 0x80}, {0xC3, 0xA9}, {0xC1, 0x81}, {0xE2, 0x82, 0xAC},
		{0xE0, 0x81, 0x81}, {0xED, 0xA0, 0xBD}, {0xED, 0xB8, 0x80}, {0xED, 0xAF, 0xBF},
		{0xED, 0xB0, 0x80}, {0xED, 0xBF, 0xBF}, {0xEF, 0xBF, 0xBF}, {0xE2, 0x82}, {0xC3},
		{0x80}, {0xBF}, {0xF0, 0x9F, 0x98, 0x80}, {0xFF},
	}
	rng := rand.New(rand.NewSource(2))
	for range 50000 {
		var b []byte
		for range rng.Intn(10) {
			b = append(b, pieces[rng.Intn(len(pieces))]...)
		}
		got, gotOK := decodeMUTF8Runes(b)
		want, wantOK := decodeMUTF8ByRunes(b)
		if got != want || gotOK != wantOK {
			t.Fatalf("% x: decoded %q (canonical %v), want %q (canonical %v)", b, got, gotOK, want, wantOK)
		}
	}
}

// decodeMUTF8ByRunes is the decoder the reader used before it wrote UTF-8
// bytes directly: the runes first, surrogate pairs combined after.
func decodeMUTF8ByRunes(b []byte) (s string, canonical bool) {
	runes := make([]rune, 0, len(b))
	canonical = true
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c != 0 && c < 0x80:
			runes = append(runes, rune(c))
			i++
		case c&0xE0 == 0xC0 && i+1 < len(b) && b[i+1]&0xC0 == 0x80:
			r := rune(c&0x1F)<<6 | rune(b[i+1]&0x3F)
			if r != 0 && r < 0x80 {
				canonical = false
			}
			runes = append(runes, r)
			i += 2
		case c&0xF0 == 0xE0 && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80:
			r := rune(c&0x0F)<<12 | rune(b[i+1]&0x3F)<<6 | rune(b[i+2]&0x3F)
			if r < 0x800 {
				canonical = false
			}
			runes = append(runes, r)
			i += 3
		default:
			runes = append(runes, utf8.RuneError)
			canonical = false
			i++
		}
	}
	// Supplementary characters arrive as surrogate pairs of two 3-byte forms.
	runes = combineSurrogatesRef(runes, &canonical)
	return string(runes), canonical
}

func combineSurrogatesRef(rs []rune, canonical *bool) []rune {
	out := rs[:0]
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if utf16.IsSurrogate(r) {
			if i+1 < len(rs) && r < 0xDC00 && rs[i+1] >= 0xDC00 && rs[i+1] <= 0xDFFF {
				out = append(out, utf16.DecodeRune(r, rs[i+1]))
				i++
				continue
			}
			// A lone surrogate cannot live in a Go string.
			*canonical = false
			out = append(out, utf8.RuneError)
			continue
		}
		out = append(out, r)
	}
	return out
}

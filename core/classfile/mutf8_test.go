package classfile

import (
	"bytes"
	"math/rand"
	"testing"
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

package exec

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestGenOldKindsUnchanged: the inputs of methods of the old kinds
// (primitives and one-dimensional primitive arrays) are what the generator
// made before arrays of arrays and enums were added, byte for byte (the
// digests were taken from that generator), so earlier runs replay.
func TestGenOldKindsUnchanged(t *testing.T) {
	for spec, want := range map[string]string{
		"a.B.f([BII)V":         "6af0139dcbcc009aca2f7b2b742a720c4ee1109b26516b9215f23fd73478ee29",
		"a.B.g(IJFD[D[J)D":     "9b868f3ff39614e3450eebe3e3d1f06ba2d0c689486a67c359a325a53ac36f9c",
		"a.B.h(ZBCS[Z[C[S[F)I": "f2532413f25284d2f7af0fe924200c6520791f64a3f5a4bbf223de63889324f4",
	} {
		m, err := ParseMethod(spec)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%x", sha256.Sum256([]byte(strings.Join(Inputs(m, 7, 200), "\n"))))
		if got != want {
			t.Errorf("%s: inputs changed (sha256 %s, want %s)", spec, got, want)
		}
	}
}

// TestGenNewKinds: arrays of arrays and enum arguments are well formed
// (each token group read back consumes the line exactly), and come in the
// shapes the generator promises: null, empty, rectangular, ragged, null
// rows, power-of-two row lengths, every enum constant and null.
func TestGenNewKinds(t *testing.T) {
	m, err := ParseMethod("a.B.f([[DLa/E;[[[I)V")
	if err != nil {
		t.Fatal(err)
	}
	m.Enums = map[string]int{"a/E": 3}
	seen := map[string]int{}
	for _, line := range Inputs(m, 5, 2000) {
		tok := strings.Fields(line)[1:]
		at := 0
		var rows func(dims int) (n int, lens []int)
		rows = func(dims int) (int, []int) {
			t0 := tok[at]
			at++
			if t0 == "null" {
				return -1, nil
			}
			n, err := strconv.Atoi(strings.TrimPrefix(t0, "#"))
			if err != nil || t0[0] != '#' {
				t.Fatalf("%q: bad array token %q", line, t0)
			}
			if dims == 1 {
				for k := 0; k < n; {
					e := tok[at]
					at++
					r := 1
					if i := strings.IndexByte(e, '*'); i >= 0 {
						r, _ = strconv.Atoi(e[i+1:])
					}
					k += r
				}
				return n, nil
			}
			var lens []int
			for i := 0; i < n; i++ {
				l, _ := rows(dims - 1)
				lens = append(lens, l)
			}
			return n, lens
		}
		n, lens := rows(2)
		switch {
		case n < 0:
			seen["null"]++
		case n == 0:
			seen["empty"]++
		}
		ragged, nullRow, pow2 := false, false, false
		for _, l := range lens {
			ragged = ragged || l != lens[0] && l >= 0 && lens[0] >= 0
			nullRow = nullRow || l < 0
			pow2 = pow2 || l > 0 && l&(l-1) == 0
		}
		if ragged {
			seen["ragged"]++
		}
		if nullRow {
			seen["null row"]++
		}
		if n == 2 && !ragged && !nullRow && pow2 {
			seen["pair of power-of-two rows"]++
		}
		e := tok[at]
		at++
		seen["enum "+e]++
		rows(3)
		if at != len(tok) {
			t.Fatalf("%q: %d tokens left over", line, len(tok)-at)
		}
	}
	for _, k := range []string{"null", "empty", "ragged", "null row", "pair of power-of-two rows", "enum null", "enum E:a/E:0", "enum E:a/E:1", "enum E:a/E:2"} {
		if seen[k] < 20 {
			t.Errorf("%s: %d of 2000 inputs", k, seen[k])
		}
	}
	if len(seen) != 9 {
		t.Errorf("kinds seen: %v", seen)
	}
}

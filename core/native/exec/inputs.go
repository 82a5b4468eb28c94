// Package exec is the network compiler's differential harness: it runs one
// compiled method on seeded inputs on a target (amd64 inside a JVM, Alpha
// under qemu-alpha) and on HotSpot, and compares what each printed in one
// canonical form (DvmExec.java describes it).
package exec

import (
	"fmt"
	"math"
	"math/rand"
	"strings"

	"dvmlab/core/classfile"
)

// Method names one method: 'pkg.Class.method(DESC)' on the command line.
type Method struct {
	Class string // binary name, pkg.Class (nested classes with $)
	Name  string
	Desc  string
	Sig   *classfile.MethodDescriptor
	// Enums has the number of constants of each enum class a parameter
	// names (internal name), from Resolve.
	Enums map[string]int
}

// ParseMethod reads 'pkg.Class.method(DESC)'.
func ParseMethod(s string) (*Method, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return nil, fmt.Errorf("exec: %q: want pkg.Class.method(DESC)", s)
	}
	dot := strings.LastIndexByte(s[:open], '.')
	if dot <= 0 || dot == open-1 {
		return nil, fmt.Errorf("exec: %q: want pkg.Class.method(DESC)", s)
	}
	m := &Method{Class: strings.ReplaceAll(s[:dot], "/", "."), Name: s[dot+1 : open], Desc: s[open:]}
	sig, err := classfile.ParseMethodDescriptor(m.Desc)
	if err != nil {
		return nil, fmt.Errorf("exec: %q: %v", s, err)
	}
	for i, p := range sig.Params {
		if !paramKind(p) {
			return nil, fmt.Errorf("exec: %q: parameter %d is %s; only primitives, arrays of primitives and enums can be made up", s, i, p.JavaName())
		}
	}
	if r := sig.Return; !r.IsVoid() && !argKind(r) {
		return nil, fmt.Errorf("exec: %q: the result is %s; only primitives and primitive arrays can be compared", s, r.JavaName())
	}
	m.Sig = sig
	return m, nil
}

func argKind(t classfile.FieldType) bool {
	return (t.Dims == 0 && t.Elem != 'L' && t.Elem != 'V') || (t.Dims == 1 && t.Elem != 'L')
}

// paramKind is what a parameter can be: argKind's, arrays of primitives of
// any rank, and a class, which Resolve requires to be an enum.
func paramKind(t classfile.FieldType) bool {
	return argKind(t) || t.Dims > 1 && t.Elem != 'L' || t.Dims == 0 && t.Elem == 'L'
}

// Resolve looks up the enum classes m's parameters name in IN (and the
// JDK), for the generator: a parameter of a class that is no enum cannot
// be made up.
func (m *Method) Resolve(in string) error {
	var enums []string
	for _, p := range m.Sig.Params {
		if p.Dims == 0 && p.Elem == 'L' {
			enums = append(enums, p.Class)
		}
	}
	if len(enums) == 0 {
		return nil
	}
	w, err := openWorld(in)
	if err != nil {
		return err
	}
	defer w.Close()
	m.Enums = map[string]int{}
	for _, e := range enums {
		if !w.isEnum(e) {
			return fmt.Errorf("exec: %s: parameter type %s is not an enum; only primitives, arrays of primitives and enums can be made up", m, e)
		}
		m.Enums[e] = w.enumConstants(e)
	}
	return nil
}

func (m *Method) String() string { return m.Class + "." + m.Name + m.Desc }

// Gen makes seeded inputs. Edge values come often (0, ±1, MIN/MAX, NaN, ±Inf,
// -0.0, the smallest subnormal, null and empty arrays), small non-negative
// ints often too, since kernels take offsets and lengths into their arrays and
// wholly random ones would only ever test the bounds check.
type Gen struct {
	rng *rand.Rand
}

// NewGen starts the generator for a seed.
func NewGen(seed int64) *Gen { return &Gen{rng: rand.New(rand.NewSource(seed))} }

// Input is one line for the runners: a seed for the receiver's fields, then
// the arguments' tokens.
func (g *Gen) Input(m *Method) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d", g.rng.Int63())
	for _, p := range m.Sig.Params {
		sb.WriteByte(' ')
		switch {
		case p.Dims > 1:
			g.nested(&sb, p.Elem, p.Dims, -1)
		case p.Dims == 1:
			g.array(&sb, p.Elem)
		case p.Elem == 'L':
			g.enum(&sb, p.Class, m.Enums[p.Class])
		default:
			sb.WriteString(g.scalar(p.Elem))
		}
	}
	return sb.String()
}

// enum is a constant of enum class by ordinal, "E:CLASS:ORDINAL", or null
// (one time in ten, and always for an enum without constants).
func (g *Gen) enum(sb *strings.Builder, class string, n int) {
	if n == 0 || g.rng.Intn(10) == 0 {
		sb.WriteString("null")
		return
	}
	fmt.Fprintf(sb, "E:%s:%d", class, g.rng.Intn(n))
}

// nested is an array of dims > 1 dimensions of elem: "null" or "#n" and n
// arrays of one dimension less. Its rows are of one length (rectangular)
// three times in four, else ragged, with now and then a null row; lengths
// are often powers of two (transforms reject the rest), and an outer
// length of 2 is frequent (pairs of rows, real and imaginary parts, are a
// common shape). rowLen, when not negative, is the length the rows of a
// rectangular parent asked for.
func (g *Gen) nested(sb *strings.Builder, elem byte, dims, rowLen int) {
	r := g.rng
	if dims == 1 {
		if rowLen < 0 {
			g.array(sb, elem)
			return
		}
		fmt.Fprintf(sb, "#%d", rowLen)
		for i := 0; i < rowLen; i++ {
			sb.WriteByte(' ')
			sb.WriteString(g.scalar(elem))
		}
		return
	}
	var n int
	switch x := r.Intn(20); {
	case x == 0:
		sb.WriteString("null")
		return
	case x == 1:
		n = 0
	case x < 12:
		n = 2
	default:
		n = 1 + r.Intn(4)
	}
	fmt.Fprintf(sb, "#%d", n)
	rect := r.Intn(4) != 0
	inner := g.length()
	for i := 0; i < n; i++ {
		sb.WriteByte(' ')
		switch {
		case r.Intn(12) == 0:
			sb.WriteString("null")
		case rect:
			g.nested(sb, elem, dims-1, inner)
		default:
			g.nested(sb, elem, dims-1, g.length())
		}
	}
}

// length is a row's length: a power of two up to 128 half the time, else
// empty, short or long.
func (g *Gen) length() int {
	r := g.rng
	switch x := r.Intn(20); {
	case x < 10:
		return 1 << r.Intn(8)
	case x == 10:
		return 0
	case x < 17:
		return 1 + r.Intn(16)
	}
	return 16 + r.Intn(100)
}

func (g *Gen) array(sb *strings.Builder, elem byte) {
	r := g.rng
	var n int
	switch x := r.Intn(20); {
	case x == 0:
		sb.WriteString("null")
		return
	case x == 1:
		n = 0
	case x < 12:
		n = 1 + r.Intn(16)
	default:
		n = 16 + r.Intn(100)
	}
	fmt.Fprintf(sb, "#%d", n)
	for i := 0; i < n; i++ {
		sb.WriteByte(' ')
		sb.WriteString(g.scalar(elem))
	}
}

func (g *Gen) scalar(c byte) string {
	r := g.rng
	edge := r.Intn(4) == 0
	switch c {
	case 'Z':
		return fmt.Sprint(r.Intn(2))
	case 'B':
		if edge {
			return fmt.Sprint(pick(r, 0, 1, -1, math.MinInt8, math.MaxInt8))
		}
		return fmt.Sprint(int8(r.Uint32()))
	case 'S':
		if edge {
			return fmt.Sprint(pick(r, 0, 1, -1, math.MinInt16, math.MaxInt16))
		}
		return fmt.Sprint(int16(r.Uint32()))
	case 'C':
		if edge {
			return fmt.Sprint(pick(r, 0, 1, 0x7f, 0x80, 0xffff))
		}
		return fmt.Sprint(uint16(r.Uint32()))
	case 'I':
		if edge {
			return fmt.Sprint(pick(r, 0, 1, -1, 2, math.MinInt32, math.MaxInt32))
		}
		switch r.Intn(3) {
		case 0:
			return fmt.Sprint(r.Intn(33))
		case 1:
			return fmt.Sprint(int32(r.Uint32()) >> uint(r.Intn(32)))
		}
		return fmt.Sprint(int32(r.Uint32()))
	case 'J':
		if edge {
			return fmt.Sprint(pick(r, 0, 1, -1, math.MinInt32, math.MaxInt32, math.MinInt64, math.MaxInt64))
		}
		switch r.Intn(3) {
		case 0:
			return fmt.Sprint(r.Intn(65))
		case 1:
			return fmt.Sprint(int64(r.Uint64()) >> uint(r.Intn(64)))
		}
		return fmt.Sprint(int64(r.Uint64()))
	case 'F':
		var f float32
		if edge {
			f = []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
				math.MaxFloat32, math.SmallestNonzeroFloat32, 2147483648, -2147483904, 9.223372e18}[r.Intn(12)]
		} else {
			f = float32(g.float())
		}
		return fmt.Sprintf("%08x", math.Float32bits(f))
	case 'D':
		var d float64
		if edge {
			d = []float64{0, math.Copysign(0, -1), 1, -1, math.NaN(), math.Inf(1), math.Inf(-1),
				math.MaxFloat64, math.SmallestNonzeroFloat64, 2147483647.5, -2147483648.9, 9.223372036854775807e18, -9.3e18}[r.Intn(13)]
		} else {
			d = g.float()
		}
		return fmt.Sprintf("%016x", math.Float64bits(d))
	}
	panic("exec: scalar of kind " + string(c)) // ParseMethod admits no other
}

// float is a double of a random magnitude, from tiny to huge, sometimes
// integral (where conversions to int and long round-trip and compare equal).
func (g *Gen) float() float64 {
	r := g.rng
	x := (r.Float64()*2 - 1) * math.Pow(10, float64(r.Intn(40)-15))
	if r.Intn(4) == 0 {
		x = math.Trunc(x)
	}
	return x
}

func pick(r *rand.Rand, v ...int64) int64 { return v[r.Intn(len(v))] }

// Inputs makes count input lines from seed.
func Inputs(m *Method, seed int64, count int) []string {
	g := NewGen(seed)
	out := make([]string, count)
	for i := range out {
		out[i] = g.Input(m)
	}
	return out
}

package javap

import (
	"math"
	"math/big"
	"math/bits"
)

// Float and double constants must print exactly as JDK 17's
// Float.toString and Double.toString do, since javap uses them. Those are
// not the shortest round-tripping digits (that came with JDK 19,
// JDK-4511638): the old FloatingDecimal algorithm sometimes emits one digit
// more, or a last digit one off from the shortest. So this is that
// algorithm, step for step, including its fixed-width integer fast paths,
// whose overflow behaviour decides some digits.

const (
	expShift       = 52
	fractHOB       = uint64(1) << expShift
	signifMask     = fractHOB - 1
	expBias        = 1023
	singleExpShift = 23
	singleExpBias  = 127
	maxSmallBinExp = 62
	minSmallBinExp = -(63 / 3)
)

// n5Bits[i] is ceil(i·log2 5), the bits needed for 5^i (FloatingDecimal's
// N_5_BITS; note 0 for i = 0, which feeds its size estimates).
var n5Bits = [...]int{0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61}

func pow5(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 5
	}
	return p
}

// insignificantDigits is, for a value 2^p2, how many low decimal digits
// are noise: floor(log10(2^p2)) for p2 in 2..63.
func insignificantDigits(p2 int) int {
	if p2 <= 1 || p2 >= 64 {
		return 0
	}
	v := uint64(1) << p2
	n := 0
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

// decimal is the digit string and exponent FloatingDecimal produces: the
// value is 0.d1d2d3… × 10^exp.
type decimal struct {
	digits []byte
	exp    int
}

func javaDouble(v float64) string {
	b := math.Float64bits(v)
	neg := b>>63 != 0
	fract := b & signifMask
	binExp := int(b >> expShift & 0x7ff)
	if s, ok := special(neg, binExp == 0x7ff, fract == 0, binExp == 0); ok {
		return s
	}
	var nSig int
	if binExp == 0 {
		lz := bits.LeadingZeros64(fract)
		shift := lz - (63 - expShift)
		fract <<= uint(shift)
		binExp = 1 - shift
		nSig = 64 - lz
	} else {
		fract |= fractHOB
		nSig = expShift + 1
	}
	binExp -= expBias
	return format(neg, dtoa(binExp, fract, nSig))
}

func javaFloat(v float32) string {
	b := math.Float32bits(v)
	neg := b>>31 != 0
	fract := b & (1<<singleExpShift - 1)
	binExp := int(b >> singleExpShift & 0xff)
	if s, ok := special(neg, binExp == 0xff, fract == 0, binExp == 0); ok {
		return s
	}
	var nSig int
	if binExp == 0 {
		lz := bits.LeadingZeros32(fract)
		shift := lz - (31 - singleExpShift)
		fract <<= uint(shift)
		binExp = 1 - shift
		nSig = 32 - lz
	} else {
		fract |= 1 << singleExpShift
		nSig = singleExpShift + 1
	}
	binExp -= singleExpBias
	return format(neg, dtoa(binExp, uint64(fract)<<(expShift-singleExpShift), nSig))
}

func special(neg, maxExp, zeroFract, zeroExp bool) (string, bool) {
	switch {
	case maxExp && zeroFract && neg:
		return "-Infinity", true
	case maxExp && zeroFract:
		return "Infinity", true
	case maxExp:
		return "NaN", true
	case zeroExp && zeroFract && neg:
		return "-0.0", true
	case zeroExp && zeroFract:
		return "0.0", true
	}
	return "", false
}

// dtoa develops the digits of fract × 2^(binExp-52), where fract has its
// high bit at position 52 and nSig significant bits.
func dtoa(binExp int, fract uint64, nSig int) decimal {
	tailZeros := bits.TrailingZeros64(fract)
	nFractBits := expShift + 1 - tailZeros
	nTinyBits := max(0, nFractBits-binExp-1)
	if binExp <= maxSmallBinExp && binExp >= minSmallBinExp &&
		nTinyBits < 27 && nFractBits+n5Bits[nTinyBits] < 64 && nTinyBits == 0 {
		// An integer that fits in a long.
		insig := 0
		if binExp > nSig {
			insig = insignificantDigits(binExp - nSig - 1)
		}
		if binExp >= expShift {
			fract <<= uint(binExp - expShift)
		} else {
			fract >>= uint(expShift - binExp)
		}
		return longDigits(0, int64(fract), insig)
	}

	decExp := estimateDecExp(fract, binExp)
	b5 := max(0, -decExp)
	b2 := b5 + nTinyBits + binExp
	s5 := max(0, decExp)
	s2 := s5 + nTinyBits
	m5 := b5
	m2 := b2 - nSig

	fract >>= uint(tailZeros)
	b2 -= nFractBits - 1
	common := min(b2, s2)
	b2 -= common
	s2 -= common
	m2 -= common
	// At a power of two the next lower value is half as far away.
	if nFractBits == 1 {
		m2--
	}
	if m2 < 0 {
		b2 -= m2
		s2 -= m2
		m2 = 0
	}

	bBits := nFractBits + b2 + n5(b5)
	tenSBits := s2 + 1 + n5(s5+1)
	var digits []byte
	var low, high bool
	var lowDiff int64
	// Java's E-form needs a digit after the point, so when the exponent
	// calls for it the first digit alone never ends the loop.
	eForm := func() bool { return decExp < -3 || decExp >= 8 }
	switch {
	case bBits < 32 && tenSBits < 32:
		b := int32(fract) * int32(pow5(b5)) << uint(b2)
		s := int32(pow5(s5)) << uint(s2)
		m := int32(pow5(m5)) << uint(m2)
		tens := s * 10
		q := b / s
		b = 10 * (b % s)
		m *= 10
		low = b < m
		high = b+m > tens
		if q == 0 && !high {
			decExp--
		} else {
			digits = append(digits, byte('0'+q))
		}
		if eForm() {
			low, high = false, false
		}
		for !low && !high {
			q = b / s
			b = 10 * (b % s)
			m *= 10
			if m > 0 {
				low = b < m
				high = b+m > tens
			} else {
				low, high = true, true
			}
			digits = append(digits, byte('0'+q))
		}
		lowDiff = int64(b<<1 - tens)
	case bBits < 64 && tenSBits < 64:
		b := int64(fract) * pow5(b5) << uint(b2)
		s := pow5(s5) << uint(s2)
		m := pow5(m5) << uint(m2)
		tens := s * 10
		q := b / s
		b = 10 * (b % s)
		m *= 10
		low = b < m
		high = b+m > tens
		if q == 0 && !high {
			decExp--
		} else {
			digits = append(digits, byte('0'+q))
		}
		if eForm() {
			low, high = false, false
		}
		for !low && !high {
			q = b / s
			b = 10 * (b % s)
			m *= 10
			if m > 0 {
				low = b < m
				high = b+m > tens
			} else {
				low, high = true, true
			}
			digits = append(digits, byte('0'+q))
		}
		lowDiff = b<<1 - tens
	default:
		// Arbitrary precision. FloatingDecimal scales B, S and M by a
		// common power of two to speed its division; the comparisons are
		// unchanged by that, so plain big integers give the same digits.
		bv := pow52(b5, b2)
		bv.Mul(bv, new(big.Int).SetUint64(fract))
		sv := pow52(s5, s2)
		mv := pow52(m5+1, m2+1)
		tenS := pow52(s5+1, s2+1)
		q, r := new(big.Int), new(big.Int)
		ten := big.NewInt(10)
		step := func() int {
			q.QuoRem(bv, sv, r)
			bv.Mul(r, ten)
			return int(q.Int64())
		}
		sum := new(big.Int)
		test := func() {
			low = bv.Cmp(mv) < 0
			high = tenS.Cmp(sum.Add(bv, mv)) <= 0
		}
		d := step()
		test()
		if d == 0 && !high {
			decExp--
		} else {
			digits = append(digits, byte('0'+d))
		}
		if eForm() {
			low, high = false, false
		}
		for !low && !high {
			d = step()
			mv.Mul(mv, ten)
			test()
			digits = append(digits, byte('0'+d))
		}
		if high && low {
			lowDiff = int64(new(big.Int).Lsh(bv, 1).Cmp(tenS))
		}
	}
	if len(digits) == 0 {
		// Cannot happen for a finite nonzero value; kept so that no
		// input can index before the first digit.
		digits = append(digits, '0')
	}
	dec := decimal{digits: digits, exp: decExp + 1}
	if high {
		if low {
			if lowDiff == 0 {
				// A tie goes to the even digit.
				if digits[len(digits)-1]&1 != 0 {
					dec.roundUp()
				}
			} else if lowDiff > 0 {
				dec.roundUp()
			}
		} else {
			dec.roundUp()
		}
	}
	return dec
}

func n5(i int) int {
	if i < len(n5Bits) {
		return n5Bits[i]
	}
	return i * 3
}

func pow52(p5, p2 int) *big.Int {
	v := new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(p5)), nil)
	return v.Lsh(v, uint(p2))
}

// estimateDecExp is floor(log10(value)) or one less, from a linear
// approximation of log10 around 1.5, as FloatingDecimal computes it.
func estimateDecExp(fract uint64, binExp int) int {
	d2 := math.Float64frombits(uint64(expBias)<<expShift | fract&signifMask)
	d := (d2-1.5)*0.289529654 + 0.176091259 + float64(binExp)*0.301029995663981
	return int(math.Floor(d))
}

// longDigits develops the digits of an integer value, first rounding away
// the given number of low digits that the binary value cannot resolve.
func longDigits(decExp int, v int64, insig int) decimal {
	if insig != 0 {
		p10 := pow5(insig) << uint(insig)
		residue := v % p10
		v /= p10
		decExp += insig
		if residue >= p10>>1 {
			v++
		}
	}
	var rev []byte
	c := v % 10
	v /= 10
	for c == 0 {
		decExp++
		c = v % 10
		v /= 10
	}
	for v != 0 {
		rev = append(rev, byte('0'+c))
		decExp++
		c = v % 10
		v /= 10
	}
	rev = append(rev, byte('0'+c))
	digits := make([]byte, len(rev))
	for i, d := range rev {
		digits[len(rev)-1-i] = d
	}
	return decimal{digits: digits, exp: decExp + 1}
}

func (d *decimal) roundUp() {
	i := len(d.digits) - 1
	q := d.digits[i]
	if q == '9' {
		for q == '9' && i > 0 {
			d.digits[i] = '0'
			i--
			q = d.digits[i]
		}
		if q == '9' {
			d.exp++
			d.digits[0] = '1'
			return
		}
	}
	d.digits[i] = q + 1
}

// format lays the digits out as Java does: plain notation for
// 10^-3 <= |v| < 10^7, else computerized scientific notation.
func format(neg bool, d decimal) string {
	var b []byte
	if neg {
		b = append(b, '-')
	}
	digits, exp := d.digits, d.exp
	switch {
	case exp > 0 && exp < 8:
		n := min(len(digits), exp)
		b = append(b, digits[:n]...)
		if n < exp {
			for range exp - n {
				b = append(b, '0')
			}
			b = append(b, '.', '0')
		} else {
			b = append(b, '.')
			if n < len(digits) {
				b = append(b, digits[n:]...)
			} else {
				b = append(b, '0')
			}
		}
	case exp <= 0 && exp > -3:
		b = append(b, '0', '.')
		for range -exp {
			b = append(b, '0')
		}
		b = append(b, digits...)
	default:
		b = append(b, digits[0], '.')
		if len(digits) > 1 {
			b = append(b, digits[1:]...)
		} else {
			b = append(b, '0')
		}
		b = append(b, 'E')
		e := exp - 1
		if exp <= 0 {
			b = append(b, '-')
			e = -exp + 1
		}
		b = append(b, []byte(itoa(e))...)
	}
	return string(b)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

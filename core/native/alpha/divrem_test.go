package alpha

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/core/native"
)

// needAlpha skips a test when the cross tools are not installed (make deps
// installs them; CI has them).
func needAlpha(t *testing.T) {
	t.Helper()
	if err := Available(); err != nil {
		t.Skip(err)
	}
}

// divWrappers calls the routine from functions with the standard convention,
// so a C program can drive it: q64/r64 as ldiv/lrem, q32/r32 as idiv/irem
// (operands sign-extended ints, quotient and remainder re-sign-extended by addl).
const divWrappers = `
	.set noreorder
	.set noat
	.set nomacro
	.text
	.globl q64
	.ent q64
q64:
	.frame $30,0,$26,0
	.prologue 0
	mov $16,$24
	mov $17,$25
	bsr $23,dvm_divrem
	mov $27,$0
	ret $31,($26),1
	.end q64
	.globl r64
	.ent r64
r64:
	.frame $30,0,$26,0
	.prologue 0
	mov $16,$24
	mov $17,$25
	bsr $23,dvm_divrem
	mov $24,$0
	ret $31,($26),1
	.end r64
	.globl q32
	.ent q32
q32:
	.frame $30,0,$26,0
	.prologue 0
	addl $16,0,$24
	addl $17,0,$25
	bsr $23,dvm_divrem
	addl $27,0,$0
	ret $31,($26),1
	.end q32
	.globl r32
	.ent r32
r32:
	.frame $30,0,$26,0
	.prologue 0
	addl $16,0,$24
	addl $17,0,$25
	bsr $23,dvm_divrem
	addl $24,0,$0
	ret $31,($26),1
	.end r32
`

const divDriver = `
#include <stdio.h>
#include <stdint.h>
extern int64_t q64(int64_t, int64_t), r64(int64_t, int64_t);
extern int32_t q32(int32_t, int32_t), r32(int32_t, int32_t);
int main(void) {
	long long a, b;
	while (scanf("%lld %lld", &a, &b) == 2) {
		printf("%lld %lld %d %d\n", (long long)q64(a, b), (long long)r64(a, b),
			q32((int32_t)a, (int32_t)b), r32((int32_t)a, (int32_t)b));
	}
	return 0;
}
`

// buildProgram assembles asm for cpu, links it with the C driver and returns
// the executable's path.
func buildProgram(t *testing.T, cpu CPU, asm, driver string) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	obj := filepath.Join(dir, "code.o")
	if err := Assemble(ctx, asm, cpu, obj, nil); err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(dir, "driver.c")
	if err := os.WriteFile(c, []byte(driver), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "prog")
	if err := Link(ctx, cpu, exe, c, obj); err != nil {
		t.Fatal(err)
	}
	return exe
}

// TestDivRemAsGo checks the routine against Go's / and %, which JLS §15.17.2-3
// and the Go specification define alike (truncation; MIN / -1 == MIN, MIN % -1
// == 0): edge values crossed with each other, and seeded random pairs of every
// magnitude, for longs and for ints, under qemu's ev4 and ev67.
func TestDivRemAsGo(t *testing.T) {
	needAlpha(t)
	edges := []int64{0, 1, -1, 2, -2, 3, 7, -7, 10, math.MaxInt32, math.MinInt32, math.MaxInt32 - 1, math.MinInt32 + 1,
		1 << 32, -(1 << 32), math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 0x0123456789abcdef}
	var pairs [][2]int64
	for _, a := range edges {
		for _, b := range edges {
			pairs = append(pairs, [2]int64{a, b})
		}
	}
	rng := rand.New(rand.NewSource(14))
	for i := 0; i < 3000; i++ {
		a := rng.Int63() >> uint(rng.Intn(63))
		b := rng.Int63() >> uint(rng.Intn(63))
		if rng.Intn(2) == 0 {
			a = -a
		}
		if rng.Intn(2) == 0 {
			b = -b
		}
		pairs = append(pairs, [2]int64{a, b})
	}
	var in bytes.Buffer
	var want []string
	for _, p := range pairs {
		a, b := p[0], p[1]
		a32, b32 := int32(a), int32(b)
		if b == 0 || b32 == 0 {
			continue // the compiled code throws before it calls the routine
		}
		fmt.Fprintf(&in, "%d %d\n", a, b)
		want = append(want, fmt.Sprintf("%d %d %d %d", a/b, a%b, a32/b32, a32%b32))
	}
	for _, cpu := range []CPU{EV4, EV67} {
		t.Run(cpu.String(), func(t *testing.T) {
			exe := buildProgram(t, cpu, divWrappers+DivRemText(), divDriver)
			out, err := Run(context.Background(), cpu, exe, in.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(bytes.NewReader(out))
			i := 0
			for ; sc.Scan(); i++ {
				if i >= len(want) {
					t.Fatalf("more lines than inputs: %q", sc.Text())
				}
				if got := sc.Text(); got != want[i] {
					f := strings.Fields(in.String())
					a, _ := strconv.ParseInt(f[2*i], 10, 64)
					b, _ := strconv.ParseInt(f[2*i+1], 10, 64)
					t.Fatalf("%d, %d: got %s, want %s (q64 r64 q32 r32)", a, b, got, want[i])
				}
			}
			if i != len(want) {
				t.Fatalf("%d results for %d inputs", i, len(want))
			}
		})
	}
}

// TestEV4TrapsBWX makes sure the ev4 runs prove something: qemu's ev4 model
// must refuse a BWX instruction that its default model runs, and the
// assembler told -mev4 must refuse it outright.
func TestEV4TrapsBWX(t *testing.T) {
	needAlpha(t)
	asm := `
	.set noreorder
	.set noat
	.set nomacro
	.text
	.globl lb
	.ent lb
lb:
	.frame $30,0,$26,0
	.prologue 0
	ldbu $0,0($16)
	ret $31,($26),1
	.end lb
`
	driver := `#include <stdio.h>
extern unsigned long lb(const unsigned char *);
int main(void) { unsigned char b[8] = {0xfe}; printf("%lu\n", lb(b)); return 0; }
`
	exe := buildProgram(t, EV67, asm, driver)
	out, err := Run(context.Background(), EV67, exe, nil)
	if err != nil || strings.TrimSpace(string(out)) != "254" {
		t.Fatalf("ev67: %q, %v; want 254", out, err)
	}
	if _, err := Run(context.Background(), EV4, exe, nil); err == nil {
		t.Fatal("qemu -cpu ev4 ran ldbu")
	}
	err = Assemble(context.Background(), asm, EV4, filepath.Join(t.TempDir(), "x.o"), nil)
	ae, ok := err.(*native.AsmError)
	if !ok || ae.Line != 11 || !strings.Contains(ae.Msg, "ldbu") {
		t.Fatalf("as -mev4 on ldbu: %v; want an AsmError at line 11", err)
	}
}

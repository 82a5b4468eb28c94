package alpha

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/native"
)

// shadowViolations checks the trap shadow rules (AARM §4.7.7.3) on one
// function's text, independently of closeTrapShadows: a trapping (/s)
// instruction does not write one of its operands, and until the next
// trapb no label, branch, jump, call or return comes, and no instruction
// writes a register a trapping instruction of that stretch reads or writes.
func shadowViolations(asm string) []string {
	var bad []string
	var window []insn // the trapping instructions since the last trapb
	lines := strings.Split(asm, "\n")
	for n, line := range lines {
		t := strings.TrimSpace(line)
		label := strings.HasSuffix(t, ":")
		switch {
		case t == "" || !label && strings.HasPrefix(t, ".") && !strings.HasPrefix(t, ".set macro") && !strings.HasPrefix(t, ".end"):
			continue
		case label || strings.HasPrefix(t, ".set macro") || strings.HasPrefix(t, ".end"):
			if len(window) > 0 {
				bad = append(bad, fmt.Sprintf("line %d: %q inside the shadow of %s", n+1, t, window[0].op))
			}
			window = nil
			continue
		}
		in := parseInsn(t)
		if in.op == "trapb" || in.op == "excb" {
			window = nil
			continue
		}
		for _, w := range window {
			if in.control || in.defd.meets(w.used|w.defd) {
				bad = append(bad, fmt.Sprintf("line %d: %q inside the shadow of %s", n+1, t, w.op))
				break
			}
		}
		if in.traps {
			if in.defd.meets(in.used) {
				bad = append(bad, fmt.Sprintf("line %d: %q overwrites its own operand", n+1, t))
			}
			window = append(window, in)
		}
	}
	return bad
}

// TestTrapShadowRulesOnGCC: the checker accepts what gcc -mieee emits
// for float code (the rules' oracle here: qemu ignores trapb), and finds
// the faults of a hand-broken sequence, which closeTrapShadows mends.
func TestTrapShadowRulesOnGCC(t *testing.T) {
	broken := "\taddt/su $f1,$f2,$f3\n\tmult/su $f3,$f4,$f5\n\tcpys $f9,$f9,$f1\n\tfbne $f5,.L1\n.L1:\n\tret $31,($26),1\n"
	if got := shadowViolations(broken); len(got) != 3 {
		t.Errorf("broken sequence: %q; want the copy over an operand, the branch and the label", got)
	}
	mended := closeTrapShadows(broken)
	if got := shadowViolations(mended); len(got) != 0 {
		t.Errorf("mended:\n%s%q", mended, got)
	}
	if want := "\tmult/su $f3,$f4,$f5\n\ttrapb\n\tcpys $f9,$f9,$f1\n"; strings.Count(mended, "trapb") != 1 || !strings.Contains(mended, want) {
		t.Errorf("mended:\n%swant one trapb, before the copy over an operand (a shadow may hold both trapping instructions)", mended)
	}
	if got := shadowViolations("\tadds/su $f1,$f2,$f1\n\ttrapb\n"); len(got) != 1 {
		t.Errorf("an instruction overwriting its own operand: %q", got)
	}

	gcc, err := exec.LookPath("alpha-linux-gnu-gcc")
	if err != nil {
		t.Skip("no alpha-linux-gnu-gcc (make deps)")
	}
	src := filepath.Join(t.TempDir(), "fp.c")
	os.WriteFile(src, []byte(`
double poly(double x, double a, double b, double c) { double y = a * x + b; return y * x + c / x; }
float mix(float a, float b, float t) { return a + (b - a) * t; }
long chop(double a) { return (long)a; }
float narrow(double a) { return (float)a; }
int less(double a, double b) { return a < b; }
double sum(const double *v, int n) { double s = 0; for (int i = 0; i < n; i++) s += v[i] * v[i]; return s; }
`), 0o644)
	for _, cpu := range []CPU{EV4, EV67} {
		out, err := exec.Command(gcc, "-O2", "-mieee", "-mcpu="+cpu.String(), "-S", "-o", "-", src).CombinedOutput()
		if err != nil {
			t.Fatalf("gcc: %v: %s", err, out)
		}
		asm := string(out)
		if !strings.Contains(asm, "/su") {
			t.Fatalf("gcc -mieee -mcpu=%s gave no /su:\n%s", cpu, asm)
		}
		if cpu.TrapShadows() != strings.Contains(asm, "trapb") {
			t.Errorf("gcc -mieee -mcpu=%s: trapb present %v, CPU.TrapShadows %v", cpu, !cpu.TrapShadows(), cpu.TrapShadows())
		}
		if !cpu.TrapShadows() {
			continue
		}
		if bad := shadowViolations(asm); len(bad) > 0 {
			t.Errorf("%s: the checker rejects gcc's output: %q\n%s", cpu, bad, asm)
		}
	}
}

// TestTrapShadowsKept: every method of sunflow's math and commons-math3's
// FastMath and FFT that lowers for ev4 keeps the rules, and for either CPU
// no trapping instruction overwrites its own operand.
func TestTrapShadowsKept(t *testing.T) {
	libs := []struct{ jar, prefix string }{
		{"/usr/share/java/sunflow.jar", "org/sunflow/math/"},
		{"/usr/share/java/commons-math3.jar", "org/apache/commons/math3/util/FastMath"},
		{"/usr/share/java/commons-math3.jar", "org/apache/commons/math3/transform/FastFourierTransformer"},
	}
	lowered, traps, trapbs := map[CPU]int{}, map[CPU]int{}, map[CPU]int{}
	for _, lib := range libs {
		src, err := classpath.Open(lib.jar)
		if err != nil {
			t.Logf("%s: %v (make deps)", lib.jar, err)
			continue
		}
		err = src.Walk(func(name string, data []byte) error {
			if !strings.HasPrefix(name, lib.prefix) {
				return nil
			}
			c, err := classfile.Parse(data)
			if err != nil {
				return err
			}
			for _, m := range c.Methods {
				for _, cpu := range []CPU{EV4, EV67} {
					f, err := native.Translate(c, m)
					if err == nil {
						err = native.Optimize(f, nil)
					}
					if err != nil {
						break
					}
					asm, err := Lower(f, cpu)
					if err != nil {
						continue
					}
					lowered[cpu]++
					traps[cpu] += strings.Count(asm, "/s")
					trapbs[cpu] += strings.Count(asm, "trapb")
					bad := shadowViolations(asm)
					if !cpu.TrapShadows() {
						bad = slices.DeleteFunc(bad, func(s string) bool { return !strings.Contains(s, "own operand") })
					}
					if len(bad) > 0 {
						t.Errorf("%s.%s%s %s: %q", c.Name(), c.MemberName(m), c.MemberDesc(m), cpu, bad)
					}
				}
			}
			return nil
		})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if lowered[EV4] == 0 {
		t.Skip("no library to lower (make deps)")
	}
	for _, cpu := range []CPU{EV4, EV67} {
		t.Logf("%s: %d functions, %d trapping instructions, %d trapb", cpu, lowered[cpu], traps[cpu], trapbs[cpu])
	}
	if traps[EV4] == 0 || trapbs[EV4] == 0 || trapbs[EV67] != 0 {
		t.Errorf("ev4: %d trapping instructions, %d trapb; ev67: %d trapb: want some, some, none", traps[EV4], trapbs[EV4], trapbs[EV67])
	}
}

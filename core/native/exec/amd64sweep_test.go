package exec

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// amd64Libs are the classes the amd64 sweep compiles: kernelLibs' and,
// besides, jzlib's deflate and inflate (the whole package) and Bouncy
// Castle's block and stream ciphers.
var amd64Libs = func() []struct {
	jar     string
	classes []string
} {
	libs := append(kernelLibs[:0:0], kernelLibs...)
	for i := range libs {
		switch {
		case strings.HasSuffix(libs[i].jar, "/jzlib.jar"):
			libs[i].classes = []string{"com.jcraft.jzlib."}
		case strings.HasSuffix(libs[i].jar, "/bcprov.jar"):
			e := "org.bouncycastle.crypto.engines."
			libs[i].classes = append(append([]string{}, libs[i].classes...),
				e+"AESEngine", e+"AESFastEngine", e+"AESLightEngine", e+"DESEngine", e+"DESedeEngine",
				e+"ChaChaEngine", e+"Salsa20Engine", e+"XSalsa20Engine", e+"BlowfishEngine", e+"TwofishEngine",
				e+"SerpentEngine", e+"RC4Engine", e+"TEAEngine", e+"XTEAEngine", e+"IDEAEngine")
		}
	}
	return libs
}()

// nondeterministic are methods whose outcome no two runs share.
var nondeterministic = map[string]string{
	"org.apache.commons.math3.util.FastMath.random()D": "it returns Math.random()",
}

// quickAMD64 run in every `go test`, on 100 inputs each.
var quickAMD64 = map[string]bool{
	"com.jcraft.jzlib.Adler32.update([BII)V":                       true,
	"com.jcraft.jzlib.CRC32.update([BII)V":                         true,
	"org.bouncycastle.crypto.digests.SHA256Digest.processBlock()V": true,
	"org.apache.lucene.util.BitUtil.zigZagDecode(J)J":              true,
	"org.sunflow.math.QMC.riVDC(II)D":                              true,
}

// TestKernelsOnAMD64 runs the library methods the amd64 compiler accepts in
// a JVM (the classes as the compile service rewrote them, -Xcheck:jni, a
// small heap collected often, -Xverify:all) against HotSpot on the original
// classes. By default the methods of quickAMD64 on 100 inputs;
// DVMLAB_KERNELS_AMD64=1 every method DvmExec can call in amd64Libs' classes
// on 1,000 inputs, DVMLAB_KERNELS_AMD64=jzlib,bcprov those of the jars whose
// names contain one of the words; a word with a dot picks the methods whose
// names contain it (CRC32.combine).
func TestKernelsOnAMD64(t *testing.T) {
	if _, err := exec.LookPath("ld"); err != nil {
		t.Skip("no ld: the compile service links with binutils")
	}
	if _, err := os.Stat(Java() + "/bin/java"); err != nil {
		t.Skip("no JDK")
	}
	sel := os.Getenv("DVMLAB_KERNELS_AMD64")
	full := sel != ""
	count := 100
	if full {
		count = 1000
	}
	ctx := context.Background()
	runs, inputs, differ, slow := 0, 0, 0, 0
	for _, lib := range amd64Libs {
		if !jarPicked(sel, lib.jar) {
			continue
		}
		if _, err := os.Stat(lib.jar); err != nil {
			t.Logf("%s missing (make deps)", lib.jar)
			continue
		}
		classes := lib.classes
		if !full {
			classes = nil
			for spec := range quickAMD64 {
				if m, err := ParseMethod(spec); err == nil {
					for _, p := range lib.classes {
						if strings.HasPrefix(m.Class, p) {
							classes = append(classes, m.Class)
						}
					}
				}
			}
			if len(classes) == 0 {
				continue
			}
		}
		t0 := time.Now()
		a, err := PrepareAMD64(lib.jar, t.TempDir(), classes...)
		if err != nil {
			t.Fatal(err)
		}
		a.Options = []string{"-Xverify:all"}
		t.Logf("%s: %d of %d methods native (%d of %d bytes of bytecode), %d callable by the harness",
			lib.jar, a.Stats.Compiled, a.Stats.Methods, a.Stats.CompiledBC, a.Stats.Bytecodes, len(a.Runnable))
		libRuns, libDiffer, libSlow := 0, 0, 0
		var ms []*Method
		for _, spec := range a.Runnable {
			if !full && !quickAMD64[spec] || !methodPicked(sel, spec) {
				continue
			}
			if why, ok := nondeterministic[spec]; ok {
				t.Logf("%s: not compared: %s", spec, why)
				continue
			}
			m, err := ParseMethod(spec)
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		// One JVM a side for the methods of a class; a method whose batch
		// failed runs alone, which says why.
		for len(ms) > 0 {
			n := 1
			for n < len(ms) && ms[n].Class == ms[0].Class {
				n++
			}
			cls := ms[:n]
			ms = ms[n:]
			results := sweepClass(ctx, a, cls, count)
			for i, m := range cls {
				r, err := results[i].r, results[i].err
				if results[i].alone != nil {
					t.Logf("%s ran alone: %v", m, results[i].alone)
				}
				if errors.Is(err, context.DeadlineExceeded) {
					t.Logf("%s: not done in %v on either side: %v", m, aloneTime, err)
					libSlow++
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", m, err)
					continue
				}
				libRuns++
				inputs += r.Inputs
				libDiffer += r.Differ
				if r.Differ > 0 {
					t.Errorf("amd64 %s: %s", m, strings.TrimSpace(r.String()))
				} else if testing.Verbose() {
					t.Logf("amd64 %s: %d agree", m, r.Agree)
				}
			}
		}
		runs += libRuns
		differ += libDiffer
		slow += libSlow
		t.Logf("%s: %d methods run on %d inputs each, %d differ, %d not done in time, %v", lib.jar, libRuns, count, libDiffer, libSlow, time.Since(t0).Round(time.Second))
	}
	t.Logf("kernels on amd64: %d methods, %d inputs, %d differ; %d methods not done in time", runs, inputs, differ, slow)
	if !full && runs != len(quickAMD64) {
		t.Errorf("%d of the %d quick kernels ran: the rest did not compile to native or are missing", runs, len(quickAMD64))
	}
}

// runBoth runs m on HotSpot (the original classes) and on the amd64 target
// side by side and compares; extra are JVM options for both sides.
func runBoth(ctx context.Context, a *AMD64, m *Method, inputs []string, extra ...string) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, aloneTime)
	defer cancel()
	var want, got []string
	var werr, gerr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// The target's heap, so that an allocation too big for it fails alike.
		want, werr = JVM{ClassPath: []string{a.In}, Options: append(append([]string{}, HeapOptions...), extra...)}.Run(ctx, m, inputs)
	}()
	b := *a
	b.Options = append(append([]string{}, a.Options...), extra...)
	got, gerr = b.Run(ctx, m, inputs)
	wg.Wait()
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	if werr != nil {
		return Result{}, werr
	}
	if gerr != nil {
		return Result{}, gerr
	}
	return recheckOOM(ctx, a, m, inputs, want, got, extra), nil
}

// recheckOOM compares, and runs again the inputs on which one side ran out
// of memory and the other did not, with a heap 20 times as big on both
// sides. In 24 MB, whether a 21 MB array fits depends on what else is live
// at that moment (the target's collector-stressing thread, its library),
// not on the code: MD5Digest.getEncodedState with xOff 5,383,232 allocates
// 21.5 MB and HotSpot's side fitted it once where the target's did not.
func recheckOOM(ctx context.Context, a *AMD64, m *Method, inputs, want, got, extra []string) Result {
	oom := func(s string) bool { return strings.HasPrefix(s, "exc java/lang/OutOfMemoryError") }
	var again []int
	for i := range inputs {
		if i < len(want) && i < len(got) && want[i] != got[i] && oom(want[i]) != oom(got[i]) {
			again = append(again, i)
		}
	}
	if len(again) > 0 && len(extra) == 0 {
		sub := make([]string, len(again))
		for k, i := range again {
			sub[k] = inputs[i]
		}
		var w2, g2 []string
		var werr, gerr error
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			w2, werr = JVM{ClassPath: []string{a.In}, Options: append(append([]string{}, HeapOptions...), bigHeap)}.Run(ctx, m, sub)
		}()
		b := *a
		b.Options = append(append([]string{}, a.Options...), bigHeap)
		g2, gerr = b.Run(ctx, m, sub)
		wg.Wait()
		if werr == nil && gerr == nil {
			want, got = append([]string{}, want...), append([]string{}, got...)
			for k, i := range again {
				want[i], got[i] = w2[k], g2[k]
			}
		}
	}
	return Compare(inputs, want, got)
}

// bigHeap is recheckOOM's heap (the last -Xmx given wins).
const bigHeap = "-Xmx480m"

// methodPicked says whether spec is among the methods the words of sel
// with a dot in them name (all methods when no word has one).
// jarPicked reports whether a sweep selection (a comma-separated list of
// words; "" and "1" take everything) takes the methods of jar: a word in
// the jar's name does, and a word with a dot names methods, which
// methodPicked then chooses among every jar's.
func jarPicked(sel, jar string) bool {
	if sel == "" || sel == "1" {
		return true
	}
	for _, w := range strings.Split(sel, ",") {
		if strings.Contains(jar, w) || strings.Contains(w, ".") {
			return true
		}
	}
	return false
}

func methodPicked(sel, spec string) bool {
	any := false
	for _, w := range strings.Split(sel, ",") {
		if strings.Contains(w, ".") {
			any = true
			if strings.Contains(spec, w) {
				return true
			}
		}
	}
	return !any
}

// A class's batch and a method alone get this long: some methods loop as
// often as an argument says (jzlib's Tree.bi_reverse up to 2^31 times), and
// on 1,000 random ints would run for hours on either side.
const batchTime, aloneTime = 4 * time.Minute, 2 * time.Minute

type sweepResult struct {
	r     Result
	err   error
	alone error // why the method ran alone, nil when its batch served
}

// sweepClass runs the methods of one class on count inputs each, HotSpot's
// JVM and the target's side by side, each running them all; a method whose
// batch failed, or every method when the target's JVM did, runs alone.
func sweepClass(ctx context.Context, a *AMD64, ms []*Method, count int) []sweepResult {
	out := make([]sweepResult, len(ms))
	want, got := make([]*Batch, len(ms)), make([]*Batch, len(ms))
	for i, m := range ms {
		in := Inputs(m, 14, count)
		want[i] = &Batch{M: m, Inputs: in}
		got[i] = &Batch{M: m, Inputs: in}
	}
	bctx, cancel := context.WithTimeout(ctx, batchTime)
	defer cancel()
	var werr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		werr = JVM{ClassPath: []string{a.In}, Options: HeapOptions}.RunMany(bctx, want)
	}()
	gerr := a.RunMany(bctx, got)
	wg.Wait()
	for i, m := range ms {
		if werr != nil || gerr != nil || want[i].Err != nil || got[i].Err != nil {
			out[i].alone = errors.Join(werr, gerr, want[i].Err, got[i].Err)
			out[i].r, out[i].err = runBoth(ctx, a, m, want[i].Inputs)
			continue
		}
		out[i].r = recheckOOM(ctx, a, m, want[i].Inputs, want[i].Lines, got[i].Lines, nil)
	}
	return out
}

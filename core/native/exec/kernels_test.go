package exec

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"dvmlab/core/native/alpha"
)

// kernelLibs are the kernels of Debian libraries nobody here wrote: the
// classes whose accepted methods the differential runs cover.
var kernelLibs = []struct {
	jar     string
	classes []string
}{
	{"/usr/share/java/jzlib.jar", []string{"com.jcraft.jzlib.Adler32", "com.jcraft.jzlib.CRC32"}},
	{"/usr/share/java/bcprov.jar", []string{"org.bouncycastle.crypto.digests.SHA256Digest", "org.bouncycastle.crypto.digests.SHA1Digest", "org.bouncycastle.crypto.digests.MD5Digest"}},
	{"/usr/share/java/commons-math3.jar", []string{"org.apache.commons.math3.transform.FastFourierTransformer", "org.apache.commons.math3.util.FastMath"}},
	{"/usr/share/java/lucene-core-4.10.4.jar", []string{"org.apache.lucene.codecs.compressing.LZ4", "org.apache.lucene.util.BitUtil", "org.apache.lucene.util.MathUtil"}},
	{"/usr/share/java/sunflow.jar", []string{"org.sunflow.math."}},
}

// quickKernels run in every `go test`: the kernels the issue names (the
// FFT's transform in TestFFTOnAlpha, which also checks its inputs reach
// each of its outcomes).
var quickKernels = map[string]bool{
	"com.jcraft.jzlib.Adler32.update([BII)V":                       true,
	"com.jcraft.jzlib.CRC32.update([BII)V":                         true,
	"org.bouncycastle.crypto.digests.SHA256Digest.processBlock()V": true,
	"org.apache.lucene.util.BitUtil.zigZagDecode(J)J":              true,
	"org.sunflow.math.QMC.riVDC(II)D":                              true,
}

// TestKernelsOnAlpha runs the library kernels the Alpha back end compiles
// under qemu-alpha as ev4 and ev67 against HotSpot. By default the kernels
// in quickKernels on 100 inputs; DVMLAB_KERNELS=1 runs every accepted
// method of the classes the amd64 sweep covers (amd64Libs: kernelLibs' plus
// jzlib's deflate and inflate and Bouncy Castle's ciphers) on 1,000 inputs,
// and DVMLAB_KERNELS=jzlib,lucene those of the jars whose names contain one
// of the words; a word with a dot picks the methods whose names contain it.
// HotSpot gets aloneTime for a method's inputs, each Alpha CPU alphaTime:
// some methods loop as often as an argument says, for hours under qemu.
func TestKernelsOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	full := os.Getenv("DVMLAB_KERNELS") != ""
	count := 100
	if full {
		count = 1000
	}
	ctx := context.Background()
	total, differ, slow := 0, 0, 0
	libs := kernelLibs
	if full {
		libs = amd64Libs
	}
	for _, lib := range libs {
		if !jarPicked(os.Getenv("DVMLAB_KERNELS"), lib.jar) {
			continue
		}
		if _, err := os.Stat(lib.jar); err != nil {
			t.Logf("%s missing (make deps)", lib.jar)
			continue
		}
		acc, err := Accept(lib.jar, lib.classes...)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s", acc)
		for _, spec := range acc.Runnable {
			if !full && !quickKernels[spec] || !methodPicked(os.Getenv("DVMLAB_KERNELS"), spec) {
				continue
			}
			if why, ok := nondeterministic[spec]; ok {
				t.Logf("%s: not compared: %s", spec, why)
				continue
			}
			m, err := ParseMethod(spec)
			if err == nil {
				err = m.Resolve(lib.jar)
			}
			if err != nil {
				t.Fatal(err)
			}
			inputs := Inputs(m, 14, count)
			snap, err := Alpha{In: lib.jar, CPU: alpha.EV4}.Snapshot(m)
			if err != nil {
				t.Errorf("%s: %v", spec, err)
				continue
			}
			jctx, cancel := context.WithTimeout(ctx, aloneTime)
			lines, err := JVM{ClassPath: []string{lib.jar}, Pre: true, Snapshot: snap}.Run(jctx, m, inputs)
			cancel()
			if errors.Is(jctx.Err(), context.DeadlineExceeded) {
				t.Logf("%s: not done in %v on HotSpot: %v", spec, aloneTime, err)
				slow++
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", spec, err)
				continue
			}
			pres, want := make([]string, count), make([]string, count)
			for i := range inputs {
				pres[i], want[i] = lines[2*i], lines[2*i+1]
			}
			for _, cpu := range []alpha.CPU{alpha.EV4, alpha.EV67} {
				actx, cancel := context.WithTimeout(ctx, alphaTime)
				got, err := Alpha{In: lib.jar, CPU: cpu}.Run(actx, m, inputs, pres)
				cancel()
				if errors.Is(actx.Err(), context.DeadlineExceeded) {
					t.Logf("%s %s: not done in %v under qemu-alpha: %v", cpu, spec, alphaTime, err)
					slow++
					continue
				}
				if err != nil {
					t.Errorf("%s %s: %v", spec, cpu, err)
					continue
				}
				r := Compare(inputs, want, got)
				total += r.Inputs
				differ += r.Differ
				t.Logf("%s %s: %d agree, %d differ", cpu, spec, r.Agree, r.Differ)
				if r.Differ > 0 {
					t.Errorf("%s %s: %s", cpu, spec, strings.TrimSpace(r.String()))
				}
			}
		}
	}
	t.Logf("kernels on Alpha: %d inputs, %d differ; %d runs not done in time", total, differ, slow)
}

// alphaTime bounds one CPU's run of one method's 1,000 inputs under
// qemu-alpha, which emulates some 20-50 times slower than the host runs.
const alphaTime = 10 * time.Minute

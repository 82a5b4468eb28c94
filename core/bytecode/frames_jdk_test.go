package bytecode_test

import (
	"os"
	"testing"
	"time"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/verify"
)

// TestComputeFramesJDK recomputes the frames of every method of the JDK (or
// java.base with -short) and checks that nothing fails, that no class
// needed for a merge is missing, and that core/verify's strict domain
// accepts every class so re-framed. HotSpot's verdict on the result is
// checked by the java.base patch-module test.
func TestComputeFramesJDK(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	h := classpath.NewHierarchy(jdk)
	var src classpath.Source = jdk
	if testing.Short() {
		src = jdk.Module("java.base")
	}
	classes, methods, frames, failed, rejected := 0, 0, 0, 0, 0
	missing := map[string]bool{}
	t0 := time.Now()
	err = src.Walk(func(name string, data []byte) error {
		c, err := classfile.Parse(data)
		if err != nil {
			return err
		}
		classes++
		fc := bytecode.NewFrameComputer(c, h)
		for _, m := range c.Methods {
			if m.Code() == nil {
				continue
			}
			methods++
			r, err := fc.Compute(m)
			if err != nil {
				failed++
				if failed <= 10 {
					t.Errorf("%v", err)
				}
				continue
			}
			frames += r.Frames
			for _, n := range r.Missing {
				missing[n] = true
			}
		}
		out, err := c.Write()
		if err != nil {
			t.Errorf("%s: write: %v", name, err)
			return nil
		}
		// Every frame we compute must pass our own type checker, with no
		// JVM involved; HotSpot's verdict is the service's patch-module
		// test.
		if name != "module-info" {
			if r := verify.Verify(out, h); r.Err != nil {
				rejected++
				if rejected <= 20 {
					t.Errorf("recomputed frames rejected: %v", r.Err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d classes, %d methods, %d frames computed, %d failed, %d rejected by the verifier, %v", classes, methods, frames, failed, rejected, time.Since(t0))
	if len(missing) > 0 {
		t.Errorf("classes missing from the JDK's own hierarchy: %v", missing)
	}
}

// BenchmarkComputeFrames recomputes every method's frames in java.base.
func BenchmarkComputeFrames(b *testing.B) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		b.Skip(err)
	}
	defer jdk.Close()
	h := classpath.NewHierarchy(jdk)
	var classes [][]byte
	walkSrc(jdk).Walk(func(name string, data []byte) error {
		classes = append(classes, data)
		return nil
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, data := range classes {
			c, _ := classfile.Parse(data)
			fc := bytecode.NewFrameComputer(c, h)
			for _, m := range c.Methods {
				if m.Code() != nil {
					if _, err := fc.Compute(m); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
	b.ReportMetric(float64(len(classes)*b.N)/b.Elapsed().Seconds(), "classes/s")
}

// walkSrc is java.base, or the whole JDK with DVMLAB_CORPUS=jdk.
func walkSrc(jdk *classpath.JDK) classpath.Source {
	if os.Getenv("DVMLAB_CORPUS") == "jdk" {
		return jdk
	}
	return jdk.Module("java.base")
}

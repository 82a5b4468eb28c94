package verify

import (
	"os"
	"testing"
	"time"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// TestRecomputedFramesVerify recomputes the frames of every method of JDK
// classes (every 20th class, java.base alone with -short, all of them with
// DVMLAB_CORPUS=jdk) and runs the verifier on the result: every frame we
// compute must pass our own type checker, with no JVM involved. HotSpot's
// verdict on recomputed frames is the service's patch-module test.
func TestRecomputedFramesVerify(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	h := classpath.NewHierarchy(jdk)
	var src classpath.Source = jdk
	every := 20
	if os.Getenv("DVMLAB_CORPUS") == "jdk" {
		every = 1
	} else if testing.Short() {
		src = jdk.Module("java.base")
	}
	k, classes, methods, failed := 0, 0, 0, 0
	t0 := time.Now()
	err = src.Walk(func(name string, data []byte) error {
		k++
		if k%every != 0 || name == "module-info" {
			return nil
		}
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
			if _, err := fc.Compute(m); err != nil {
				t.Errorf("%s: %v", name, err)
				return nil
			}
		}
		out, err := c.Write()
		if err != nil {
			t.Errorf("%s: write: %v", name, err)
			return nil
		}
		if r := Verify(out, h); r.Err != nil {
			failed++
			if failed <= 20 {
				t.Errorf("recomputed frames rejected: %v", r.Err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d classes, %d methods re-framed and verified in %v: %d rejected", classes, methods, time.Since(t0), failed)
}

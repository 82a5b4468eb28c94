package verify

import (
	"os"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/datasets"
)

// TestAcceptsJDK verifies JDK classes (every 20th, or all with
// DVMLAB_CORPUS=jdk): HotSpot loads every one of them, so every one must
// be accepted.
func TestAcceptsJDK(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	h := classpath.NewHierarchy(jdk)
	every := 20
	if os.Getenv("DVMLAB_CORPUS") == "jdk" {
		every = 1
	}
	n, rejected, assumptions := 0, 0, 0
	t0 := time.Now()
	k := 0
	err = jdk.Walk(func(name string, data []byte) error {
		k++
		if k%every != 0 || name == "module-info" {
			return nil
		}
		n++
		r := Verify(data, h)
		if r.Err != nil {
			rejected++
			if rejected <= 20 {
				t.Errorf("%v", r.Err)
			}
		}
		assumptions += r.Deferred
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d JDK classes verified in %v: %d rejected, %d assumptions deferred", n, time.Since(t0), rejected, assumptions)
}

// TestAcceptsDebianPrograms verifies every class of the real programs.
func TestAcceptsDebianPrograms(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	for _, p := range datasets.All() {
		if len(p.Missing()) > 0 {
			continue
		}
		var finders []classpath.Finder
		var srcs []classpath.Source
		for _, j := range p.Classpath(datasets.RunConfig{}) {
			s, err := classpath.Open(j)
			if err != nil {
				t.Fatal(err)
			}
			srcs = append(srcs, s)
			finders = append(finders, s)
		}
		h := classpath.NewHierarchy(append(finders, jdk)...)
		n, rejected, static, deferred := 0, 0, 0, 0
		for _, j := range p.Jars {
			s, _ := classpath.Open(j)
			s.Walk(func(name string, data []byte) error {
				n++
				r := Verify(data, h)
				if r.Err != nil {
					rejected++
					if rejected <= 5 {
						t.Errorf("%s: %v", p.Name, r.Err)
					}
				}
				static += r.Static
				deferred += r.Deferred
				return nil
			})
			s.Close()
		}
		for _, s := range srcs {
			s.Close()
		}
		t.Logf("%s: %d classes, %d rejected; %d checks static, %d deferred", p.Name, n, rejected, static, deferred)
	}
}

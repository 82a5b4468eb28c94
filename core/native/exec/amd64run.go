package exec

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/native"
	"dvmlab/core/service"
	"dvmlab/core/service/compile"
)

// AMD64 is the amd64 target of the harness: classes of In rewritten by the
// compile service (their compiled methods native, each class loading its
// library from its static initializer, JNI specification chapter 2), written
// to Dir, which comes before In on the class path so the JVM loads them
// instead of the originals. PrepareAMD64 makes it.
type AMD64 struct {
	In, Dir string
	// Options are the JVM's beyond CheckedOptions (e.g. -Xverify:all).
	Options []string
	// Stats are the compile service's counts over the classes rewritten.
	Stats compile.Stats
	// Native lists the methods that became native, 'pkg.Class.method(DESC)',
	// sorted; Runnable those of them DvmExec can call (primitive and
	// primitive-array parameters and result, static or with a no-argument
	// constructor in a concrete class).
	Native, Runnable []string
	// Skipped says why the other methods stayed bytecode, by method.
	Skipped map[string]string
}

// PrepareAMD64 runs the compile service (for amd64, upcalls kept: a
// differential run tests every method the compiler can do, as `dvmlab
// compile --exec` does) over the classes of in whose binary names start
// with one of prefixes (every class when none), writing those that gained
// native methods to dir.
func PrepareAMD64(in, dir string, prefixes ...string) (*AMD64, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	src, err := classpath.Open(in)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return nil, fmt.Errorf("exec: the JDK is needed for the frames of rewritten classes: %w", err)
	}
	defer jdk.Close()
	svc, err := compile.New(compile.Options{Arch: "amd64", Upcalls: native.UpcallsKeep, Dir: abs})
	if err != nil {
		return nil, err
	}
	p := &service.Pipeline{Services: []service.Service{svc}, Classpath: []classpath.Finder{src, jdk}, SkipMissing: true}
	a := &AMD64{In: in, Dir: abs, Skipped: map[string]string{}}
	err = src.Walk(func(name string, data []byte) error {
		bin := strings.ReplaceAll(strings.TrimSuffix(name, ".class"), "/", ".")
		if !hasPrefix(bin, prefixes) {
			return nil
		}
		res, err := p.Process(data)
		if err != nil {
			return fmt.Errorf("exec: compile %s: %v", bin, err)
		}
		for _, r := range res.Reports {
			for _, n := range r.Notes {
				if k, why, ok := strings.Cut(n, " stays bytecode: "); ok {
					a.Skipped[k] = why
				} else if strings.HasPrefix(n, "no library") || strings.HasPrefix(n, "cannot") {
					return fmt.Errorf("exec: compile %s: %s", bin, n)
				}
			}
		}
		c, err := classfile.Parse(res.Out)
		if err != nil {
			return fmt.Errorf("exec: the compiled %s does not parse: %v", bin, err)
		}
		if a.add(c, data) == 0 {
			return nil // nothing of this class became native: the original serves
		}
		out := filepath.Join(abs, filepath.FromSlash(c.Name())+".class")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, res.Out, 0o644)
	})
	if err != nil {
		return nil, err
	}
	a.Stats = svc.Stats()
	sort.Strings(a.Runnable)
	return a, nil
}

// add notes the native methods of the rewritten class c (orig as it came)
// and returns how many there are.
func (a *AMD64) add(c *classfile.Class, orig []byte) int {
	hasCtor := c.Method("<init>", "()V") != nil
	concrete := !c.Access.Has(classfile.AccAbstract) && !c.Access.Has(classfile.AccInterface)
	o, err := classfile.Parse(orig)
	if err != nil {
		return 0
	}
	n := 0
	for _, m := range c.Methods {
		if !m.Access.Has(classfile.AccNative) {
			continue
		}
		// A method native in the original is the library's, not ours.
		if om := o.Method(c.MemberName(m), c.MemberDesc(m)); om == nil || om.Access.Has(classfile.AccNative) {
			continue
		}
		spec := classfile.BinaryName(c.Name()) + "." + c.MemberName(m) + c.MemberDesc(m)
		a.Native = append(a.Native, spec)
		n++
		if _, err := ParseMethod(spec); err == nil && concrete && (m.Access.Has(classfile.AccStatic) || hasCtor) {
			a.Runnable = append(a.Runnable, spec)
		}
	}
	return n
}

// Run runs m on the inputs in a JVM over the rewritten classes (RunMany
// with one method) and returns one outcome line per input.
func (a *AMD64) Run(ctx context.Context, m *Method, inputs []string) ([]string, error) {
	b := &Batch{M: m, Inputs: inputs}
	if err := a.RunMany(ctx, []*Batch{b}); err != nil {
		return nil, err
	}
	return b.Lines, b.Err
}

// jniWarning is the first line of -Xcheck:jni's complaints in a JVM's
// standard error, "" when there is none.
func jniWarning(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "WARNING in native method") || strings.Contains(l, "FATAL ERROR in native method") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// RunMany runs several methods in one JVM over the rewritten classes
// (JVM.RunMany), with JNI checked, a small heap (CheckedOptions) and a
// thread that keeps the collector busy (DvmBatch.java). A -Xcheck:jni
// warning is the error returned, without saying whose it is: run the
// methods alone to find out; it is an error even where the results agree,
// since the compiled code broke a rule of JNI.
func (a *AMD64) RunMany(ctx context.Context, bs []*Batch) error {
	var stderr bytes.Buffer
	opts := append(append([]string{}, CheckedOptions...), GCStress)
	j := JVM{ClassPath: []string{a.Dir, a.In}, Options: append(opts, a.Options...), Stderr: &stderr}
	if err := j.RunMany(ctx, bs); err != nil {
		return err
	}
	if w := jniWarning(stderr.String()); w != "" {
		return fmt.Errorf("exec: under -Xcheck:jni: %s", w)
	}
	return nil
}

// GCStress makes DvmBatch allocate on a thread of its own all the time.
const GCStress = "-Ddvmexec.gcstress=true"

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/native"
	"dvmlab/core/native/exec"
	_ "dvmlab/experiments/compiler" // registers the compiler experiment
)

func init() { compileExec = runCompileExec }

// runCompileExec is `dvmlab compile --arch A [--cpu C] --exec M --seed N
// --count K IN`: the differential harness of package exec.
func runCompileExec(env *Env, args []string) error {
	cmd := Lookup("compile")
	fs := newFlags(env, cmd)
	arch := fs.String("arch", "amd64", "target: amd64 (in a JVM, -Xcheck:jni, a small heap) or alpha (under qemu-alpha)")
	cpu := fs.String("cpu", "", "alpha: ev4 or ev67")
	upcalls := fs.String("upcalls", native.UpcallsKeep, "keep (the default here): compile the method even where its JNI upcalls make it slower than bytecode, since a differential run must test every method the compiler can do; decline: as `compile` does by default")
	method := fs.String("exec", "", "the method, 'pkg.Class.method(DESC)'")
	seed := fs.Int64("seed", 1, "seed of the inputs")
	count := fs.Int("count", 1000, "number of inputs")
	timeout := fs.Duration("timeout", exec.DefaultTimeout, "how long each side (HotSpot, the target) may take over all the inputs")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 || *method == "" {
		return usageError(cmd, "--exec needs a method and exactly one IN")
	}
	if _, err := native.ParseUpcalls(*upcalls); err != nil {
		return usageError(cmd, "--upcalls takes keep or decline, not %q", *upcalls)
	}
	cfg := exec.Config{In: pos[0], Arch: *arch, CPU: *cpu, Method: *method, Seed: *seed, Count: *count, Timeout: *timeout}
	if *arch == "amd64" {
		dir, err := os.MkdirTemp("", "dvmexec-amd64")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.AMD64 = func(ctx context.Context, m *exec.Method, inputs []string) ([]string, error) {
			return runAMD64(ctx, env, pos[0], dir, *upcalls, m, inputs)
		}
	}
	r, err := exec.Run(context.Background(), cfg)
	var left *exec.LeftAsBytecode
	if errors.As(err, &left) {
		fmt.Fprintf(env.Stdout, "%s\n", left)
		return &ExitError{Code: 1}
	}
	if err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, r)
	if r.Differ > 0 {
		return &ExitError{Code: 1}
	}
	return nil
}

// runAMD64 compiles IN with the compile service (the method's class
// rewritten, its library beside it), checks the method did become native,
// and runs it in a JVM with JNI checked and a small, often collected heap.
func runAMD64(ctx context.Context, env *Env, in, dir, upcalls string, m *exec.Method, inputs []string) ([]string, error) {
	out := filepath.Join(dir, filepath.Base(strings.TrimRight(in, "/")))
	quiet := &Env{Stdin: env.Stdin, Stdout: env.Stdout, Stderr: &strings.Builder{}}
	if err := compileRewrite(quiet, in, out, "amd64", "", upcalls, ""); err != nil {
		return nil, fmt.Errorf("compile: %v: %s", err, quiet.Stderr)
	}
	c, err := exec.LoadClass(out, m.Class)
	if err != nil {
		return nil, err
	}
	isNative := false
	for _, mm := range c.Methods {
		if c.MemberName(mm) == m.Name && c.MemberDesc(mm) == m.Desc {
			isNative = mm.Access.Has(classfile.AccNative)
		}
	}
	if !isNative {
		return nil, &exec.LeftAsBytecode{Method: m.String(), Reason: fmt.Errorf("the compile service did not make it native: %s", strings.TrimSpace(fmt.Sprint(quiet.Stderr)))}
	}
	return exec.JVM{ClassPath: []string{out}, Options: exec.CheckedOptions}.Run(ctx, m, inputs)
}

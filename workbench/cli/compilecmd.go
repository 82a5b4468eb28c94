package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/native"
	"dvmlab/core/native/ir"
	"dvmlab/core/service"
	"dvmlab/core/service/compile"
)

// compileExec runs `dvmlab compile --exec`: one compiled method against
// HotSpot on seeded inputs. The differential harness sets it in its init;
// a build without the harness leaves it nil.
var compileExec func(env *Env, args []string) error

func init() {
	Register(&Command{
		Name:    "compile",
		Usage:   "compile --arch amd64|alpha [--cpu ev4|ev67] [--upcalls decline|keep] [--emit ir|asm|obj] [--only CLASS[.METHOD]] IN [-o OUT]  |  compile --arch A [--cpu C] [--upcalls keep|decline] --exec 'pkg.Class.method(DESC)' --seed N --count K [--timeout D] IN",
		Summary: "the network compiler: methods to native code (amd64: rewritten classes plus the library; --emit shows each stage)",
		Example: "dvmlab compile --arch amd64 --emit ir --only com.jcraft.jzlib.Adler32.update /usr/share/java/jzlib.jar",
		Run:     runCompile,
	})
}

func runCompile(env *Env, args []string) error {
	for _, a := range args {
		if a == "--exec" || a == "-exec" || strings.HasPrefix(a, "--exec=") || strings.HasPrefix(a, "-exec=") {
			if compileExec == nil {
				return &ExitError{Code: 2, Msg: "--exec not available in this build"}
			}
			return compileExec(env, args)
		}
	}
	cmd := Lookup("compile")
	fs := newFlags(env, cmd)
	arch := fs.String("arch", "amd64", "target architecture: "+strings.Join(native.Arches(), ", "))
	cpu := fs.String("cpu", "", "target CPU (alpha: ev4 without byte/word instructions, ev67 with them)")
	upcalls := fs.String("upcalls", native.UpcallsDecline, "decline: leave as bytecode the methods a JNI upcall would make slower compiled (one in a loop, or in a method without loops); keep: compile them too")
	emit := fs.String("emit", "", "ir: the IR after the front end and each pass; asm: assembler text; obj: one object file per class")
	only := fs.String("only", "", "only classes (and methods) whose name starts with this, e.g. a.b.C or a.b.C.method")
	out := fs.String("o", "", "output: a class file, directory or jar like IN (libraries beside it); for --emit, a file or directory (default: standard output)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 {
		return usageError(cmd, "need exactly one IN")
	}
	be := native.Lookup(*arch)
	if be == nil {
		return usageError(cmd, "--arch: no back end %q (have %s)", *arch, strings.Join(native.Arches(), ", "))
	}
	if cpus := be.CPUs(); *cpu != "" && !contains(cpus, *cpu) {
		return usageError(cmd, "--cpu: %s takes %s, not %q", *arch, strings.Join(cpus, ", "), *cpu)
	}
	if _, err := native.ParseUpcalls(*upcalls); err != nil {
		return usageError(cmd, "--upcalls takes decline or keep, not %q", *upcalls)
	}
	if *emit == "" && *arch != "amd64" {
		*emit = "obj" // only amd64 clients run in a JVM we can bind to
	}
	switch *emit {
	case "":
		if *out == "" {
			return usageError(cmd, "need -o OUT")
		}
		return compileRewrite(env, pos[0], *out, *arch, *cpu, *upcalls, *only)
	case "ir", "asm", "obj":
		return compileEmit(env, pos[0], *out, *arch, *cpu, *upcalls, *emit, *only)
	}
	return usageError(cmd, "--emit takes ir, asm or obj, not %q", *emit)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// compileRewrite writes IN's classes with compiled methods made native, and
// the libraries they load beside OUT (their absolute paths are in the
// classes, so OUT runs where it was written).
func compileRewrite(env *Env, in, out, arch, cpu, upcalls, only string) error {
	libDir := out
	if st, err := os.Stat(in); err != nil {
		return err
	} else if !st.IsDir() {
		libDir = filepath.Dir(out)
	}
	svc, err := compile.New(compile.Options{Arch: arch, CPU: cpu, Upcalls: upcalls, Dir: libDir})
	if err != nil {
		return err
	}
	p := &service.Pipeline{Services: []service.Service{svc}}
	if only != "" {
		if p.Exclude, err = service.ParseClassPatterns(""); err != nil {
			return err
		}
	}
	path, err := hierarchyPath("")
	if err != nil {
		return err
	}
	defer path.Close()
	for _, s := range path {
		p.Classpath = append(p.Classpath, s)
	}
	t0 := time.Now()
	st, err := p.RewritePath(in, out, nil)
	if err != nil {
		return err
	}
	for _, e := range st.Errors {
		fmt.Fprintf(env.Stderr, "dvmlab compile: %v\n", e)
	}
	for _, r := range st.Reports {
		for _, n := range r.Notes {
			if strings.HasPrefix(n, "no library") || strings.HasPrefix(n, "cannot load") {
				fmt.Fprintf(env.Stderr, "dvmlab compile: %s\n", n)
			}
		}
	}
	cs := svc.Stats()
	fmt.Fprintf(env.Stderr, "compiled %d of %d methods (%d of %d bytes of code) for %s; %d libraries built, %d found built, in %s; %v (%.0f bytecodes/ms)%s\n",
		cs.Compiled, cs.Methods, cs.CompiledBC, cs.Bytecodes, arch, cs.Libraries, cs.Cached, svc.Dir(),
		time.Since(t0).Round(time.Millisecond), throughput(cs), declinedNote(cs.Declined))
	if st.Failed > 0 {
		return &ExitError{Code: 1}
	}
	return nil
}

// declinedNote ends the summary line with the methods left as bytecode
// for cost, which --upcalls keep would compile.
func declinedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d declined for cost (--upcalls keep compiles them)", n)
}

func throughput(cs compile.Stats) float64 {
	ms := float64(cs.Elapsed) / float64(time.Millisecond)
	if ms <= 0 {
		return 0
	}
	return float64(cs.Bytecodes) / ms
}

// compileEmit prints or writes one stage's output for each class of IN.
func compileEmit(env *Env, in, out, arch, cpu, upcalls, emit, only string) error {
	src, err := classpath.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	w := env.Stdout
	if out != "" && emit != "obj" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if emit == "obj" {
		if out == "" {
			return fmt.Errorf("--emit obj needs -o DIR")
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
	}
	onlyClass, onlyMethod := splitOnly(only)
	opt := compile.Options{Arch: arch, CPU: cpu, Upcalls: upcalls, NoBuild: true, Dir: os.TempDir()}
	if emit == "ir" {
		opt.Trace = func(method, pass string, f *ir.Func) {
			if onlyMethod != "" && !strings.Contains(method, "."+onlyMethod+"(") {
				return
			}
			fmt.Fprintf(w, "# %s after %s\n%s\n", method, pass, f)
		}
	}
	svc, err := compile.New(opt)
	if err != nil {
		return err
	}
	var total compile.Stats
	failed := false
	err = src.Walk(func(name string, data []byte) error {
		if onlyClass != "" && !strings.HasPrefix(classfile.BinaryName(name), onlyClass) {
			return nil
		}
		c, err := classfile.Parse(data)
		if err != nil {
			fmt.Fprintf(env.Stderr, "dvmlab compile: %s: %v\n", name, err)
			failed = true
			return nil
		}
		t0 := time.Now()
		res, err := svc.Compile(c)
		total.Elapsed += time.Since(t0)
		total.Methods += res.Methods
		total.Bytecodes += res.Bytecodes
		total.Declined += res.Declined
		for _, f := range res.Funcs {
			total.Compiled++
			total.CompiledBC += f.Bytecodes
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "dvmlab compile: %s: %v\n", name, err)
			failed = true
			return nil
		}
		for k, why := range res.Skipped {
			if onlyMethod == "" || strings.Contains(k, "."+onlyMethod+"(") {
				fmt.Fprintf(env.Stderr, "%s stays bytecode: %s\n", k, why)
			}
		}
		switch emit {
		case "asm":
			if res.Asm != "" {
				fmt.Fprintf(w, "# class %s\n%s", classfile.BinaryName(name), res.Asm)
			}
		case "obj":
			if res.Asm == "" {
				return nil
			}
			base := filepath.Join(out, strings.ReplaceAll(name, "/", "."))
			if err := os.WriteFile(base+".s", []byte(res.Asm), 0o644); err != nil {
				return err
			}
			if err := svc.Object(res, base+".o"); err != nil {
				var ae *native.AsmError
				if errors.As(err, &ae) {
					fmt.Fprintf(env.Stderr, "dvmlab compile: %v\n", ae)
					failed = true
					return nil
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "compiled %d of %d methods (%d of %d bytes of code) for %s in %v (%.0f bytecodes/ms)%s\n",
		total.Compiled, total.Methods, total.CompiledBC, total.Bytecodes, arch, total.Elapsed.Round(time.Millisecond), throughput(total), declinedNote(total.Declined))
	if failed {
		return &ExitError{Code: 1}
	}
	return nil
}

// splitOnly splits --only into a class prefix and, when the last part
// starts with a lower-case letter, a method name.
func splitOnly(only string) (class, method string) {
	if only == "" {
		return "", ""
	}
	i := strings.LastIndexByte(only, '.')
	if i > 0 && i+1 < len(only) && only[i+1] >= 'a' && only[i+1] <= 'z' {
		return only[:i], only[i+1:]
	}
	return only, ""
}

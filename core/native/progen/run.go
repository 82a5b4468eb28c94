package progen

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"dvmlab/core/native/alpha"
	dexec "dvmlab/core/native/exec"
)

// Stats counts a run of generated programs.
type Stats struct {
	Programs  int // generated
	Compiled  int // compiled whole for the target (Alpha, or amd64 by CheckAMD64)
	Runs      int // program × input (× CPU for Alpha)
	Differ    int
	First     string // the first difference: class, input, both outcomes
	FirstFile string // its source, kept for a testdata case
	// Thrown counts HotSpot's outcomes by exception class (amd64 runs), so a
	// test can see that the programs throw what they claim to.
	Thrown map[string]int
}

// Check generates a class of n programs from seed, compiles it with javac
// and with our compiler for Alpha, and runs every compiled program on
// inputs seeded inputs under each CPU and on HotSpot.
func Check(ctx context.Context, dir string, seed int64, n, inputs int, cpus []alpha.CPU) (Stats, error) {
	var st Stats
	c := Generate(seed, n)
	st.Programs = n
	src, classes, err := javac(ctx, dir, c)
	if err != nil {
		return st, err
	}
	cf, err := dexec.LoadClass(classes, c.Name)
	if err != nil {
		return st, err
	}
	funcs, _ := dexec.CompileClass(cf)
	var names []string
	for _, f := range funcs {
		if f.Desc != Desc || !f.Static {
			continue
		}
		if _, err := alpha.Lower(f, alpha.EV4); err != nil {
			continue
		}
		names = append(names, f.Name)
	}
	st.Compiled = len(names)
	if len(names) == 0 {
		return st, nil
	}
	m, lines, err := multiInputs(c.Name, names, seed, inputs)
	if err != nil {
		return st, err
	}
	snap, err := dexec.Alpha{In: classes, CPU: alpha.EV4}.Snapshot(m, names...)
	if err != nil {
		return st, err
	}
	out, err := dexec.JVM{ClassPath: []string{classes}, Pre: true, Snapshot: snap}.Run(ctx, m, lines)
	if err != nil {
		return st, err
	}
	pres, want := make([]string, len(lines)), make([]string, len(lines))
	for i := range lines {
		pres[i], want[i] = out[2*i], out[2*i+1]
	}
	for _, cpu := range cpus {
		got, err := dexec.Alpha{In: classes, CPU: cpu}.RunMulti(ctx, m, names, lines, pres)
		if err != nil {
			return st, fmt.Errorf("%s %s: %v", c.Name, cpu, err)
		}
		r := dexec.Compare(lines, want, got)
		st.Runs += r.Inputs
		if r.Differ > 0 && st.Differ == 0 {
			st.First = fmt.Sprintf("%s on %s: %s", c.Name, cpu, r)
			st.FirstFile = src
		}
		st.Differ += r.Differ
	}
	return st, nil
}

// javac writes c's source under dir and compiles it into dir/classes.
func javac(ctx context.Context, dir string, c *Class) (src, classes string, err error) {
	src = filepath.Join(dir, "pgen", strings.TrimPrefix(c.Name, "pgen.")+".java")
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(src, []byte(c.Source), 0o644); err != nil {
		return "", "", err
	}
	classes = filepath.Join(dir, "classes")
	if out, err := exec.CommandContext(ctx, filepath.Join(dexec.Java(), "bin", "javac"), "-nowarn", "-d", classes, src).CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("progen: javac %s: %v: %s", src, err, out)
	}
	return src, classes, nil
}

// CheckAMD64 generates a class of n programs from seed, compiles it with
// javac and rewrites it with the compile service for amd64, and runs every
// program that became native on inputs seeded inputs in one JVM under
// -Xverify:all, -Xcheck:jni and a small heap collected often, against
// HotSpot on the class javac made.
func CheckAMD64(ctx context.Context, dir string, seed int64, n, inputs int) (Stats, error) {
	st := Stats{Programs: n, Thrown: map[string]int{}}
	c := Generate(seed, n)
	src, classes, err := javac(ctx, dir, c)
	if err != nil {
		return st, err
	}
	a, err := dexec.PrepareAMD64(classes, filepath.Join(dir, "amd64"))
	if err != nil {
		return st, err
	}
	a.Options = []string{"-Xverify:all"}
	var names []string
	for _, spec := range a.Native {
		if m, err := dexec.ParseMethod(spec); err == nil && m.Desc == Desc {
			names = append(names, m.Name)
		}
	}
	st.Compiled = len(names)
	if len(names) == 0 {
		return st, nil
	}
	m, lines, err := multiInputs(c.Name, names, seed, inputs)
	if err != nil {
		return st, err
	}
	// The oracle gets the target's heap, so an allocation too big for it
	// fails alike on both sides.
	want, err := dexec.JVM{ClassPath: []string{classes}, Options: dexec.HeapOptions}.Run(ctx, m, lines)
	if err != nil {
		return st, err
	}
	for _, w := range want {
		if e, ok := strings.CutPrefix(w, "exc "); ok {
			st.Thrown[strings.FieldsFunc(e, func(r rune) bool { return r == ' ' || r == ':' })[0]]++
		}
	}
	got, err := a.Run(ctx, m, lines)
	if err != nil {
		return st, fmt.Errorf("%s amd64: %v", c.Name, err)
	}
	r := dexec.Compare(lines, want, got)
	st.Runs += r.Inputs
	if r.Differ > 0 {
		st.First = fmt.Sprintf("%s on amd64: %s", c.Name, r)
		st.FirstFile = src
	}
	st.Differ += r.Differ
	return st, nil
}

// multiInputs is the method of class every program shares (its name "*",
// as DvmExec's METHOD "*" reads it) and inputs seeded input lines for each
// of the programs names, each line starting with the program's name.
func multiInputs(class string, names []string, seed int64, inputs int) (*dexec.Method, []string, error) {
	m, err := dexec.ParseMethod(class + ".*" + Desc)
	if err != nil {
		return nil, nil, err
	}
	gen := dexec.NewGen(seed)
	var lines []string
	for _, name := range names {
		for k := 0; k < inputs; k++ {
			lines = append(lines, name+" "+gen.Input(m))
		}
	}
	return m, lines, nil
}

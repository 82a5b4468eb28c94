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
	Compiled  int // compiled whole for Alpha
	Runs      int // program × input × CPU
	Differ    int
	First     string // the first difference: class, input, both outcomes
	FirstFile string // its source, kept for a testdata case
}

// Check generates a class of n programs from seed, compiles it with javac
// and with our compiler for Alpha, and runs every compiled program on
// inputs seeded inputs under each CPU and on HotSpot.
func Check(ctx context.Context, dir string, seed int64, n, inputs int, cpus []alpha.CPU) (Stats, error) {
	var st Stats
	c := Generate(seed, n)
	st.Programs = n
	src := filepath.Join(dir, "pgen", strings.TrimPrefix(c.Name, "pgen.")+".java")
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		return st, err
	}
	if err := os.WriteFile(src, []byte(c.Source), 0o644); err != nil {
		return st, err
	}
	classes := filepath.Join(dir, "classes")
	if out, err := exec.CommandContext(ctx, filepath.Join(dexec.Java(), "bin", "javac"), "-nowarn", "-d", classes, src).CombinedOutput(); err != nil {
		return st, fmt.Errorf("progen: javac %s: %v: %s", src, err, out)
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
	m, err := dexec.ParseMethod(c.Name + ".*" + Desc)
	if err != nil {
		return st, err
	}
	gen := dexec.NewGen(seed)
	var lines []string
	for _, name := range names {
		for k := 0; k < inputs; k++ {
			lines = append(lines, name+" "+gen.Input(m))
		}
	}
	out, err := dexec.JVM{ClassPath: []string{classes}, Pre: true}.Run(ctx, m, lines)
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

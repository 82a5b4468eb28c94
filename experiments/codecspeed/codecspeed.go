// Package codecspeed measures the class-file core against ASM 9, the
// reference Java bytecode library, on the same corpus in one run: read and
// write every class, and read, recompute all frames and write (ASM's
// COMPUTE_FRAMES). Both sides run single-threaded in steady state after
// warm-up passes, and both answer hierarchy questions from the corpus's own
// class headers, loading nothing.
package codecspeed

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// Row is one mode's figures for both libraries.
type Row struct {
	Mode     string
	Classes  int
	Ours     float64 // classes per second
	ASM      float64
	Failures int // classes ASM could not process (e.g. jsr/ret with COMPUTE_FRAMES)
	// Ratios are the per-round ratios when Config.Rounds > 1, in round
	// order; Ours and ASM are then the medians of the rounds' rates.
	Ratios []float64
}

// Ratio is ours over ASM's throughput: above 1 we are faster.
func (r Row) Ratio() float64 { return r.Ours / r.ASM }

// Config says what to measure and how often.
type Config struct {
	Corpus  []string // jars and jmods
	Warmup  int
	Runs    int
	Java    string // the java launcher
	ASMJar  string // /usr/share/java/asm.jar
	Harness string // directory holding AsmBench.class
	// Rounds > 1 interleaves the two sides: each round measures ASM (a
	// fresh JVM, Warmup then Runs passes) and then ours (Warmup then Runs
	// passes), so both meet the same machine state; the rows report the
	// medians over rounds. 0 or 1: one round.
	Rounds int
}

// Load reads every class of the corpus (module-info excluded, as ASM's side
// does) into memory.
func Load(corpus []string) ([][]byte, error) {
	var out [][]byte
	for _, p := range corpus {
		src, err := classpath.Open(p)
		if err != nil {
			return nil, err
		}
		err = src.Walk(func(name string, data []byte) error {
			if name != "module-info" {
				out = append(out, data)
			}
			return nil
		})
		src.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// median runs f warmup times unmeasured, then runs times, and returns the
// median duration.
func median(warmup, runs int, f func() error) (time.Duration, error) {
	var ds []time.Duration
	for i := -warmup; i < runs; i++ {
		t0 := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		if i >= 0 {
			ds = append(ds, time.Since(t0))
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}

// Ours measures our read+write and read+frames+write over classes.
func Ours(classes [][]byte, warmup, runs int) (readWrite, frames float64, err error) {
	p := newPasses(classes)
	rw, err := median(warmup, runs, func() error { return p.run(false) })
	if err != nil {
		return 0, 0, err
	}
	fr, err := median(warmup, runs, func() error { return p.run(true) })
	if err != nil {
		return 0, 0, err
	}
	n := float64(len(classes))
	return n / rw.Seconds(), n / fr.Seconds(), nil
}

// passes runs our side over a corpus, answering hierarchy questions from
// the corpus's own headers.
type passes struct {
	classes [][]byte
	h       *classpath.Hierarchy
	buf     []byte
}

func newPasses(classes [][]byte) *passes {
	own := classpath.Classes{}
	for _, b := range classes {
		if h, err := classfile.ParseHeader(b); err == nil {
			own[h.Name] = b
		}
	}
	return &passes{classes: classes, h: classpath.NewHierarchy(own), buf: make([]byte, 0, 1<<16)}
}

// run reads and writes every class, recomputing all frames in between
// when frames is set.
func (p *passes) run(frames bool) error {
	for _, b := range p.classes {
		c, err := classfile.Parse(b)
		if err != nil {
			return err
		}
		if frames {
			fc := bytecode.NewFrameComputer(c, p.h)
			for _, m := range c.Methods {
				if m.Code() == nil {
					continue
				}
				if _, err := fc.Compute(m); err != nil {
					return err
				}
			}
		}
		if p.buf, err = c.AppendTo(p.buf[:0]); err != nil {
			return err
		}
	}
	return nil
}

// ASM runs the Java harness and parses its lines:
// mode classes median_seconds classes_per_second failures.
func ASM(cfg Config) (map[string]Row, error) {
	args := []string{"-cp", cfg.ASMJar + string(os.PathListSeparator) + cfg.Harness, "AsmBench",
		strconv.Itoa(cfg.Warmup), strconv.Itoa(cfg.Runs)}
	cmd := exec.Command(cfg.Java, append(args, cfg.Corpus...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("ASM harness: %v: %s", err, stderr.String())
	}
	rows := map[string]Row{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 5 {
			return nil, fmt.Errorf("ASM harness printed %q", sc.Text())
		}
		n, _ := strconv.Atoi(f[1])
		rate, _ := strconv.ParseFloat(f[3], 64)
		fail, _ := strconv.Atoi(f[4])
		rows[f[0]] = Row{Mode: f[0], Classes: n, ASM: rate, Failures: fail}
	}
	return rows, nil
}

// BuildHarness compiles AsmBench.java into dir.
func BuildHarness(javac, asmJar, source, dir string) error {
	out, err := exec.Command(javac, "-nowarn", "-cp", asmJar, "-d", dir, source).CombinedOutput()
	if err != nil {
		return fmt.Errorf("javac AsmBench: %v\n%s", err, out)
	}
	return nil
}

// Run measures both libraries and returns the rows, ours beside ASM's,
// over cfg.Rounds interleaved rounds.
func Run(cfg Config) ([]Row, error) {
	classes, err := Load(cfg.Corpus)
	if err != nil {
		return nil, err
	}
	modes := []string{"read+write", "read+computeframes+write"}
	rounds := max(cfg.Rounds, 1)
	ours := make([][]float64, len(modes))
	theirs := make([][]float64, len(modes))
	rows := make([]Row, len(modes))
	for range rounds {
		asm, err := ASM(cfg)
		if err != nil {
			return nil, err
		}
		rw, fr, err := Ours(classes, cfg.Warmup, cfg.Runs)
		if err != nil {
			return nil, err
		}
		for i, mode := range modes {
			a, ok := asm[mode]
			if !ok {
				return nil, fmt.Errorf("ASM harness printed no %s row", mode)
			}
			rows[i] = Row{Mode: mode, Classes: len(classes), Failures: a.Failures}
			theirs[i] = append(theirs[i], a.ASM)
			ours[i] = append(ours[i], [2]float64{rw, fr}[i])
		}
	}
	for i := range rows {
		rows[i].Ours, rows[i].ASM = medianOf(ours[i]), medianOf(theirs[i])
		if rounds > 1 {
			for k := range ours[i] {
				rows[i].Ratios = append(rows[i].Ratios, ours[i][k]/theirs[i][k])
			}
		}
	}
	return rows, nil
}

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// Print writes the rows as a table.
func Print(w io.Writer, rows []Row) {
	fmt.Fprintf(w, "%-26s %8s %14s %14s %7s %9s\n", "mode", "classes", "dvmlab cls/s", "ASM cls/s", "ratio", "ASM fail")
	for _, r := range rows {
		fmt.Fprintf(w, "%-26s %8d %14.0f %14.0f %7.2f %9d", r.Mode, r.Classes, r.Ours, r.ASM, r.Ratio(), r.Failures)
		if len(r.Ratios) > 0 {
			fmt.Fprintf(w, "  rounds: %.2f", r.Ratios)
		}
		fmt.Fprintln(w)
	}
}

// HarnessSource is the path of AsmBench.java relative to the repository root.
var HarnessSource = filepath.Join("experiments", "asmbench", "AsmBench.java")

package javap

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

type sample struct {
	origin string // module or jar
	name   string
	data   []byte
}

// corpus is a fixed sample: every step-th class across all JDK modules
// (in module order, then name order, so small modules get their share),
// each module's module-info when full, and classes of Debian jars.
func corpus(t *testing.T, step, jarStep int, full bool) []sample {
	t.Helper()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	var out []sample
	k := 0
	for _, mod := range jdk.Modules() {
		m := jdk.Module(mod)
		names, err := m.Names()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			take := k%step == 0
			if n == "module-info" {
				take = full
			} else {
				k++
			}
			if !take {
				continue
			}
			data, err := m.Find(n)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, sample{mod, n, data})
		}
	}
	// Debian jars: all of JLex, CUP and ASM (a third of them when short),
	// and a share of the larger ones.
	small := 1
	if jarStep > 10 {
		small = 3
	}
	for _, j := range []struct {
		name string
		step int
	}{{"JLex.jar", small}, {"cup.jar", small}, {"asm.jar", small}, {"guava.jar", 2 * jarStep}, {"antlr.jar", jarStep}, {"batik-all.jar", 4 * jarStep}} {
		path := filepath.Join("/usr/share/java", j.name)
		src, err := classpath.Open(path)
		if err != nil {
			t.Logf("%s: %v (left out)", path, err)
			continue
		}
		names, err := src.Names()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(names); i += j.step {
			data, err := src.Find(names[i])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, sample{j.name, names[i], data})
		}
		src.Close()
	}
	return out
}

// javapTool finds the JDK's javap and checks that it is release 17, whose
// layout this package follows.
func javapTool(t *testing.T) string {
	t.Helper()
	bin := jvmtest.Tool(t, "javap")
	out, err := exec.Command(bin, "-version").Output()
	if err != nil {
		t.Skipf("%s -version: %v", bin, err)
	}
	if v := strings.TrimSpace(string(out)); !strings.HasPrefix(v, "17.") && v != "17" {
		t.Skipf("%s is release %s; the expected output is javap 17's", bin, v)
	}
	return bin
}

// javapArgs pins what javap's output depends on besides the class: the
// output encoding, and the locale of the date in -v.
var javapArgs = []string{"-J-Dfile.encoding=UTF-8", "-J-Duser.language=en", "-J-Duser.country=US"}

type stats struct {
	classes, members, methods, insns, lines, mismatches int
	first                                               []string
}

var instructionLine = regexp.MustCompile(`^ +\d+: [a-z]`)

// compare matches our listing of one class against javap's, line by line,
// counting and recording differences. If the line counts differ, the first
// difference is reported and the rest of the class skipped, since every
// later line would be shifted.
func (s *stats) compare(where, ours, theirs string) {
	a := strings.Split(strings.TrimSuffix(ours, "\n"), "\n")
	b := strings.Split(strings.TrimSuffix(theirs, "\n"), "\n")
	s.classes++
	member := ""
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		s.lines++
		switch {
		case len(y) > 2 && y[:2] == "  " && y[2] != ' ' && y[2] != '#' && strings.HasSuffix(y, ";"):
			member = y
			s.members++
		case strings.TrimSpace(y) == "Code:":
			s.methods++
		case instructionLine.MatchString(y):
			s.insns++
		}
		if x == y {
			continue
		}
		s.mismatches++
		if len(s.first) < 12 {
			col := 0
			for col < len(x) && col < len(y) && x[col] == y[col] {
				col++
			}
			s.first = append(s.first, fmt.Sprintf("%s, member %q, line %d, byte %d:\n  ours:  %q\n  javap: %q",
				where, clip(strings.TrimSpace(member), 0), i+1, col, clip(x, col), clip(y, col)))
		}
		if len(a) != len(b) {
			return
		}
	}
}

// clip keeps a long line readable in a report: the part around byte at.
func clip(s string, at int) string {
	const before, after = 60, 100
	if len(s) <= before+after {
		return s
	}
	start := max(0, at-before)
	end := min(len(s), at+after)
	if start > 0 {
		s2 := s[start:end]
		return "…" + s2 + "…"
	}
	return s[:end] + "…"
}

// splitListings cuts javap's output for many classes into one listing
// each: a class's listing ends with its closing brace, the only line that
// is exactly "}", and under -v with the class attributes after it, which
// run until the next "Classfile" line.
func splitListings(out string, verbose bool) []string {
	var res []string
	var cur strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		if verbose && strings.HasPrefix(l, "Classfile ") && cur.Len() > 0 {
			res = append(res, cur.String())
			cur.Reset()
		}
		cur.WriteString(l)
		if !verbose && l == "}\n" {
			res = append(res, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		res = append(res, cur.String())
	}
	return res
}

type mode struct {
	name  string
	flags []string
	opt   Options
	every int // compare every n-th sample
}

// compareWithJavap writes the samples to files, runs javap on them in
// batches (one JVM for many classes) and compares each listing with ours.
func compareWithJavap(t *testing.T, javapBin string, samples []sample, m mode) *stats {
	t.Helper()
	dir := t.TempDir()
	var files []string
	var picked []sample
	for i, s := range samples {
		if i%m.every != 0 {
			continue
		}
		f := filepath.Join(dir, fmt.Sprintf("c%05d.class", i))
		if err := os.WriteFile(f, s.data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		picked = append(picked, s)
	}
	const batch = 150
	type result struct {
		start int
		out   string
		err   error
	}
	var wg sync.WaitGroup
	results := make(chan result)
	sem := make(chan struct{}, max(1, runtime.NumCPU()/2))
	for start := 0; start < len(files); start += batch {
		end := min(start+batch, len(files))
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := append(append(append([]string{}, javapArgs...), m.flags...), files[start:end]...)
			cmd := exec.Command(javapBin, args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				err = fmt.Errorf("%v: %s", err, stderr.String())
			}
			results <- result{start, string(out), err}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	theirs := make([]string, len(files))
	for r := range results {
		if r.err != nil {
			t.Fatalf("javap %s: %v", m.name, r.err)
		}
		ls := splitListings(r.out, m.opt.Verbose)
		n := min(batch, len(files)-r.start)
		if len(ls) != n {
			t.Fatalf("javap %s printed %d listings for a batch of %d", m.name, len(ls), n)
		}
		copy(theirs[r.start:], ls)
	}
	st := &stats{}
	for i, s := range picked {
		var b bytes.Buffer
		var err error
		if m.opt.Verbose {
			abs, _ := filepath.Abs(files[i])
			fi, _ := os.Stat(files[i])
			err = PrintFile(&b, File{Path: abs, Modified: fi.ModTime(), Data: s.data}, m.opt)
		} else {
			var c *classfile.Class
			if c, err = classfile.Parse(s.data); err == nil {
				err = Print(&b, c, m.opt)
			}
		}
		if err != nil {
			t.Fatalf("%s!%s: %v", s.origin, s.name, err)
		}
		st.compare(s.origin+"!"+s.name, b.String(), theirs[i])
	}
	return st
}

// TestAgainstJDKJavap is the acceptance test: our listing of a sample of
// real classes must equal javap's, character for character — declarations,
// offsets, mnemonics, operands, the aligned constant comments, switch
// tables and exception tables. -c -p runs on the whole sample; the other
// option sets on part of it.
func TestAgainstJDKJavap(t *testing.T) {
	javapBin := javapTool(t)
	step, jarStep := 25, 4
	if testing.Short() {
		step, jarStep = 600, 40
	}
	// JAVAP_TEST_STEP=1 compares every class of the JDK and the jars
	// (minutes, not seconds).
	if s, err := strconv.Atoi(os.Getenv("JAVAP_TEST_STEP")); err == nil && s > 0 {
		step, jarStep = s, max(1, s/6)
	}
	samples := corpus(t, step, jarStep, !testing.Short())
	modes := []mode{
		{"-c -p", []string{"-c", "-p"}, Options{Code: true, Private: true}, 1},
		{"-c", []string{"-c"}, Options{Code: true}, 5},
		{"(no options)", nil, Options{}, 5},
		{"-v -p", []string{"-v", "-p"}, Options{Verbose: true, Private: true}, 4},
		{"-v", []string{"-v"}, Options{Verbose: true}, 7},
	}
	for _, m := range modes {
		t.Run(strings.ReplaceAll(m.name, " ", ""), func(t *testing.T) {
			st := compareWithJavap(t, javapBin, samples, m)
			t.Logf("javap %s: %d classes, %d members, %d methods with code, %d instruction lines, %d lines in all compared: %d mismatches",
				m.name, st.classes, st.members, st.methods, st.insns, st.lines, st.mismatches)
			for _, f := range st.first {
				t.Error(f)
			}
		})
	}
}

package javap

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

type sample struct {
	origin string
	name   string
	data   []byte
}

// corpus takes every step-th class of the JDK's jmods and every class of the
// Debian jars we rely on (every 8th of guava), in a fixed order.
func corpus(t *testing.T, step int) []sample {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	var out []sample
	names, err := jdk.Names()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(names); i += step {
		if names[i] == "module-info" {
			continue
		}
		data, err := jdk.Find(names[i])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sample{"jdk", names[i], data})
	}
	for _, j := range []struct {
		path string
		step int
	}{{"/usr/share/java/JLex.jar", 1}, {"/usr/share/java/cup.jar", 1}, {"/usr/share/java/guava.jar", 8}} {
		src, err := classpath.Open(j.path)
		if err != nil {
			t.Logf("%s: %v (run make deps)", j.path, err)
			continue
		}
		ns, _ := src.Names()
		for i := 0; i < len(ns); i += j.step {
			data, err := src.Find(ns[i])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, sample{filepath.Base(j.path), ns[i], data})
		}
		src.Close()
	}
	return out
}

// norm collapses runs of spaces, so a difference in alignment alone is not
// counted; everything else must match.
func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// sameLine compares two listing lines. Float and double comments compare by
// value: JDK 17's Float.toString does not always print the shortest digits
// that round-trip (fixed in JDK 19), and we print the shortest.
func sameLine(ours, theirs string) bool {
	if norm(ours) == norm(theirs) {
		return true
	}
	for _, kind := range []string{"// float ", "// double "} {
		i, j := strings.Index(ours, kind), strings.Index(theirs, kind)
		if i < 0 || j < 0 || norm(ours[:i]) != norm(theirs[:j]) {
			continue
		}
		bits := 64
		if kind == "// float " {
			bits = 32
		}
		x, err1 := strconv.ParseFloat(strings.TrimRight(ours[i+len(kind):], "fd"), bits)
		y, err2 := strconv.ParseFloat(strings.TrimRight(theirs[j+len(kind):], "fd"), bits)
		return err1 == nil && err2 == nil && x == y
	}
	return false
}

// TestAgainstJDKJavap prints each sampled class with -c -p and compares it,
// line by line, with the JDK's javap: declarations, offsets, mnemonics,
// operands and the constant comments.
func TestAgainstJDKJavap(t *testing.T) {
	javapBin := jvmtest.Tool(t, "javap")
	step := 40
	if testing.Short() {
		step = 200
	}
	samples := corpus(t, step)
	dir := t.TempDir()
	var classes, methods, insns, lines, mismatches int
	const batch = 150
	for start := 0; start < len(samples); start += batch {
		end := min(start+batch, len(samples))
		var files []string
		var ours []string
		for k, s := range samples[start:end] {
			f := filepath.Join(dir, strings.ReplaceAll(s.name, "/", "_")+"_"+string(rune('a'+k%26))+".class")
			if err := os.WriteFile(f, s.data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			c, err := classfile.Parse(s.data)
			if err != nil {
				t.Fatalf("%s!%s: %v", s.origin, s.name, err)
			}
			var b bytes.Buffer
			if err := Print(&b, c, Options{Code: true, Private: true}); err != nil {
				t.Fatal(err)
			}
			ours = append(ours, b.String())
			classes++
			for _, m := range c.Methods {
				if m.Code() != nil {
					methods++
				}
			}
		}
		cmd := exec.Command(javapBin, append([]string{"-c", "-p"}, files...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("javap: %v", err)
		}
		// Each class's listing ends with a line holding only "}".
		theirs := strings.SplitAfter(string(out), "\n}\n")
		for k, s := range samples[start:end] {
			if k >= len(theirs) {
				t.Fatalf("javap printed %d classes for a batch of %d", len(theirs), end-start)
			}
			a := strings.Split(strings.TrimRight(ours[k], "\n"), "\n")
			b := strings.Split(strings.TrimRight(theirs[k], "\n"), "\n")
			for i := 0; i < len(a) || i < len(b); i++ {
				var x, y string
				if i < len(a) {
					x = a[i]
				}
				if i < len(b) {
					y = b[i]
				}
				lines++
				if strings.Contains(y, ": ") && len(y) > 8 && strings.TrimSpace(y[:8]) != "" {
					insns++
				}
				if !sameLine(x, y) {
					mismatches++
					if mismatches <= 15 {
						t.Errorf("%s!%s, line %d:\n  ours:  %s\n  javap: %s", s.origin, s.name, i+1, x, y)
					}
					break // the rest of this class is likely shifted
				}
			}
		}
	}
	t.Logf("%d classes, %d methods with code, %d lines (%d instruction lines) compared with javap -c -p: %d mismatches", classes, methods, lines, insns, mismatches)
}

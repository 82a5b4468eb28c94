package datasets

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxDiffs bounds how many differences Diff describes: the first few say
// what went wrong, the rest is noise.
const maxDiffs = 5

// Diff compares two runs of the same program: stdout, stderr and every
// output file. It returns "" when they are identical, else a short
// description of the first differences, o's side first.
//
// The only normalisation is of the work directory: each run's absolute work
// directory is replaced by "$WORKDIR" in stdout and stderr, since two runs
// necessarily use two directories. Nothing else in these workloads varies
// from run to run (checked by the package's tests), so nothing else is
// masked: CUP prints no timings unless asked to (-time), and Batik's PNG
// carries no time stamp.
func (o *Output) Diff(other *Output) string {
	if o == nil || other == nil {
		if o == other {
			return ""
		}
		return "one output is missing"
	}
	var diffs []string
	if o.Program != other.Program {
		diffs = append(diffs, fmt.Sprintf("outputs of different programs: %s vs %s", o.Program, other.Program))
	}
	if d := diffText(o.normalize(o.Stdout), other.normalize(other.Stdout)); d != "" {
		diffs = append(diffs, "stdout: "+d)
	}
	if d := diffText(o.normalize(o.Stderr), other.normalize(other.Stderr)); d != "" {
		diffs = append(diffs, "stderr: "+d)
	}
	var names []string
	for n := range o.Files {
		names = append(names, n)
	}
	for n := range other.Files {
		if _, ok := o.Files[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		a, inA := o.Files[n]
		b, inB := other.Files[n]
		switch {
		case !inA:
			diffs = append(diffs, n+": only in the second output")
		case !inB:
			diffs = append(diffs, n+": only in the first output")
		default:
			if d := diffFile(n, a, b); d != "" {
				diffs = append(diffs, n+": "+d)
			}
		}
	}
	if len(diffs) > maxDiffs {
		diffs = append(diffs[:maxDiffs], fmt.Sprintf("and %d more differences", len(diffs)-maxDiffs))
	}
	return strings.Join(diffs, "\n")
}

// normalize replaces the run's work directory, in its given and its
// symlink-resolved spelling, by a fixed name.
func (o *Output) normalize(s string) string {
	if o.WorkDir == "" {
		return s
	}
	dirs := []string{o.WorkDir}
	if r, err := filepath.EvalSymlinks(o.WorkDir); err == nil && r != o.WorkDir {
		dirs = append(dirs, r)
	}
	// Longest first, so that a resolved path containing the given one is
	// replaced whole.
	slices.SortFunc(dirs, func(a, b string) int { return len(b) - len(a) })
	for _, d := range dirs {
		s = strings.ReplaceAll(s, d, "$WORKDIR")
	}
	return s
}

func diffFile(name string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	if strings.EqualFold(filepath.Ext(name), ".png") {
		return diffPNG(a, b)
	}
	if isText(a) && isText(b) {
		return diffText(string(a), string(b))
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf("%d vs %d bytes, first difference at byte %d", len(a), len(b), i)
}

func isText(b []byte) bool {
	return utf8.Valid(b) && bytes.IndexByte(b, 0) < 0
}

// diffText names the first differing line.
func diffText(a, b string) string {
	if a == b {
		return ""
	}
	la, lb := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	i := 0
	for i < len(la) && i < len(lb) && la[i] == lb[i] {
		i++
	}
	line := func(ls []string) string {
		if i >= len(ls) || (i == len(ls)-1 && ls[i] == "") {
			return "end of text"
		}
		return fmt.Sprintf("%q", clip(ls[i]))
	}
	return fmt.Sprintf("%d vs %d lines, first difference at line %d: %s vs %s",
		lineCount(a), lineCount(b), i+1, line(la), line(lb))
}

func lineCount(s string) int {
	n := strings.Count(s, "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}

func clip(s string) string {
	const max = 160
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// diffPNG says whether differing PNG files also differ as pictures: a
// different encoding of the same pixels is a different sort of bug.
func diffPNG(a, b []byte) string {
	bytesDiff := fmt.Sprintf("%d vs %d bytes", len(a), len(b))
	ia, errA := png.Decode(bytes.NewReader(a))
	ib, errB := png.Decode(bytes.NewReader(b))
	switch {
	case errA != nil && errB != nil:
		return bytesDiff + ", neither decodes"
	case errA != nil:
		return bytesDiff + ", the first does not decode: " + errA.Error()
	case errB != nil:
		return bytesDiff + ", the second does not decode: " + errB.Error()
	}
	if ia.Bounds() != ib.Bounds() {
		return fmt.Sprintf("%s, size %v vs %v", bytesDiff, ia.Bounds().Size(), ib.Bounds().Size())
	}
	n, first := 0, image.Point{}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !samePixel(ia, ib, x, y) {
				if n == 0 {
					first = image.Pt(x, y)
				}
				n++
			}
		}
	}
	if n == 0 {
		return bytesDiff + ", same pixels (the encoding differs)"
	}
	return fmt.Sprintf("%s, %d of %d pixels differ, first at (%d,%d): %v vs %v",
		bytesDiff, n, r.Dx()*r.Dy(), first.X, first.Y, ia.At(first.X, first.Y), ib.At(first.X, first.Y))
}

func samePixel(a, b image.Image, x, y int) bool {
	r1, g1, b1, a1 := a.At(x, y).RGBA()
	r2, g2, b2, a2 := b.At(x, y).RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

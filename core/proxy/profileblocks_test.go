package proxy

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/service/coverage"
	"dvmlab/internal/jvmtest"
)

// javapBlock is a basic block as the JDK's javap shows the code: the
// offsets of its first and last instruction and the source line of the
// first.
type javapBlock struct {
	first, last, line int
}

var (
	javapMethod = regexp.MustCompile(`^  [^ ].*?([\w$<>]+)\(.*\);$|^  [^ ].*?([\w$<>]+)\(.*\) throws .*;$|^  static \{\};$`)
	javapDesc   = regexp.MustCompile(`^    descriptor: (\S+)$`)
	javapInsn   = regexp.MustCompile(`^ +(\d+): (\w+)\s*(.*)$`)
	javapCase   = regexp.MustCompile(`^ +(?:-?\d+|default): (\d+)$`)
	javapLine   = regexp.MustCompile(`^ +line (\d+): (\d+)$`)
	javapExc    = regexp.MustCompile(`^ +(\d+) +(\d+) +(\d+) +\S+$`)
)

// javapBlocks splits every method of a class into basic blocks from
// `javap -c -l -p -s` alone, by JVMS §4.10.1's rules of where control
// goes: a block starts at offset 0, at a branch or switch target, at an
// exception handler, and after an instruction that branches, switches,
// returns or throws. Keys are name + descriptor.
func javapBlocks(t *testing.T, class string) map[string][]javapBlock {
	t.Helper()
	out, err := exec.Command("javap", "-c", "-l", "-p", "-s", class).CombinedOutput()
	if err != nil {
		t.Fatalf("javap: %v\n%s", err, out)
	}
	type method struct {
		offsets []int
		starts  map[int]bool
		lines   [][2]int
	}
	methods := map[string]*method{}
	var cur *method
	var name string
	inSwitch, inExc, inLines, endsBlock := false, false, false, false
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		s := sc.Text()
		if m := javapMethod.FindStringSubmatch(s); m != nil {
			name = m[1] + m[2]
			if name == "" {
				name = "<clinit>"
			} else if name == strings.TrimSuffix(filepath.Base(class), ".class") {
				name = "<init>" // javap names a constructor after its class
			}
			cur = nil
			continue
		}
		if m := javapDesc.FindStringSubmatch(s); m != nil {
			if strings.Contains(name, ".") || name == "" {
				continue
			}
			cur = &method{starts: map[int]bool{0: true}}
			methods[name+m[1]] = cur
			inSwitch, inExc, inLines, endsBlock = false, false, false, false
			continue
		}
		if cur == nil {
			continue
		}
		switch strings.TrimSpace(s) {
		case "Exception table:":
			inExc, inLines = true, false
			continue
		case "LineNumberTable:":
			inExc, inLines = false, true
			continue
		}
		switch {
		case inSwitch:
			if m := javapCase.FindStringSubmatch(s); m != nil {
				n, _ := strconv.Atoi(m[1])
				cur.starts[n] = true
			} else if strings.TrimSpace(s) == "}" {
				inSwitch = false
			}
		case inExc:
			if m := javapExc.FindStringSubmatch(s); m != nil {
				n, _ := strconv.Atoi(m[3])
				cur.starts[n] = true
			}
		case inLines:
			if m := javapLine.FindStringSubmatch(s); m != nil {
				l, _ := strconv.Atoi(m[1])
				o, _ := strconv.Atoi(m[2])
				cur.lines = append(cur.lines, [2]int{o, l})
			}
		default:
			m := javapInsn.FindStringSubmatch(s)
			if m == nil {
				continue
			}
			off, _ := strconv.Atoi(m[1])
			if endsBlock {
				cur.starts[off] = true
			}
			cur.offsets = append(cur.offsets, off)
			op := m[2]
			endsBlock = strings.HasPrefix(op, "if") || strings.HasPrefix(op, "goto") || strings.HasPrefix(op, "jsr") ||
				strings.HasSuffix(op, "return") || op == "athrow" || op == "ret" || strings.HasSuffix(op, "switch")
			if strings.HasPrefix(op, "if") || strings.HasPrefix(op, "goto") || strings.HasPrefix(op, "jsr") {
				n, err := strconv.Atoi(strings.Fields(m[3])[0])
				if err != nil {
					t.Fatalf("javap: branch without a target: %q", s)
				}
				cur.starts[n] = true
			}
			inSwitch = strings.HasSuffix(op, "switch")
		}
	}
	res := map[string][]javapBlock{}
	for k, m := range methods {
		var bs []javapBlock
		for _, off := range m.offsets {
			if m.starts[off] {
				line := 0
				for _, l := range m.lines {
					if l[0] <= off {
						line = l[1]
					}
				}
				bs = append(bs, javapBlock{first: off, last: off, line: line})
			} else if len(bs) > 0 {
				bs[len(bs)-1].last = off
			}
		}
		res[k] = bs
	}
	return res
}

// TestProfileBlocksExact runs a program whose never-taken branches are
// marked in its source through the proxy with the coverage and profile
// services, in a stock JVM under -Xverify:all: the output is the
// program's, the methods never run are the two the program never calls,
// and the blocks never run of the methods that ran are exactly those that
// start on a marked line, with the offsets of the class as served, split
// from javap's listing of it; the coverage service, in the same run,
// counts no run for exactly those blocks.
func TestProfileBlocksExact(t *testing.T) {
	dir := monitorSite(t, "Branches.java")
	class := filepath.Join(dir, "Branches.class")
	plain := jvmtest.MustJava(t, "-Xverify:all", "-cp", dir, "Branches")

	src, err := os.ReadFile(filepath.Join("testdata", "monitor", "Branches.java"))
	if err != nil {
		t.Fatal(err)
	}
	never := map[int]bool{}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(l, "// never") {
			never[i+1] = true
		}
	}
	wantMethods := []string{"Branches.<init>()V", "Branches.unused()V"}
	blocks := javapBlocks(t, class)
	var want []string
	total := 0
	for m, bs := range blocks {
		if m == "<init>()V" || m == "unused()V" {
			continue
		}
		total += len(bs)
		for _, b := range bs {
			if never[b.line] {
				want = append(want, fmt.Sprintf("Branches.%s @%d-%d", m, b.first, b.last))
			}
		}
	}
	sort.Strings(want)
	if len(want) != len(never) {
		t.Fatalf("the source marks %d lines, javap's blocks start %d never-run blocks on them: %v", len(never), len(want), want)
	}

	// The coverage service's splitting is javap's.
	data, err := os.ReadFile(class)
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := coverage.Blocks(c)
	if err != nil {
		t.Fatal(err)
	}
	var got, wantSplit []string
	for _, b := range cov {
		got = append(got, fmt.Sprintf("%s @%d-%d", b.Method, b.Offset, b.Last))
	}
	for m, bs := range blocks {
		for _, b := range bs {
			wantSplit = append(wantSplit, fmt.Sprintf("%s @%d-%d", m, b.first, b.last))
		}
	}
	sort.Strings(got)
	sort.Strings(wantSplit)
	if !slicesEqual(got, wantSplit) {
		t.Fatalf("coverage.Blocks:\n%s\njavap:\n%s", strings.Join(got, "\n"), strings.Join(wantSplit, "\n"))
	}

	origin := loopback(t, &Origin{Dir: dir})
	px, ps := proxyFor(t, "coverage,profile")
	covFile := filepath.Join(t.TempDir(), "cov.txt")
	r := jvmtest.Java(t, append([]string{"-Ddvmlab.coverage.out=" + covFile}, clientArgs(ps.URL, runtimeJar(t), origin.URL+"/", "Branches")...)...)
	if r.Err != nil || r.Stdout != plain.Stdout {
		t.Fatalf("client: %v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", r.Err, r.Stdout, plain.Stdout, r.Stderr)
	}
	sessions, err := px.Audit.Sessions()
	if err != nil || len(sessions) != 1 {
		t.Fatalf("want 1 session, got %d (%v)", len(sessions), err)
	}
	session := sessions[0].ID
	methods, _, err := px.Audit.Unused(session)
	if err != nil || !slicesEqual(methods, wantMethods) {
		t.Errorf("methods never run: %v (%v), want %v", methods, err, wantMethods)
	}
	for _, s := range []string{session, ""} {
		ub, n, err := px.Audit.UnusedBlocks(s)
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, b := range ub {
			got = append(got, b.Method+" @"+b.Range)
		}
		sort.Strings(got)
		if !slicesEqual(got, want) || n != total {
			t.Errorf("session %q: blocks never run, of %d:\n%s\nwant, of %d:\n%s", s, n, strings.Join(got, "\n"), total, strings.Join(want, "\n"))
		}
	}

	// The coverage service's counts of the same run: the blocks it saw
	// no run of, in the methods that ran.
	f, err := os.ReadFile(covFile)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[int]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		fs := strings.Fields(l)
		if len(fs) != 3 || fs[0] != "Branches" {
			t.Fatalf("coverage line %q", l)
		}
		id, _ := strconv.Atoi(fs[1])
		ran[id] = true
	}
	got = got[:0]
	for _, b := range cov {
		if !ran[b.ID] && b.Method != "<init>()V" && b.Method != "unused()V" {
			got = append(got, fmt.Sprintf("Branches.%s @%d-%d", b.Method, b.Offset, b.Last))
		}
	}
	sort.Strings(got)
	if !slicesEqual(got, want) {
		t.Errorf("coverage: blocks never run:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	t.Logf("%d of %d blocks of the methods that ran never ran: %v", len(want), total, want)
}

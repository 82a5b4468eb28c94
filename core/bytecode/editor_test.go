package bytecode_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

const farSource = `
public class Far {
    static int work(int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) { s += i; } else { s -= 1; }
            switch (i & 3) { case 0: s ^= 5; break; case 1: s += 7; break; default: s--; }
        }
        try { if (n > 5) throw new IllegalStateException("x" + n); } catch (IllegalStateException e) { s += e.getMessage().length(); }
        return s;
    }
    public static void main(String[] a) {
        for (int n = 0; n < 12; n++) System.out.println(n + " " + work(n));
    }
}
`

func jdkHierarchy(t *testing.T) bytecode.Hierarchy {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	return classpath.NewHierarchy(jdk)
}

// TestFarBranches pads every basic block of a real method with enough code
// that its branches and switch targets lie beyond ±32 KiB, so goto becomes
// goto_w and conditional branches become an inverted branch over a goto_w,
// and checks that HotSpot verifies the result and it prints what it printed.
func TestFarBranches(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Far.java": farSource})
	want := jvmtest.MustJava(t, "-Xverify:all", "-cp", dir, "Far").Stdout

	path := filepath.Join(dir, "Far.class")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	m := c.Method("work", "(I)I")
	ed, err := bytecode.NewEditor(c, m)
	if err != nil {
		t.Fatal(err)
	}
	starts, err := bytecode.BlockStarts(m.Code(), ed.Original)
	if err != nil {
		t.Fatal(err)
	}
	// iinc 1 0 is a 3-byte no-op on local s; 11,500 of them are 34.5 KB.
	pad := make([]*bytecode.Insn, 11500)
	for i := range pad {
		pad[i] = &bytecode.Insn{Op: bytecode.Iinc, Index: 1, Const: 0}
	}
	// Pad a block inside the loop, so the loop's exit test and its back
	// edge both jump across it.
	if err := ed.InsertBefore(starts[2], pad...); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Commit(bytecode.NewFrameComputer(c, jdkHierarchy(t))); err != nil {
		t.Fatal(err)
	}
	insns, err := bytecode.Decode(m.Code().Code)
	if err != nil {
		t.Fatal(err)
	}
	wide := 0
	for _, in := range insns {
		if in.Op == bytecode.GotoW {
			wide++
		}
	}
	if wide == 0 {
		t.Fatalf("no goto_w in %d bytes of code", len(m.Code().Code))
	}
	t.Logf("work(I)I: %d bytes, %d goto_w", len(m.Code().Code), wide)
	out, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	got := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-cp", dir, "Far").Stdout
	if got != want {
		t.Fatalf("output differs:\n got %q\nwant %q", got, want)
	}
}

// TestCodeTooLarge checks that growing code past 65,535 bytes is refused with
// an error naming the method.
func TestCodeTooLarge(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Far.java": farSource})
	data, err := os.ReadFile(filepath.Join(dir, "Far.class"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := classfile.Parse(data)
	m := c.Method("work", "(I)I")
	ed, _ := bytecode.NewEditor(c, m)
	pad := make([]*bytecode.Insn, 30000)
	for i := range pad {
		pad[i] = &bytecode.Insn{Op: bytecode.Iinc, Index: 1, Const: 0}
	}
	ed.InsertBefore(0, pad...)
	_, err = ed.Commit(bytecode.NewFrameComputer(c, jdkHierarchy(t)))
	if err == nil {
		t.Fatal("90 KB of code accepted")
	}
	t.Log(err)
	if want := "Far.work(I)I"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "65535") {
		t.Fatalf("error %q does not name %s and the limit", err, want)
	}
}

// probeClass is the class of the probe the tests insert (testdata/probe).
const probeClass = "EditorProbe"

// addProbe adds EditorProbe.hit(I)V to c's constant pool.
func addProbe(t testing.TB, c *classfile.Class) uint16 {
	t.Helper()
	ref, err := c.Pool.AddMethodref(probeClass, "hit", "(I)V")
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// probe is EditorProbe.hit(id): a call, which can throw, as a real probe's.
func probe(t testing.TB, c *classfile.Class, ref uint16, id int) []*bytecode.Insn {
	t.Helper()
	push, err := bytecode.PushInt(&c.Pool, id)
	if err != nil {
		t.Fatal(err)
	}
	return []*bytecode.Insn{push, {Op: bytecode.Invokestatic, Index: int(ref)}}
}

// probeMethod opens m for editing and inserts a probe before every basic
// block start and before every offset in extra; it returns the editor
// (committed by the caller) and the original offsets probed.
func probeMethod(t testing.TB, c *classfile.Class, m *classfile.Member, ref uint16, next *int, extra []int) (*bytecode.Editor, map[int]bool) {
	t.Helper()
	ed, err := bytecode.NewEditor(c, m)
	if err != nil {
		t.Fatal(err)
	}
	starts, err := bytecode.BlockStarts(m.Code(), ed.Original)
	if err != nil {
		t.Fatal(err)
	}
	probed := map[int]bool{}
	for _, off := range append(starts, extra...) {
		if probed[off] {
			continue
		}
		probed[off] = true
		if err := ed.InsertBefore(off, probe(t, c, ref, *next)...); err != nil {
			t.Fatal(err)
		}
		*next++
	}
	return ed, probed
}

// annotatedInstructions lists the offsets the code's type annotations name
// an instruction by (offset_target, type_argument_target).
func annotatedInstructions(code *classfile.Code) []int {
	var out []int
	for _, a := range code.Attributes {
		if ta, ok := a.(*classfile.TypeAnnotations); ok {
			for _, an := range ta.Annotations {
				if an.TargetType >= classfile.TargetInstanceof {
					out = append(out, int(an.Offset))
				}
			}
		}
	}
	return out
}

func loadClass(t testing.TB, path string) *classfile.Class {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeClass(t testing.TB, c *classfile.Class, path string) {
	t.Helper()
	out, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// compiled holds the classes compiled from testdata, by directory, for the
// whole test binary: javac takes seconds, and several tests share them.
var compiled struct {
	sync.Mutex
	root string
	dirs map[string]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if compiled.root != "" {
		os.RemoveAll(compiled.root)
	}
	os.Exit(code)
}

// compileTestdata compiles testdata/dir/*.java (with debug tables) once and
// returns the directory of the classes; tests must not change them.
func compileTestdata(t testing.TB, dir string) string {
	t.Helper()
	compiled.Lock()
	defer compiled.Unlock()
	if out, ok := compiled.dirs[dir]; ok {
		return out
	}
	if compiled.root == "" {
		root, err := os.MkdirTemp("", "editor-test")
		if err != nil {
			t.Fatal(err)
		}
		compiled.root, compiled.dirs = root, map[string]string{}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.java"))
	out := filepath.Join(compiled.root, dir)
	cmd := exec.Command(jvmtest.Tool(t, "javac"), append([]string{"-g", "-d", out}, files...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, b)
	}
	compiled.dirs[dir] = out
	return out
}

// TestTypeAnnotationsAfterInsert probes every basic block of a class with
// every kind of code-level type annotation, and before every instruction an
// annotation names, then asks the JDK's javap where the tables point: type
// annotations at the very instruction they named, ranges, lines and
// handlers at the probe before their instruction when it has one (see
// Editor.remapTables), localvar targets agreeing with the
// LocalVariableTable. HotSpot must verify the result (-Xverify:all) and it
// must print what the original printed. Frames both recomputed and kept
// (the uninitialized type of a new that starts a block moves with the new).
func TestTypeAnnotationsAfterInsert(t *testing.T) {
	dir := compileTestdata(t, "typeannos")
	probeDir := compileTestdata(t, "probe")
	want := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-cp", dir, "Annotated").Stdout
	orig := filepath.Join(dir, "Annotated.class")
	before := javapMethods(t, orig)
	h := jdkHierarchy(t)
	for _, keep := range []bool{false, true} {
		name := map[bool]string{false: "recompute", true: "keep"}[keep]
		t.Run(name, func(t *testing.T) {
			c := loadClass(t, orig)
			ref := addProbe(t, c)
			next := 0
			probed := map[string]map[int]bool{}
			for _, m := range c.Methods {
				if m.Code() == nil {
					continue
				}
				ed, p := probeMethod(t, c, m, ref, &next, annotatedInstructions(m.Code()))
				if keep {
					ed.KeepFrames()
				}
				if _, err := ed.Commit(bytecode.NewFrameComputer(c, h)); err != nil {
					t.Fatal(err)
				}
				probed[c.MemberName(m)+c.MemberDesc(m)] = p
			}
			out := t.TempDir()
			writeClass(t, c, filepath.Join(out, "Annotated.class"))
			after := javapMethods(t, filepath.Join(out, "Annotated.class"))
			targets := 0
			for sig, bm := range before {
				am := after[sig]
				if am == nil {
					t.Fatalf("%s missing after the rewrite", sig)
				}
				w, g := bm.describe(probed[bm.desc]), am.describe(nil)
				if strings.Join(w, "\n") != strings.Join(g, "\n") {
					t.Errorf("%s: tables moved:\n%s", sig, lineDiff(w, g))
				}
				for _, l := range g {
					if strings.HasPrefix(l, "Runtime") {
						targets++
					}
				}
			}
			if targets < 17 {
				t.Errorf("only %d type annotations in the code; testdata/typeannos has 17", targets)
			}
			got := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-cp", classPath(out, dir, probeDir), "Annotated").Stdout
			if got != want {
				t.Errorf("output differs:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func classPath(dirs ...string) string { return strings.Join(dirs, string(os.PathListSeparator)) }

func lineDiff(want, got []string) string {
	var b strings.Builder
	for i := 0; i < max(len(want), len(got)); i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			fmt.Fprintf(&b, "  want %s\n   got %s\n", w, g)
		}
	}
	return b.String()
}

// javapMethod is one method as the JDK's javap -c -p -v lists it: its
// instructions and the tables that point into them, by offset.
type javapMethod struct {
	desc     string // name + descriptor, as the Code attribute's method
	insns    []javapInsn
	at       map[int]int // offset -> index in insns
	handlers [][4]string // from, to, target, type
	lines    [][2]string // line, start
	vars     [][5]string // start, length, slot, name, signature (both tables)
	annos    []string    // type annotation lines, raw
}

type javapInsn struct {
	off     int
	op      string
	ordinal int  // among the instructions that are not probes
	probe   bool // part of an EditorProbe.hit call
}

var (
	javapHeader   = regexp.MustCompile(`^  [a-zA-Z].*;$`)
	javapName     = regexp.MustCompile(`([^ (]+)\(`)
	javapDesc     = regexp.MustCompile(`^    descriptor: (\S+)$`)
	javapInsnRe   = regexp.MustCompile(`^\s+(\d+): ([a-z][a-z_0-9]*)\b(.*)$`)
	javapHandler  = regexp.MustCompile(`^\s+(\d+)\s+(\d+)\s+(\d+)\s+(Class \S+|any)$`)
	javapLine     = regexp.MustCompile(`^\s+line (\d+): (\d+)$`)
	javapVar      = regexp.MustCompile(`^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)$`)
	javapTypeAnno = regexp.MustCompile(`^\s+\d+: (#\d+\(.*?\)): ([A-Z_]+)(.*)$`)
)

// javapMethods runs the JDK's javap on a class file and reads its methods,
// keyed by javap's header line.
func javapMethods(t testing.TB, path string) map[string]*javapMethod {
	t.Helper()
	out, err := exec.Command(jvmtest.Tool(t, "javap"), "-c", "-p", "-v", path).Output()
	if err != nil {
		t.Fatalf("javap %s: %v", path, err)
	}
	methods := map[string]*javapMethod{}
	var m *javapMethod
	section, header := "", ""
	for _, line := range strings.Split(string(out), "\n") {
		if javapHeader.MatchString(line) {
			m = &javapMethod{at: map[int]int{}}
			header = strings.TrimSpace(line)
			methods[header] = m
			section = ""
			continue
		}
		if m == nil {
			continue
		}
		if d := javapDesc.FindStringSubmatch(line); d != nil {
			m.desc = javapMemberName(header) + d[1]
			continue
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "Code:", trimmed == "Exception table:", trimmed == "LineNumberTable:", trimmed == "LocalVariableTable:",
			trimmed == "LocalVariableTypeTable:", trimmed == "RuntimeVisibleTypeAnnotations:", trimmed == "RuntimeInvisibleTypeAnnotations:",
			strings.HasPrefix(trimmed, "StackMapTable:"):
			section = strings.TrimSuffix(trimmed, ":")
			continue
		}
		switch section {
		case "Code":
			if r := javapInsnRe.FindStringSubmatch(line); r != nil {
				off, _ := strconv.Atoi(r[1])
				in := javapInsn{off: off, op: r[2]}
				if r[2] == "invokestatic" && strings.Contains(r[3], "// Method "+probeClass+".hit:(I)V") {
					in.probe = true
					m.insns[len(m.insns)-1].probe = true
				}
				m.at[off] = len(m.insns)
				m.insns = append(m.insns, in)
			}
		case "Exception table":
			if r := javapHandler.FindStringSubmatch(line); r != nil {
				m.handlers = append(m.handlers, [4]string{r[1], r[2], r[3], r[4]})
			}
		case "LineNumberTable":
			if r := javapLine.FindStringSubmatch(line); r != nil {
				m.lines = append(m.lines, [2]string{r[1], r[2]})
			}
		case "LocalVariableTable", "LocalVariableTypeTable":
			if r := javapVar.FindStringSubmatch(line); r != nil {
				m.vars = append(m.vars, [5]string{r[1], r[2], r[3], r[4], r[5]})
			}
		case "RuntimeVisibleTypeAnnotations", "RuntimeInvisibleTypeAnnotations":
			if javapTypeAnno.MatchString(line) {
				m.annos = append(m.annos, section+" "+trimmed)
			}
		}
	}
	for _, m := range methods {
		k := 0
		for i := range m.insns {
			m.insns[i].ordinal = k
			if !m.insns[i].probe {
				k++
			}
		}
	}
	return methods
}

// javapMemberName is the class-file name of the member a javap header
// line declares.
func javapMemberName(header string) string {
	if header == "static {};" {
		return "<clinit>"
	}
	n := javapName.FindStringSubmatch(header)
	if n == nil {
		return header
	}
	if strings.Contains(n[1], ".") || isConstructorHeader(header, n[1]) {
		return "<init>"
	}
	return n[1]
}

// isConstructorHeader tells a constructor's header (no return type before
// the name) from a method's.
func isConstructorHeader(header, name string) bool {
	words := strings.Fields(header[:strings.Index(header, name+"(")])
	for _, w := range words {
		switch w {
		case "public", "protected", "private", "static", "final", "synchronized", "native", "abstract", "strictfp":
			continue
		}
		return false // a return type
	}
	return true
}

// pos names what offset off points at: "#k op" for the k-th instruction
// that is not a probe, with "probe>" before it when off is the start of a
// probe inserted before it, "end" past the last instruction. For the
// original code (probed not nil), entry positions of instructions in probed
// get "probe>" too: that is where they must point after the rewrite.
func (m *javapMethod) pos(s string, entry bool, probed map[int]bool) string {
	off, _ := strconv.Atoi(s)
	i, ok := m.at[off]
	if !ok {
		if len(m.insns) > 0 && off > m.insns[len(m.insns)-1].off {
			return "end"
		}
		return "NOT AN INSTRUCTION " + s
	}
	prefix := ""
	if m.insns[i].probe {
		if m.insns[i].op == "invokestatic" {
			return "INSIDE A PROBE " + s
		}
		prefix = "probe>"
		for i < len(m.insns) && m.insns[i].probe {
			i++
		}
		if i == len(m.insns) {
			return "probe>end"
		}
	} else if probed != nil && entry && probed[off] {
		prefix = "probe>"
	}
	return fmt.Sprintf("%s#%d %s", prefix, m.insns[i].ordinal, m.insns[i].op)
}

var (
	taOffset = regexp.MustCompile(`offset=(\d+)`)
	taRange  = regexp.MustCompile(`\{start_pc=(\d+), length=(\d+), index=(\d+)\}`)
	taCatch  = regexp.MustCompile(`exception_index=(\d+)`)
	taIndex  = regexp.MustCompile(`^(\S+) \d+: `)
)

// describe lists every table entry of the method by what it points at.
func (m *javapMethod) describe(probed map[int]bool) []string {
	var out []string
	end := func(start, length string) string {
		s, _ := strconv.Atoi(start)
		l, _ := strconv.Atoi(length)
		return strconv.Itoa(s + l)
	}
	handler := func(k int) string {
		if k >= len(m.handlers) {
			return fmt.Sprintf("NO ENTRY %d", k)
		}
		h := m.handlers[k]
		return fmt.Sprintf("[%s, %s) -> %s %s", m.pos(h[0], true, probed), m.pos(h[1], true, probed), m.pos(h[2], true, probed), h[3])
	}
	for k := range m.handlers {
		out = append(out, "handler "+handler(k))
	}
	for _, l := range m.lines {
		out = append(out, fmt.Sprintf("line %s: %s", l[0], m.pos(l[1], true, probed)))
	}
	lvt := map[string]bool{}
	for _, v := range m.vars {
		r := fmt.Sprintf("[%s, %s) slot %s", m.pos(v[0], true, probed), m.pos(end(v[0], v[1]), true, probed), v[2])
		lvt[v[0]+" "+v[1]+" "+v[2]] = true
		out = append(out, fmt.Sprintf("var %s %s %s", v[3], v[4], r))
	}
	for _, a := range m.annos {
		a = taOffset.ReplaceAllStringFunc(a, func(s string) string {
			return "offset=" + m.pos(taOffset.FindStringSubmatch(s)[1], false, probed)
		})
		a = taRange.ReplaceAllStringFunc(a, func(s string) string {
			r := taRange.FindStringSubmatch(s)
			agrees := "agrees with"
			if !lvt[r[1]+" "+r[2]+" "+r[3]] {
				agrees = "DISAGREES with"
			}
			return fmt.Sprintf("{[%s, %s) slot %s, %s the LocalVariableTable}", m.pos(r[1], true, probed), m.pos(end(r[1], r[2]), true, probed), r[3], agrees)
		})
		a = taCatch.ReplaceAllStringFunc(a, func(s string) string {
			k, _ := strconv.Atoi(taCatch.FindStringSubmatch(s)[1])
			return "exception table entry " + handler(k)
		})
		out = append(out, taIndex.ReplaceAllString(a, "$1 "))
	}
	return out
}

// TestRemovedInstructionTakesItsAnnotations replaces an annotated
// instanceof: the annotation names an instruction that is gone, so it goes
// too (JVMS §4.7.20.1: offset_target names the instanceof itself), and
// every other table still points where it did.
func TestRemovedInstructionTakesItsAnnotations(t *testing.T) {
	dir := compileTestdata(t, "typeannos")
	orig := filepath.Join(dir, "Annotated.class")
	want := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-cp", dir, "Annotated").Stdout
	c := loadClass(t, orig)
	m := c.Method("test", "(Ljava/lang/Object;)I")
	ed, err := bytecode.NewEditor(c, m)
	if err != nil {
		t.Fatal(err)
	}
	var gone int
	for _, in := range ed.Original {
		if in.Op == bytecode.Instanceof {
			gone = in.Offset // the first, @A(2) String
			if err := ed.Replace(in.Offset, &bytecode.Insn{Op: bytecode.Instanceof, Index: in.Index}); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if _, err := ed.Commit(bytecode.NewFrameComputer(c, jdkHierarchy(t))); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	writeClass(t, c, filepath.Join(out, "Annotated.class"))
	const sig = "static int test(java.lang.Object);"
	bm := javapMethods(t, orig)[sig]
	before := bm.describe(nil)
	after := javapMethods(t, filepath.Join(out, "Annotated.class"))[sig].describe(nil)
	var kept []string
	dropped := 0
	for _, l := range before {
		if strings.Contains(l, "INSTANCEOF, offset="+bm.pos(strconv.Itoa(gone), false, nil)+",") || strings.HasSuffix(l, "INSTANCEOF, offset="+bm.pos(strconv.Itoa(gone), false, nil)) {
			dropped++
			continue
		}
		kept = append(kept, l)
	}
	if dropped != 1 {
		t.Fatalf("%d annotations on the instanceof at %d, want 1", dropped, gone)
	}
	if strings.Join(kept, "\n") != strings.Join(after, "\n") {
		t.Errorf("tables after replacing the instanceof:\n%s", lineDiff(kept, after))
	}
	if got := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-cp", classPath(out, dir), "Annotated").Stdout; got != want {
		t.Errorf("output differs:\n got %q\nwant %q", got, want)
	}
}

// TestDeadCodeSplitsCatchTargets makes an instruction inside eleven
// exception ranges unreachable (code inserted before it jumps over it).
// Frame computation cuts it out of the ranges, splitting each in two; the
// annotated catch clauses' catch_target must then name every piece of their
// entry and nothing else (JVMS §4.7.20.1: exception_table_index), and
// HotSpot must verify the result.
func TestDeadCodeSplitsCatchTargets(t *testing.T) {
	dir := compileTestdata(t, "typeannos")
	orig := filepath.Join(dir, "Annotated.class")
	c := loadClass(t, orig)
	m := c.Method("guarded", "(Ljava/lang/String;)I")
	ed, err := bytecode.NewEditor(c, m)
	if err != nil {
		t.Fatal(err)
	}
	// r = Integer.parseInt(x) becomes r = 0: pop x, push 0, jump to the
	// store, leaving the call dead.
	for i, in := range ed.Original {
		if in.Op == bytecode.Invokestatic {
			next := ed.Label(ed.Original[i+1].Offset)
			if err := ed.InsertBefore(in.Offset, &bytecode.Insn{Op: bytecode.Pop}, &bytecode.Insn{Op: bytecode.Iconst0},
				&bytecode.Insn{Op: bytecode.Goto, Target: next}); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	res, err := ed.Commit(bytecode.NewFrameComputer(c, jdkHierarchy(t)))
	if err != nil {
		t.Fatal(err)
	}
	if res.DeadBlocks != 1 {
		t.Fatalf("%d dead blocks, want 1", res.DeadBlocks)
	}
	out := t.TempDir()
	writeClass(t, c, filepath.Join(out, "Annotated.class"))
	const sig = "static int guarded(java.lang.String);"
	// By catch type: each annotated clause catches one type of its own.
	catchTargets := func(path string) (named map[string]int, entries map[string]int) {
		m := javapMethods(t, path)[sig]
		named, entries = map[string]int{}, map[string]int{}
		seen := map[int]bool{}
		for _, a := range m.annos {
			if r := taCatch.FindStringSubmatch(a); r != nil {
				k, _ := strconv.Atoi(r[1])
				if seen[k] {
					t.Errorf("%s: exception table entry %d named twice", path, k)
				}
				seen[k] = true
				named[m.handlers[k][3]]++
			}
		}
		for _, h := range m.handlers {
			if named[h[3]] > 0 {
				entries[h[3]]++
			}
		}
		return named, entries
	}
	before, _ := catchTargets(orig)
	named, entries := catchTargets(filepath.Join(out, "Annotated.class"))
	if len(before) != 3 {
		t.Fatalf("original catch targets %v, want three catch clauses", before)
	}
	for typ, n := range named {
		if before[typ] != 1 {
			t.Errorf("catch_target names %s, which %d annotations named before", typ, before[typ])
		}
		if n != entries[typ] || n != 2 {
			t.Errorf("%s: %d catch_targets for %d exception table entries, want 2 and 2", typ, n, entries[typ])
		}
	}
	for typ := range before {
		if named[typ] == 0 {
			t.Errorf("the annotation of the catch of %s is gone", typ)
		}
	}
	r := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-cp", classPath(out, dir), "Annotated")
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); lines[len(lines)-1] != "100 100 100" {
		t.Errorf("guarded() printed %q, want 100 100 100 now that nothing throws", lines[len(lines)-1])
	}
}

// TestEditErrorsNameOriginalOffsets checks that an error found in edited
// code names the original instruction, and says when it is in code an edit
// inserted.
func TestEditErrorsNameOriginalOffsets(t *testing.T) {
	dir := compileTestdata(t, "typeannos")
	h := jdkHierarchy(t)
	// make(Z): 0 iload_0, 1 ifeq 6, 4 aconst_null, 5 areturn, 6 new, 9 dup,
	// 10 invokespecial, 13 areturn.
	for _, tc := range []struct {
		name string
		edit func(*bytecode.Editor) error
		off  int
		in   string
	}{
		{"inserted", func(ed *bytecode.Editor) error {
			return ed.InsertBefore(6, &bytecode.Insn{Op: bytecode.Pop})
		}, 6, "(in code inserted before offset 6)"},
		{"original", func(ed *bytecode.Editor) error {
			return ed.Remove(9) // the dup: areturn at 13 finds the stack empty
		}, 13, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadClass(t, filepath.Join(dir, "Annotated.class"))
			m := c.Method("make", "(Z)Ljava/lang/Object;")
			ed, err := bytecode.NewEditor(c, m)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.edit(ed); err != nil {
				t.Fatal(err)
			}
			_, err = ed.Commit(bytecode.NewFrameComputer(c, h))
			var fe *bytecode.FrameError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a FrameError", err)
			}
			t.Log(err)
			if fe.Offset != tc.off || (tc.in != "") != strings.Contains(fe.Msg, "inserted") || !strings.Contains(fe.Msg, tc.in) {
				t.Errorf("error at offset %d (%q), want %d %q", fe.Offset, fe.Msg, tc.off, tc.in)
			}
		})
	}
}

// TestMaxLocalsCoverLocalVariableTable edits a method whose
// LocalVariableTable names a slot its code never touches (testdata/
// max-locals-lvt): max_locals must still cover it, or HotSpot refuses the
// class, as it does the original with max_locals lowered.
func TestMaxLocalsCoverLocalVariableTable(t *testing.T) {
	const in = "testdata/max-locals-lvt/LvtBeyondUse.class"
	probeDir := compileTestdata(t, "probe")
	h := jdkHierarchy(t)
	for _, keep := range []bool{false, true} {
		c := loadClass(t, in)
		m := c.Method("main", "([Ljava/lang/String;)V")
		if got := bytecode.MinLocals(c, m, m.Code()); got != 3 {
			t.Errorf("MinLocals = %d, want 3 (slot 2 in the LocalVariableTable)", got)
		}
		ref := addProbe(t, c)
		next := 0
		ed, _ := probeMethod(t, c, m, ref, &next, nil)
		if keep {
			ed.KeepFrames()
		}
		res, err := ed.Commit(bytecode.NewFrameComputer(c, h))
		if err != nil {
			t.Fatal(err)
		}
		if res.MaxLocals != 3 || m.Code().MaxLocals != 3 {
			t.Errorf("keep=%v: max_locals %d (result %d), want 3", keep, m.Code().MaxLocals, res.MaxLocals)
		}
		out := t.TempDir()
		writeClass(t, c, filepath.Join(out, "LvtBeyondUse.class"))
		r := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-cp", classPath(out, probeDir), "LvtBeyondUse", "a", "b")
		if r.Stdout != "2\n" {
			t.Errorf("keep=%v: printed %q, want 2", keep, r.Stdout)
		}
	}

	// The same rule as HotSpot's: lowered to 2, CheckCode and the JVM
	// both refuse the original.
	c := loadClass(t, in)
	m := c.Method("main", "([Ljava/lang/String;)V")
	m.Code().MaxLocals = 2
	err := bytecode.CheckCode(c, m)
	if err == nil || !strings.Contains(err.Error(), "max_locals 2") {
		t.Errorf("CheckCode with max_locals 2: %v", err)
	}
	out := t.TempDir()
	writeClass(t, c, filepath.Join(out, "LvtBeyondUse.class"))
	r := jvmtest.Java(t, "-Xverify:all", "-Xshare:off", "-cp", out, "LvtBeyondUse", "a", "b")
	if r.Err == nil || !strings.Contains(r.Stderr, "Invalid index 2 in LocalVariableTable") {
		t.Errorf("HotSpot ran LvtBeyondUse with max_locals 2: %v %s", r.Err, r.Stderr)
	}
	m.Code().MaxLocals = 3
	if err := bytecode.CheckCode(c, m); err != nil {
		t.Errorf("CheckCode on the original: %v", err)
	}
}

// TestCheckCodeAgreesWithHotSpot breaks one rule of a method's Code
// attribute at a time and requires CheckCode and HotSpot to refuse the
// class alike, and both to accept it unbroken.
func TestCheckCodeAgreesWithHotSpot(t *testing.T) {
	dir := compileTestdata(t, "typeannos")
	orig := filepath.Join(dir, "Annotated.class")
	for _, tc := range []struct {
		name, hotspot string
		breakIt       func(code *classfile.Code)
	}{
		{"unbroken", "", func(*classfile.Code) {}},
		{"exception range past the code", "Illegal exception table range", func(code *classfile.Code) {
			code.Handlers[0].EndPC = uint16(len(code.Code) + 1)
		}},
		{"handler past the code", "Illegal exception table handler", func(code *classfile.Code) {
			code.Handlers[0].HandlerPC = uint16(len(code.Code))
		}},
		{"line past the code", "Invalid pc in LineNumberTable", func(code *classfile.Code) {
			attrOf[*classfile.LineNumberTable](code).Lines[0].StartPC = uint16(len(code.Code))
		}},
		{"variable past the code", "Invalid length", func(code *classfile.Code) {
			v := &attrOf[*classfile.LocalVariableTable](code).Vars[0]
			v.Length = uint16(len(code.Code)) - v.StartPC + 1
		}},
		{"variable past max_locals", "Invalid index", func(code *classfile.Code) {
			attrOf[*classfile.LocalVariableTable](code).Vars[0].Slot = code.MaxLocals
		}},
		{"arguments past max_locals", "Arguments can't fit into locals", func(code *classfile.Code) {
			code.MaxLocals = 0
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadClass(t, orig)
			m := c.Method("guarded", "(Ljava/lang/String;)I")
			tc.breakIt(m.Code())
			err := bytecode.CheckCode(c, m)
			out := t.TempDir()
			writeClass(t, c, filepath.Join(out, "Annotated.class"))
			r := jvmtest.Java(t, "-Xverify:all", "-Xshare:off", "-cp", classPath(out, dir), "Annotated")
			t.Logf("CheckCode: %v", err)
			if tc.hotspot == "" {
				if err != nil || r.Err != nil {
					t.Fatalf("CheckCode: %v; HotSpot: %v %s", err, r.Err, r.Stderr)
				}
				return
			}
			if !strings.Contains(r.Stderr, "ClassFormatError: "+tc.hotspot) {
				t.Fatalf("HotSpot does not refuse it with %q: %v %s", tc.hotspot, r.Err, r.Stderr)
			}
			if err == nil || !strings.Contains(err.Error(), "Annotated.guarded(Ljava/lang/String;)I") {
				t.Errorf("CheckCode: %v, want an error naming the method (HotSpot: %s)", err, tc.hotspot)
			}
		})
	}
}

// attrOf is the first attribute of type T of code.
func attrOf[T classfile.Attribute](code *classfile.Code) T {
	for _, a := range code.Attributes {
		if t, ok := a.(T); ok {
			return t
		}
	}
	var zero T
	return zero
}

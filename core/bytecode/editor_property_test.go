package bytecode_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

// The programs of the DVM paper's benchmarks, from Debian (make deps).
var propertyJars = []string{"/usr/share/java/JLex.jar", "/usr/share/java/cup.jar"}

// TestProbesKeepTablesOnOriginalInstructions is the editor's property over
// real code: for every method of a sample of java.base (every class of the
// JDK with DVMLAB_CORPUS=jdk) and of JLex and CUP, insert a probe before
// every basic-block start, with frames recomputed and with frames kept,
// then find the original instructions in the result by their identity
// (the code with the probes taken out is the original instruction for
// instruction) and check that every branch, exception table entry, line,
// local variable and type annotation points where Editor.remapTables says:
// at the instruction it pointed at, or at the probe before it. JLex and CUP
// are then loaded and initialized by HotSpot under -Xverify:all, which must
// give every class the verdict it gives the original.
func TestProbesKeepTablesOnOriginalInstructions(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	var jars []classpath.Source
	for _, p := range propertyJars {
		src, err := classpath.Open(p)
		if err != nil {
			t.Fatalf("%v: install Debian's jlex and cup (make deps)", err)
		}
		defer src.Close()
		jars = append(jars, src)
	}
	finders := []classpath.Finder{jdk}
	for _, j := range jars {
		finders = append(finders, j)
	}
	h := classpath.NewHierarchy(finders...)

	var jdkSrc classpath.Source = jdk.Module("java.base")
	every, sample := 16, "java.base, 1 class in 16"
	if os.Getenv("DVMLAB_CORPUS") == "jdk" {
		jdkSrc, every, sample = jdk, 1, "the JDK"
	}
	var origVerdict string // HotSpot's on the original classes, the same for both runs
	for _, keep := range []bool{false, true} {
		t.Run(map[bool]string{false: "recompute", true: "keep"}[keep], func(t *testing.T) {
			p := &propertyRun{t: t, h: h, keep: keep}
			t0 := time.Now()
			n := 0
			err := jdkSrc.Walk(func(name string, data []byte) error {
				if n++; n%every == 0 {
					p.class(name, data)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			jdkStats := p.stats
			out := t.TempDir()
			var names []string
			for _, j := range jars {
				err := j.Walk(func(name string, data []byte) error {
					if b := p.class(name, data); b != nil {
						path := filepath.Join(out, filepath.FromSlash(name)+".class")
						if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
							return err
						}
						names = append(names, strings.ReplaceAll(name, "/", "."))
						return os.WriteFile(path, b, 0o644)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("%s: %s; JLex and CUP: %s; %v", sample, jdkStats, p.stats.minus(jdkStats), time.Since(t0).Round(time.Millisecond))
			if p.stats.checked < p.stats.methods*9/10 {
				t.Errorf("only %d of %d methods checked", p.stats.checked, p.stats.methods)
			}

			// HotSpot's verdict on the rewritten classes, against its verdict
			// on the originals, loaded the same way.
			probeDir := compileTestdata(t, "probe")
			if origVerdict == "" {
				origVerdict = jvmtest.MustJava(t, append([]string{"-Xverify:all", "-Xshare:off", "-cp", classPath(strings.Join(propertyJars, string(os.PathListSeparator)), probeDir), "LoadAll"}, names...)...).Stdout
			}
			got := jvmtest.MustJava(t, append([]string{"-Xverify:all", "-Xshare:off", "-cp", classPath(out, probeDir), "LoadAll"}, names...)...).Stdout
			if w, g := strings.Split(origVerdict, "\n"), strings.Split(got, "\n"); origVerdict != got {
				t.Errorf("HotSpot's verdicts differ:\n%s", lineDiff(w, g))
			}
			ok := strings.Count(got, "OK ")
			if ok < len(names)*9/10 {
				t.Errorf("only %d of %d classes loaded and initialized", ok, len(names))
			}
			t.Logf("HotSpot (-Xverify:all) loaded and initialized %d of %d rewritten classes of JLex and CUP, as it does the originals", ok, len(names))
		})
	}
}

type propertyStats struct {
	classes, methods, checked, probes int
	dead, relaxed                     int // methods with dead code cut or branches relaxed, not checked
}

func (s propertyStats) String() string {
	return fmt.Sprintf("%d classes, %d methods, %d checked (%d with dead code, %d with far branches left out), %d probes",
		s.classes, s.methods, s.checked, s.dead, s.relaxed, s.probes)
}

func (s propertyStats) minus(o propertyStats) propertyStats {
	return propertyStats{s.classes - o.classes, s.methods - o.methods, s.checked - o.checked, s.probes - o.probes, s.dead - o.dead, s.relaxed - o.relaxed}
}

type propertyRun struct {
	t     *testing.T
	h     bytecode.Hierarchy
	keep  bool
	next  int // probe ids run on across classes, so ldc of an Integer gets used too
	fails int
	stats propertyStats
}

// errorf reports a failure, up to a limit: one broken rule breaks many
// methods.
func (p *propertyRun) errorf(format string, args ...any) {
	p.t.Helper()
	if p.fails++; p.fails <= 20 {
		p.t.Errorf(format, args...)
	}
}

// class probes every method of one class and checks it; it returns the
// class written out, nil when it failed.
func (p *propertyRun) class(name string, data []byte) []byte {
	c, err := classfile.Parse(data)
	if err != nil {
		p.errorf("%s: %v", name, err)
		return nil
	}
	p.stats.classes++
	ref := addProbe(p.t, c)
	fc := bytecode.NewFrameComputer(c, p.h)
	for _, m := range c.Methods {
		if m.Code() == nil {
			continue
		}
		p.stats.methods++
		before := snapshot(m.Code())
		ed, probed := probeMethod(p.t, c, m, ref, &p.next, nil)
		if p.keep {
			ed.KeepFrames()
		}
		res, err := ed.Commit(fc)
		if err != nil {
			p.errorf("%v", err)
			return nil
		}
		p.stats.probes += len(probed)
		if res.DeadBlocks > 0 {
			p.stats.dead++
			continue
		}
		problems, relaxed := checkTables(before, m.Code(), probed, ref)
		if relaxed {
			p.stats.relaxed++
			continue
		}
		p.stats.checked++
		for _, pr := range problems {
			p.errorf("%s.%s%s: %s", c.Name(), c.MemberName(m), c.MemberDesc(m), pr)
		}
	}
	out, err := c.Write()
	if err != nil {
		p.errorf("%s: write: %v", name, err)
		return nil
	}
	return out
}

// codeTables is a deep copy of what a Code attribute's tables say, taken
// before an edit rewrites them in place; the attributes themselves (the
// same values after the edit) key the debug tables.
type codeTables struct {
	insns    []bytecode.Instruction
	length   int
	handlers []classfile.ExceptionHandler
	lines    map[*classfile.LineNumberTable][]classfile.LineNumber
	vars     map[*classfile.LocalVariableTable][]classfile.LocalVariable
	annos    map[*classfile.TypeAnnotations][]classfile.TypeAnnotation
}

func snapshot(code *classfile.Code) *codeTables {
	insns, _ := bytecode.Decode(code.Code)
	s := &codeTables{insns: insns, length: len(code.Code), handlers: append([]classfile.ExceptionHandler(nil), code.Handlers...),
		lines: map[*classfile.LineNumberTable][]classfile.LineNumber{}, vars: map[*classfile.LocalVariableTable][]classfile.LocalVariable{},
		annos: map[*classfile.TypeAnnotations][]classfile.TypeAnnotation{}}
	for _, a := range code.Attributes {
		switch a := a.(type) {
		case *classfile.LineNumberTable:
			s.lines[a] = append([]classfile.LineNumber(nil), a.Lines...)
		case *classfile.LocalVariableTable:
			s.vars[a] = append([]classfile.LocalVariable(nil), a.Vars...)
		case *classfile.TypeAnnotations:
			as := append([]classfile.TypeAnnotation(nil), a.Annotations...)
			for i := range as {
				as[i].LocalVars = append([]classfile.LocalVarTarget(nil), as[i].LocalVars...)
			}
			s.annos[a] = as
		}
	}
	return s
}

func isPush(op bytecode.Opcode) bool {
	return (op >= bytecode.IconstM1 && op <= bytecode.Iconst5) || op == bytecode.Bipush || op == bytecode.Sipush ||
		op == bytecode.Ldc || op == bytecode.LdcW
}

// checkTables finds the original instructions in the edited code by taking
// the probes (a push and invokestatic ref) out, and checks every table of
// the edited code against the original's. relaxed is set when a branch
// had to become goto_w, which the identity walk does not follow.
func checkTables(before *codeTables, code *classfile.Code, probed map[int]bool, ref uint16) (problems []string, relaxed bool) {
	insns, err := bytecode.Decode(code.Code)
	if err != nil {
		return []string{err.Error()}, false
	}
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	idx := map[int]int{} // original offset -> index
	for i, in := range before.insns {
		idx[in.Offset] = i
	}
	entry := make([]int, len(before.insns)) // where control reaches original instruction i: its probe, if any
	self := make([]int, len(before.insns))  // the instruction itself
	k, probeAt := 0, -1
	for i := 0; i < len(insns); i++ {
		in := insns[i]
		if i+1 < len(insns) && isPush(in.Op) && insns[i+1].Op == bytecode.Invokestatic && insns[i+1].Index == int(ref) {
			if probeAt >= 0 {
				fail("two probes before one instruction at %d", in.Offset)
			}
			probeAt = in.Offset
			i++
			continue
		}
		if in.Op == bytecode.GotoW || in.Op == bytecode.JsrW {
			if k < len(before.insns) && before.insns[k].Op != in.Op {
				return nil, true
			}
		}
		if k == len(before.insns) {
			fail("instruction %s at %d is neither a probe nor original", in.Op, in.Offset)
			return problems, false
		}
		o := before.insns[k]
		if in.Op != o.Op || in.Index != o.Index || in.Const != o.Const || in.Wide != o.Wide {
			fail("instruction %d is %s %d %d at %d, was %s %d %d at %d", k, in.Op, in.Index, in.Const, in.Offset, o.Op, o.Index, o.Const, o.Offset)
			return problems, false
		}
		if (probeAt >= 0) != probed[o.Offset] {
			fail("original offset %d: probe before it %v, want %v", o.Offset, probeAt >= 0, probed[o.Offset])
		}
		self[k], entry[k] = in.Offset, in.Offset
		if probeAt >= 0 {
			entry[k] = probeAt
		}
		probeAt = -1
		k++
	}
	if k != len(before.insns) {
		fail("%d of %d original instructions found", k, len(before.insns))
		return problems, false
	}
	// at maps an original offset to the edited one: the entry of its
	// instruction (or its very start, for ranges from 0), or the instruction
	// itself; the end of the code to the end.
	at := func(off int, how string) (int, bool) {
		if off == before.length {
			return len(code.Code), true
		}
		i, ok := idx[off]
		if !ok {
			return 0, false
		}
		switch how {
		case "self":
			return self[i], true
		case "start":
			if off == 0 {
				return 0, true
			}
		}
		return entry[i], true
	}
	want := func(what string, orig, got int, how string) {
		if w, ok := at(orig, how); !ok {
			fail("%s: original offset %d is not an instruction", what, orig)
		} else if got != w {
			fail("%s: at %d, want %d (%s of the instruction at original offset %d)", what, got, w, how, orig)
		}
	}
	edited := map[int]bytecode.Instruction{}
	for _, in := range insns {
		edited[in.Offset] = in
	}
	for i, in := range before.insns {
		n := edited[self[i]]
		if in.Op.IsBranchOp() {
			want(fmt.Sprintf("branch at original %d", in.Offset), in.Target, n.Target, "entry")
		}
		if in.Switch != nil {
			want(fmt.Sprintf("switch default at original %d", in.Offset), in.Switch.Default, n.Switch.Default, "entry")
			for j, tg := range in.Switch.Targets {
				want(fmt.Sprintf("switch target %d at original %d", j, in.Offset), tg, n.Switch.Targets[j], "entry")
			}
		}
	}
	if len(code.Handlers) != len(before.handlers) {
		fail("%d exception table entries, was %d", len(code.Handlers), len(before.handlers))
	} else {
		for i, h := range before.handlers {
			g := code.Handlers[i]
			want(fmt.Sprintf("exception table entry %d start", i), int(h.StartPC), int(g.StartPC), "entry")
			want(fmt.Sprintf("exception table entry %d end", i), int(h.EndPC), int(g.EndPC), "entry")
			want(fmt.Sprintf("exception table entry %d handler", i), int(h.HandlerPC), int(g.HandlerPC), "entry")
			if g.CatchType != h.CatchType {
				fail("exception table entry %d catches #%d, was #%d", i, g.CatchType, h.CatchType)
			}
		}
	}
	for t, ls := range before.lines {
		if len(t.Lines) != len(ls) {
			fail("LineNumberTable: %d entries, was %d", len(t.Lines), len(ls))
			continue
		}
		for i, l := range ls {
			want(fmt.Sprintf("line %d", l.Line), int(l.StartPC), int(t.Lines[i].StartPC), "start")
		}
	}
	for t, vs := range before.vars {
		if len(t.Vars) != len(vs) {
			fail("%s: %d entries, was %d", t.Name(), len(t.Vars), len(vs))
			continue
		}
		for i, v := range vs {
			g := t.Vars[i]
			what := fmt.Sprintf("%s entry %d (slot %d)", t.Name(), i, v.Slot)
			want(what+" start", int(v.StartPC), int(g.StartPC), "start")
			want(what+" end", int(v.StartPC)+int(v.Length), int(g.StartPC)+int(g.Length), "entry")
		}
	}
	for t, as := range before.annos {
		if len(t.Annotations) != len(as) {
			fail("%s: %d annotations, was %d", t.Name(), len(t.Annotations), len(as))
			continue
		}
		for i, a := range as {
			g := t.Annotations[i]
			what := fmt.Sprintf("%s %d (target 0x%02x)", t.Name(), i, a.TargetType)
			switch {
			case a.TargetType >= classfile.TargetInstanceof:
				want(what, int(a.Offset), int(g.Offset), "self")
			case a.TargetType == classfile.TargetLocalVariable || a.TargetType == classfile.TargetResourceVariable:
				for j, v := range a.LocalVars {
					gv := g.LocalVars[j]
					want(what+" start", int(v.StartPC), int(gv.StartPC), "start")
					want(what+" end", int(v.StartPC)+int(v.Length), int(gv.StartPC)+int(gv.Length), "entry")
				}
			case a.TargetType == classfile.TargetExceptionParameter && g.Index != a.Index:
				fail("%s: exception table entry %d, was %d", what, g.Index, a.Index)
			}
		}
	}
	return problems, false
}

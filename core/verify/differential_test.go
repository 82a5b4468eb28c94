package verify

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

// mutant is one mutated class and what was done to it.
type mutant struct {
	class, method, what string
	offset              int
	data                []byte
}

// same-length opcode families whose members a mutation swaps.
var families = [][]bytecode.Opcode{
	{bytecode.Iload0, bytecode.Fload0, bytecode.Aload0}, {bytecode.Iload1, bytecode.Fload1, bytecode.Aload1},
	{bytecode.Iload2, bytecode.Fload2, bytecode.Aload2}, {bytecode.Iload3, bytecode.Fload3, bytecode.Aload3},
	{bytecode.Istore1, bytecode.Fstore1, bytecode.Astore1}, {bytecode.Istore2, bytecode.Fstore2, bytecode.Astore2},
	{bytecode.Iload, bytecode.Fload, bytecode.Aload, bytecode.Lload}, {bytecode.Istore, bytecode.Astore, bytecode.Fstore},
	{bytecode.Iadd, bytecode.Fadd, bytecode.Isub, bytecode.Imul}, {bytecode.Ireturn, bytecode.Areturn, bytecode.Freturn, bytecode.Return},
	{bytecode.Pop, bytecode.Pop2, bytecode.Dup, bytecode.Swap}, {bytecode.Getfield, bytecode.Putfield, bytecode.Getstatic},
	{bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic}, {bytecode.Iconst0, bytecode.AconstNull, bytecode.Fconst0},
	{bytecode.Ifeq, bytecode.Ifnull, bytecode.IfIcmpeq, bytecode.IfAcmpeq}, {bytecode.Iaload, bytecode.Aaload, bytecode.Baload},
	{bytecode.Checkcast, bytecode.Instanceof, bytecode.New},
	// Families whose members have the same stack effect: mostly still
	// valid, which tests that we do not reject what HotSpot accepts.
	{bytecode.Iconst0, bytecode.Iconst1, bytecode.Iconst2, bytecode.IconstM1, bytecode.Iconst5},
	{bytecode.Ifeq, bytecode.Ifne, bytecode.Iflt, bytecode.Ifge}, {bytecode.IfIcmpeq, bytecode.IfIcmpne, bytecode.IfIcmplt},
	{bytecode.Iadd, bytecode.Isub, bytecode.Iand, bytecode.Ior, bytecode.Ixor}, {bytecode.Ifnull, bytecode.Ifnonnull},
}

// mutate makes one well-formed mutant of a method's code in place: an
// opcode swapped for a same-length one, a local index changed, a branch
// retargeted, or an instruction replaced by nops.
func mutate(rng *rand.Rand, c *classfile.Class, m *classfile.Member, code []byte, insns []bytecode.Instruction) (string, int, bool) {
	k := rng.Intn(7)
	idx := rng.Intn(len(insns))
	in := insns[idx]
	switch k {
	case 4:
		// Another method reference of the same kind for an invoke: a
		// changed descriptor or owner.
		if in.Op == bytecode.Invokevirtual || in.Op == bytecode.Invokestatic || in.Op == bytecode.Invokespecial || in.Op == bytecode.Invokeinterface {
			tag := c.Pool.Get(uint16(in.Index)).Tag
			var same []int
			for i := 1; i < len(c.Pool.Entries); i++ {
				if c.Pool.Entries[i].Tag == tag && i != in.Index {
					same = append(same, i)
				}
			}
			if len(same) == 0 {
				return "", 0, false
			}
			to := same[rng.Intn(len(same))]
			binary.BigEndian.PutUint16(code[in.Offset+1:], uint16(to))
			_, n1, d1 := c.Pool.MemberRef(uint16(in.Index))
			_, n2, d2 := c.Pool.MemberRef(uint16(to))
			return fmt.Sprintf("%s %s%s -> %s%s", in.Op, n1, d1, n2, d2), in.Offset, true
		}
	case 5:
		// An instruction duplicated over the next one of the same length.
		if idx+1 < len(insns) && insns[idx+1].Len == in.Len && in.Switch == nil {
			next := insns[idx+1]
			copy(code[next.Offset:next.Offset+next.Len], code[in.Offset:in.Offset+in.Len])
			if in.Op.IsBranchOp() {
				return "", 0, false // a copied branch offset means something else there
			}
			return fmt.Sprintf("%s duplicated over %s", in.Op, next.Op), next.Offset, true
		}
	case 6:
		// A verification type in a stack map frame changed.
		for _, a := range m.Code().Attributes {
			smt, ok := a.(*classfile.StackMapTable)
			if !ok || len(smt.Frames) == 0 {
				continue
			}
			f := &smt.Frames[rng.Intn(len(smt.Frames))]
			slots := append(f.Locals[:len(f.Locals):len(f.Locals)], f.Stack...)
			if len(slots) == 0 {
				return "", 0, false
			}
			i := rng.Intn(len(slots))
			tags := []uint8{classfile.VTTop, classfile.VTInteger, classfile.VTFloat, classfile.VTNull}
			to := tags[rng.Intn(len(tags))]
			var vt *classfile.VerificationType
			if i < len(f.Locals) {
				vt = &f.Locals[i]
			} else {
				vt = &f.Stack[i-len(f.Locals)]
			}
			if vt.Tag == to || vt.Tag == classfile.VTLong || vt.Tag == classfile.VTDouble {
				return "", 0, false
			}
			from := vt.Tag
			vt.Tag, vt.Data = to, 0
			return fmt.Sprintf("frame (type %d) entry %d: tag %d -> %d", f.Type, i, from, to), -1, true
		}
		return "", 0, false
	}
	switch k {
	case 0:
		var fs [][]bytecode.Opcode
		for _, f := range families {
			for _, op := range f {
				if op == in.Op && !in.Wide {
					fs = append(fs, f)
				}
			}
		}
		if len(fs) == 0 {
			return "", 0, false
		}
		f := fs[rng.Intn(len(fs))]
		other := f[rng.Intn(len(f))]
		if other == in.Op {
			return "", 0, false
		}
		code[in.Offset] = byte(other)
		return fmt.Sprintf("%s -> %s", in.Op, other), in.Offset, true
	case 1:
		if in.Len == 2 && !in.Wide && (in.Op == bytecode.Iload || in.Op == bytecode.Aload || in.Op == bytecode.Istore || in.Op == bytecode.Astore || in.Op == bytecode.Lload || in.Op == bytecode.Dload) {
			n := byte(rng.Intn(6))
			code[in.Offset+1] = n
			return fmt.Sprintf("%s local %d -> %d", in.Op, in.Index, n), in.Offset, true
		}
	case 2:
		if in.Op.IsBranchOp() && in.Len == 3 {
			t := insns[rng.Intn(len(insns))].Offset
			binary.BigEndian.PutUint16(code[in.Offset+1:], uint16(int16(t-in.Offset)))
			return fmt.Sprintf("%s target %d -> %d", in.Op, in.Target, t), in.Offset, true
		}
	case 3:
		for k := 0; k < in.Len; k++ {
			code[in.Offset+k] = byte(bytecode.Nop)
		}
		return fmt.Sprintf("%s removed", in.Op), in.Offset, true
	}
	return "", 0, false
}

// TestDifferential mutates real classes (JLex and CUP: versions 49 to 51,
// the DVM paper's own programs) and checks our verdict against HotSpot's
// with -Xverify:all. A class we accept and HotSpot rejects would be a hole;
// none is allowed. DVMLAB_MUTANTS sets how many (default 400).
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("runs HotSpot on hundreds of mutants")
	}
	jars := []string{"/usr/share/java/JLex.jar", "/usr/share/java/cup.jar"}
	for _, j := range jars {
		if _, err := os.Stat(j); err != nil {
			t.Skipf("%s missing: run make deps", j)
		}
	}
	want := 400
	if n, err := strconv.Atoi(os.Getenv("DVMLAB_MUTANTS")); err == nil {
		want = n
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	var originals [][]byte
	var finders []classpath.Finder
	for _, j := range jars {
		src, err := classpath.Open(j)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		finders = append(finders, src)
		src.Walk(func(name string, data []byte) error {
			originals = append(originals, data)
			return nil
		})
	}
	// Classes older than version 50, with subroutines, as Jasmin makes
	// them, stamped with every version from 45.3 to 49.
	if jasmin, err := osexec.LookPath("jasmin"); err == nil {
		asm := t.TempDir()
		if out, err := osexec.Command(jasmin, "-d", asm, "testdata/Old.j").CombinedOutput(); err != nil {
			t.Fatalf("jasmin: %v\n%s", err, out)
		}
		data, err := os.ReadFile(filepath.Join(asm, "Old.class"))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range [][2]uint16{{45, 3}, {46, 0}, {47, 0}, {48, 0}, {49, 0}} {
			d := append([]byte(nil), data...)
			binary.BigEndian.PutUint16(d[4:], v[1])
			binary.BigEndian.PutUint16(d[6:], v[0])
			// Weighted: the Debian jars have thousands of classes, this one.
			for k := 0; k < 40; k++ {
				originals = append(originals, d)
			}
		}
	}
	h := classpath.NewHierarchy(append(finders, jdk)...)
	rng := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	var mutants []mutant
	var files []string
	versions := map[uint16]int{}
	for tries := 0; len(mutants) < want && tries < want*50; tries++ {
		// A copy: the parsed code aliases its input, and mutations are made
		// in place.
		orig := append([]byte(nil), originals[rng.Intn(len(originals))]...)
		c, err := classfile.Parse(orig)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Methods) == 0 {
			continue
		}
		m := c.Methods[rng.Intn(len(c.Methods))]
		code := m.Code()
		if code == nil || c.MemberName(m) == "<clinit>" {
			continue
		}
		insns, err := bytecode.Decode(code.Code)
		if err != nil {
			continue
		}
		what, off, ok := mutate(rng, c, m, code.Code, insns)
		if !ok {
			continue
		}
		data, err := c.Write()
		if err != nil {
			continue
		}
		mu := mutant{class: c.Name(), method: c.MemberName(m) + c.MemberDesc(m), what: what, offset: off, data: data}
		f := filepath.Join(dir, fmt.Sprintf("%d.%s.class", len(mutants), strings.ReplaceAll(c.Name(), "/", ".")))
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		mutants = append(mutants, mu)
		files = append(files, f)
		versions[c.Major]++
	}
	oracle := jvmtest.Javac(t, map[string]string{"Oracle.java": mustRead(t, "testdata/Oracle.java")})
	verdicts := map[int]string{}
	// Batches keep a misbehaving mutant from costing the whole run.
	for start := 0; start < len(files); start += 200 {
		end := min(start+200, len(files))
		args := append([]string{"-Xverify:all", "-Xshare:off", "-cp", oracle, "Oracle", strings.Join(jars, string(os.PathListSeparator))}, files[start:end]...)
		out, err := osexec.Command(jvmtest.Tool(t, "java"), args...).Output()
		if err != nil {
			t.Logf("oracle batch %d: %v", start, err)
		}
		for _, l := range strings.Split(string(out), "\n") {
			idx, verdict, ok := strings.Cut(l, " ")
			if i, err := strconv.Atoi(idx); ok && err == nil {
				verdicts[i] = verdict
			}
		}
	}
	agree, falseAccept, falseReject, other, rejected := 0, 0, 0, 0, 0
	for i, mu := range mutants {
		hs, ok := verdicts[i]
		if !ok || strings.HasPrefix(hs, "other") {
			other++
			if other <= 3 {
				t.Logf("other: %s.%s @%d (%s): %q", mu.class, mu.method, mu.offset, mu.what, hs)
			}
			continue
		}
		ours := Verify(mu.data, h)
		hotspotAccepts := strings.HasPrefix(hs, "accept")
		if !hotspotAccepts {
			rejected++
			if strings.HasPrefix(mu.what, "iconst") && rejected < 1000 && os.Getenv("DVMLAB_MUTANTS_DEBUG") != "" {
				t.Logf("hotspot rejects %s.%s @%d (%s): %s; ours %v", mu.class, mu.method, mu.offset, mu.what, hs, ours.Err)
			}
		}
		switch {
		case hotspotAccepts == (ours.Err == nil):
			agree++
		case ours.Err == nil:
			falseAccept++
			t.Errorf("false accept: %s.%s @%d (%s): HotSpot: %s", mu.class, mu.method, mu.offset, mu.what, hs)
		default:
			falseReject++
			if falseReject <= 10 {
				t.Logf("false reject: %s.%s @%d (%s): ours: %v", mu.class, mu.method, mu.offset, mu.what, ours.Err)
			}
		}
	}
	t.Logf("mutants by class version: %v", versions)
	t.Logf("%d mutants (%d rejected by HotSpot): %d agree, %d false accepts, %d false rejects, %d other (HotSpot failed for another reason)",
		len(mutants), rejected, agree, falseAccept, falseReject, other)
	if len(mutants)-other > 0 && float64(falseReject)/float64(len(mutants)-other) > 0.005 {
		t.Errorf("false rejects %d of %d, above 0.5%%", falseReject, len(mutants)-other)
	}
}

func mustRead(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

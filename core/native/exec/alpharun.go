package exec

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/native"
	"dvmlab/core/native/alpha"
	"dvmlab/core/native/ir"
)

// LeftAsBytecode says the method did not compile, and why: the harness
// exits 1 on it as on a difference.
type LeftAsBytecode struct {
	Method string
	Reason error
}

func (e *LeftAsBytecode) Error() string {
	return fmt.Sprintf("%s was left as bytecode: %v", e.Method, e.Reason)
}

// LoadClass finds a class by binary name in IN (jar, directory or class file).
func LoadClass(in, binary string) (*classfile.Class, error) {
	src, err := classpath.Open(in)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	data, err := src.Find(strings.ReplaceAll(binary, ".", "/"))
	if err != nil {
		return nil, err
	}
	return classfile.Parse(data)
}

// CompileClass runs the front end and the passes over every method of c and
// returns the functions that compile, and why each other one did not.
func CompileClass(c *classfile.Class) (funcs []*ir.Func, left map[string]error) {
	left = map[string]error{}
	for _, m := range c.Methods {
		key := c.MemberName(m) + c.MemberDesc(m)
		f, err := native.Translate(c, m)
		if err == nil {
			err = native.Optimize(f, nil)
		}
		if err != nil {
			left[key] = err
			continue
		}
		funcs = append(funcs, f)
	}
	return funcs, left
}

// AlphaObject lowers funcs for cpu into one file and assembles it into obj.
// A function the back end refuses is reported in left and not included.
func AlphaObject(ctx context.Context, funcs []*ir.Func, cpu alpha.CPU, obj string) (kept []*ir.Func, left map[string]error, err error) {
	left = map[string]error{}
	return alphaObject(ctx, nil, funcs, cpu, obj, left)
}

func alphaObject(ctx context.Context, w *world, funcs []*ir.Func, cpu alpha.CPU, obj string, left map[string]error) (kept []*ir.Func, _ map[string]error, err error) {
	if w != nil {
		funcs = w.refuseSnapshots(funcs, left)
	}
	texts := map[*ir.Func]string{}
	var lowered []*ir.Func
	for _, f := range funcs {
		text, err := alpha.Lower(f, cpu)
		if err != nil {
			left[f.Name+f.Desc] = err
			continue
		}
		texts[f] = text
		lowered = append(lowered, f)
	}
	kept = CloseCalls(lowered, left)
	var parts []native.Part
	for _, f := range kept {
		parts = append(parts, native.Part{Class: f.Class, Method: f.Name, Desc: f.Desc, Asm: texts[f]})
	}
	j := native.JoinAsm("", parts)
	return kept, left, alpha.Assemble(ctx, j.Text, cpu, obj, j)
}

// CloseCalls keeps the functions whose calls all reach kept functions: a
// method that calls one left as bytecode stays bytecode too (compiled code
// has no way into the interpreter on Alpha), until nothing changes. The
// ones it drops go to left with the reason.
func CloseCalls(funcs []*ir.Func, left map[string]error) []*ir.Func {
	for {
		have := map[string]bool{}
		for _, f := range funcs {
			have[f.Class+"."+f.Name+f.Desc] = true
		}
		var keep []*ir.Func
		for _, f := range funcs {
			var missing string
			for _, b := range f.Blocks {
				for _, v := range b.Values {
					if v.Op == ir.OpCall && !have[v.Sym.Owner+"."+v.Sym.Name+v.Sym.Desc] {
						missing = v.Sym.Name + v.Sym.Desc
					}
				}
			}
			if missing != "" {
				left[f.Name+f.Desc] = fmt.Errorf("calls %s, which stays bytecode", missing)
				continue
			}
			keep = append(keep, f)
		}
		if len(keep) == len(funcs) {
			return keep
		}
		funcs = keep
	}
}

// Alpha is the Alpha side of the harness: the class compiled for CPU,
// linked with a C harness made for the method, run under qemu-alpha.
type Alpha struct {
	In  string // the jar, directory or class file
	CPU alpha.CPU
	Dir string // working directory; a temporary one when empty
}

// field is a field the runner printed, with its descriptor.
type field struct {
	name, desc string
	static     bool
}

// label is the field's label in DvmExec's lines: s.NAME or f.NAME.
func (f field) label() string {
	if f.static {
		return "s." + f.name
	}
	return "f." + f.name
}

// Run runs m on the inputs, given the "pre" lines HotSpot's runner printed
// for them (the fields' values going into each call).
func (a Alpha) Run(ctx context.Context, m *Method, inputs, pres []string) ([]string, error) {
	return a.run(ctx, m, inputs, pres, nil)
}

// RunMulti runs several static methods of one class that share m's
// descriptor in one program: each input line starts with the name of the
// method it calls, as DvmExec's METHOD "*" reads them.
func (a Alpha) RunMulti(ctx context.Context, m *Method, names []string, inputs, pres []string) ([]string, error) {
	return a.run(ctx, m, inputs, pres, names)
}

// compile compiles m's class and the closure of its static callees, for
// the Alpha runtime, into obj (when not empty), and returns what was kept.
func (a Alpha) compile(ctx context.Context, w *world, c *classfile.Class, obj string) (kept []*ir.Func, left map[string]error, err error) {
	funcs, left := w.closure(c)
	if obj == "" {
		// Only what compiles, without assembling.
		var lowered []*ir.Func
		for _, f := range w.refuseSnapshots(funcs, left) {
			if _, err := alpha.Lower(f, a.CPU); err != nil {
				left[f.Name+f.Desc] = err
				continue
			}
			lowered = append(lowered, f)
		}
		return CloseCalls(lowered, left), left, nil
	}
	kept, _, err = alphaObject(ctx, w, funcs, a.CPU, obj, left)
	return kept, left, err
}

// Snapshot is what the JVM side prints of m's class for the Alpha
// runtime (JVM.Snapshot): the fields that m's compiled code and its
// callees name, which of them they cannot change, and the static fields
// of other classes they read. With names, it is for the static methods of
// that name sharing m's descriptor, as RunMulti calls them.
func (a Alpha) Snapshot(m *Method, names ...string) (*Snapshot, error) {
	w, err := openWorld(a.In)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	c, err := LoadClass(a.In, m.Class)
	if err != nil {
		return nil, err
	}
	kept, left, err := a.compile(context.Background(), w, c, "")
	if err != nil {
		return nil, err
	}
	roots, err := called(kept, left, c, m, names)
	if err != nil {
		return nil, err
	}
	s := w.snapshot(c, reach(kept, roots))
	return &s, nil
}

// called finds the compiled functions a run calls: m, or with names the
// static methods of those names that share m's descriptor. A method that
// stayed bytecode is a LeftAsBytecode error with the reason.
func called(kept []*ir.Func, left map[string]error, c *classfile.Class, m *Method, names []string) ([]*ir.Func, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var roots []*ir.Func
	for _, f := range kept {
		if f.Class != c.Name() || f.Desc != m.Desc {
			continue
		}
		if names == nil && f.Name == m.Name || want[f.Name] && f.Static {
			roots = append(roots, f)
			delete(want, f.Name)
		}
	}
	for n := range want {
		return nil, &LeftAsBytecode{Method: m.Class + "." + n + m.Desc, Reason: left[n+m.Desc]}
	}
	if len(roots) == 0 {
		reason := left[m.Name+m.Desc]
		if reason == nil {
			reason = fmt.Errorf("no such method")
		}
		return nil, &LeftAsBytecode{Method: m.String(), Reason: reason}
	}
	return roots, nil
}

func (a Alpha) run(ctx context.Context, m *Method, inputs, pres []string, names []string) ([]string, error) {
	if err := alpha.Available(); err != nil {
		return nil, err
	}
	dir := a.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "dvmalpha")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	c, err := LoadClass(a.In, m.Class)
	if err != nil {
		return nil, err
	}
	w, err := openWorld(a.In)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	obj := filepath.Join(dir, "class.o")
	kept, left, err := a.compile(ctx, w, c, obj)
	if err != nil {
		return nil, err
	}
	roots, err := called(kept, left, c, m, names)
	if err != nil {
		return nil, err
	}
	target := roots[len(roots)-1]
	var multi []*ir.Func
	if names != nil {
		multi = roots
	}
	fields, err := preFields(w, c, pres)
	if err != nil {
		return nil, err
	}
	snap := w.snapshot(c, reach(kept, roots))
	if len(pres) > 0 {
		for _, s := range snap.Statics {
			if !strings.Contains(pres[0], " g."+strings.Split(s, ":")[0]+" ") {
				return nil, fmt.Errorf("exec: the JVM side gave no value of static field %s (JVM.Snapshot from Alpha.Snapshot)", s)
			}
		}
	}
	for _, fl := range fields {
		if !slices.Contains(snap.Fields, fl.name) {
			return nil, fmt.Errorf("exec: the JVM side printed field %s, which compiled code does not name: run it with JVM.Snapshot from Alpha.Snapshot", fl.name)
		}
	}
	stable := map[string]bool{}
	for _, l := range snap.Stable {
		stable[l] = true
	}
	src := filepath.Join(dir, "harness.c")
	h := harness{w: w, c: c, m: m, f: target, fields: fields, multi: multi, statics: snap.Statics, stable: stable, kept: kept}
	if err := os.WriteFile(src, []byte(h.source()), 0o644); err != nil {
		return nil, err
	}
	exe := filepath.Join(dir, "harness")
	if err := alpha.Link(ctx, a.CPU, exe, src, obj, "-lm"); err != nil {
		return nil, err
	}
	var stdin strings.Builder
	for i, in := range inputs {
		stdin.WriteString(in + "\n" + pres[i] + "\n")
	}
	out, err := alpha.Run(ctx, a.CPU, exe, []byte(stdin.String()))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(inputs) {
		return lines, fmt.Errorf("exec: the Alpha harness printed %d lines for %d inputs", len(lines), len(inputs))
	}
	return lines, nil
}

// preFields reads the field names from the first pre line and their
// descriptors from the class or, for an inherited instance field, the
// superclass declaring it.
func preFields(w *world, c *classfile.Class, pres []string) ([]field, error) {
	if len(pres) == 0 {
		return nil, nil
	}
	descs := map[string]string{}
	for _, sl := range w.layout(c.Name()) {
		descs[sl.name] = sl.desc // superclasses' first: a hiding field wins
	}
	for _, f := range c.Fields {
		descs[c.MemberName(f)] = c.MemberDesc(f)
	}
	var out []field
	for _, t := range strings.Fields(pres[0]) {
		if !strings.HasPrefix(t, "f.") && !strings.HasPrefix(t, "s.") {
			continue
		}
		name := t[2:]
		d, ok := descs[name]
		if !ok {
			return nil, fmt.Errorf("exec: field %s of %s not in its class file", name, c.Name())
		}
		out = append(out, field{name: name, desc: d, static: t[0] == 's'})
	}
	return out, nil
}

// cType is the C type a JNI value travels in (JNI spec, "Primitive Types").
func cType(d byte) string {
	switch d {
	case 'Z':
		return "uint8_t"
	case 'B':
		return "int8_t"
	case 'C':
		return "uint16_t"
	case 'S':
		return "int16_t"
	case 'I':
		return "int32_t"
	case 'J':
		return "int64_t"
	case 'F':
		return "float"
	case 'D':
		return "double"
	case '[', 'L':
		return "void *"
	}
	return "void"
}

const harnessPrelude = `#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <signal.h>

/* The Alpha client's runtime for one compiled method: arrays are a 64-bit
   length then the elements at offset 8; dvm_throw records an exception and
   unwinds to the call by siglongjmp; a fault (a bug in compiled code) is
   reported as a signal rather than ending the run. */
static sigjmp_buf dvm_jb;
static volatile long dvm_exc;
static const char *dvm_names[] = {"", "java/lang/NullPointerException", "java/lang/ArrayIndexOutOfBoundsException",
	"java/lang/ArithmeticException", "java/lang/NegativeArraySizeException", "java/lang/OutOfMemoryError",
	"java/lang/StackOverflowError"};

/* Compiled code throws StackOverflowError when the stack pointer drops
   below this: 6 MB under main's frame, of qemu's 8 MB stack. */
long dvm_stack_limit;

static long dvm_a, dvm_b;
static const char *dvm_msg;
void dvm_throw(long kind, long a, long b, const char *msg) {
	dvm_exc = kind; dvm_a = a; dvm_b = b; dvm_msg = msg;
	siglongjmp(dvm_jb, 1);
}

/* The exception's message as DvmExec prints it, HotSpot's text: ": " and
   the message with backslashes and line ends escaped, nothing when null. */
static void dvm_message(void) {
	switch (dvm_exc) {
	case 1:
		if (!dvm_msg) return;
		printf(": ");
		for (const char *p = dvm_msg; *p; p++) {
			if (*p == '\\') printf("\\\\");
			else if (*p == '\n') printf("\\n");
			else if (*p == '\r') printf("\\r");
			else putchar(*p);
		}
		return;
	case 2: printf(": Index %d out of bounds for length %d", (int)dvm_a, (int)dvm_b); return;
	case 3: printf(": / by zero"); return;
	case 4: printf(": %d", (int)dvm_a); return;
	}
}
static void dvm_fault(int sig) { dvm_exc = 100 + sig; siglongjmp(dvm_jb, 1); }

static long esize(int e) {
	switch (e) {
	case 'Z': case 'B': return 1;
	case 'C': case 'S': return 2;
	case 'I': case 'F': return 4;
	}
	return 8;
}

/* The heap is the JVM side's: an array beyond 64 MB is an OutOfMemoryError
   there (the runs use a small heap), so it is one here too. */
void *dvm_newarray(long elem, long n) {
	if (n * esize((int)elem) > (64l << 20)) dvm_throw(5, 0, 0, 0);
	int64_t *a = calloc(1, 16 + n * esize((int)elem));
	a[0] = n;
	return a;
}

static char tokbuf[1024];
static int held; /* the last token is read again */
static const char *tok(void) {
	if (held) { held = 0; return tokbuf; }
	if (scanf("%1023s", tokbuf) != 1) exit(0);
	return tokbuf;
}

/* Whether the next token is "=", a stable field's value unchanged since
   the last pre line; if not, the token is left to be read. */
static int same(void) {
	if (strcmp(tok(), "=") == 0) return 1;
	held = 1;
	return 0;
}

static int64_t rint_(void) { return strtoll(tok(), 0, 10); }
static uint64_t rhex(void) { return strtoull(tok(), 0, 16); }

/* A scalar from token text t. */
static void sscan(int e, void *p, const char *t) {
	switch (e) {
	case 'Z': *(uint8_t *)p = strtoll(t, 0, 10); break;
	case 'B': *(int8_t *)p = strtoll(t, 0, 10); break;
	case 'C': *(uint16_t *)p = strtoll(t, 0, 10); break;
	case 'S': *(int16_t *)p = strtoll(t, 0, 10); break;
	case 'I': *(int32_t *)p = strtoll(t, 0, 10); break;
	case 'J': *(int64_t *)p = strtoll(t, 0, 10); break;
	case 'F': { uint32_t b = strtoull(t, 0, 16); memcpy(p, &b, 4); break; }
	case 'D': { uint64_t b = strtoull(t, 0, 16); memcpy(p, &b, 8); break; }
	}
}

static void rscalar(int e, void *p) { sscan(e, p, tok()); }

/* An array: "null" or "#n" and its elements, a run of k equal ones as "E*k". */
static void *rarray(int e) {
	const char *t = tok();
	if (strcmp(t, "null") == 0) return 0;
	long n = strtol(t + 1, 0, 10);
	int64_t *a = dvm_newarray(e, n);
	long sz = esize(e);
	for (long i = 0; i < n; ) {
		t = tok();
		const char *star = strchr(t, '*');
		long k = star ? strtol(star + 1, 0, 10) : 1;
		char x[16];
		sscan(e, x, t);
		for (long j = 0; j < k && i < n; j++, i++) memcpy((char *)(a + 1) + i * sz, x, sz);
	}
	return a;
}

/* A scalar's token text into buf (NaNs canonical, as Float.equals has it). */
static void sprint(int e, const void *p, char *buf) {
	switch (e) {
	case 'Z': sprintf(buf, "%d", *(const uint8_t *)p & 1); break;
	case 'B': sprintf(buf, "%d", *(const int8_t *)p); break;
	case 'C': sprintf(buf, "%d", *(const uint16_t *)p); break;
	case 'S': sprintf(buf, "%d", *(const int16_t *)p); break;
	case 'I': sprintf(buf, "%d", *(const int32_t *)p); break;
	case 'J': sprintf(buf, "%lld", (long long)*(const int64_t *)p); break;
	case 'F': { float f; uint32_t b; memcpy(&f, p, 4); memcpy(&b, p, 4); if (f != f) b = 0x7fc00000u; sprintf(buf, "%08x", b); break; }
	case 'D': { double d; uint64_t b; memcpy(&d, p, 8); memcpy(&b, p, 8); if (d != d) b = 0x7ff8000000000000ull; sprintf(buf, "%016llx", (unsigned long long)b); break; }
	}
}

static void pscalar(int e, const void *p) {
	char buf[32];
	sprint(e, p, buf);
	fputs(buf, stdout);
}

/* An array as DvmExec prints it, runs of equal elements as "E*k". */
static void parray(int e, const int64_t *a) {
	if (!a) { printf("null"); return; }
	printf("#%lld", (long long)a[0]);
	/* Elements compare by their bits, NaNs made canonical first, so that
	   equal bits are equal tokens; only a run's end is formatted. */
	long sz = esize(e), run = 0;
	uint64_t prev = 0, cur = 0;
	for (long i = 0; i <= a[0]; i++) {
		if (i < a[0]) {
			const char *p = (const char *)(a + 1) + i * sz;
			cur = 0;
			memcpy(&cur, p, sz);
			if (e == 'F') { float f; memcpy(&f, p, 4); if (f != f) cur = 0x7fc00000u; }
			if (e == 'D') { double d; memcpy(&d, p, 8); if (d != d) cur = 0x7ff8000000000000ull; }
			if (e == 'Z') cur &= 1;
			if (run > 0 && cur == prev) { run++; continue; }
		}
		if (run > 0) {
			char buf[32];
			sprint(e, &prev, buf);
			printf(" %s", buf);
			if (run > 1) printf("*%ld", run);
		}
		prev = cur;
		run = 1;
	}
}

/* A field's slot: an int-like value in its first 4 bytes (as an int32),
   a float as an S_floating there, others in all 8. */
static void rfield(int e, void *slot) {
	if (e == '[') return;
	int32_t v;
	switch (e) {
	case 'Z': case 'B': case 'C': case 'S': case 'I':
		v = (int32_t)rint_();
		memcpy(slot, &v, 4);
		break;
	default:
		rscalar(e, slot);
	}
}

static void pfield(int e, const void *slot) {
	int32_t v;
	switch (e) {
	case 'Z': case 'B': case 'C': case 'S': case 'I':
		memcpy(&v, slot, 4);
		switch (e) {
		case 'Z': v &= 1; break;
		case 'B': v = (int8_t)v; break;
		case 'C': v = (uint16_t)v; break;
		case 'S': v = (int16_t)v; break;
		}
		printf("%d", v);
		break;
	default:
		pscalar(e, slot);
	}
}
`

// harness writes the C harness for m: it reads an input line and a pre
// line per call, sets the fields and the snapshot of other statics, calls
// the compiled function and prints the outcome line as DvmExec does.
//
// With multi (static methods sharing m's descriptor), each input line starts
// with the name of the method to call.
//
// An exception compiled code made in place of a constructor no Alpha
// runtime can run (alpha/objects.go) is printed as "exc CLASS" and
// Unmessaged: its message is made by Java code that needs a JVM, so for
// these exceptions alone the comparison checks the class and not the
// message. Every other exception's message is printed and compared.
type harness struct {
	w       *world
	c       *classfile.Class
	m       *Method
	f       *ir.Func
	fields  []field
	multi   []*ir.Func
	statics []string        // OWNER.NAME:DESC, the pre line's g. tokens in order
	stable  map[string]bool // labels a pre line may give as "=" and the outcome line leaves out (Snapshot.Stable)
	kept    []*ir.Func
}

func (h harness) source() string {
	c, m, f, fields, multi := h.c, h.m, h.f, h.fields, h.multi
	var sb strings.Builder
	sb.WriteString(harnessPrelude)
	sym := native.Symbol(f.Class, f.Name, f.Desc)
	// The runtime's layout of the receiver (world.layout): the class word,
	// then the instance fields, the superclass's first; a static field is
	// a word of its own; and java.lang.Enum's, for the enum constants.
	offset := map[string]int{}
	defined := map[string]bool{}
	layout := func(class string) int {
		size := 8
		for _, sl := range h.w.layout(class) {
			s := alpha.OffsetSymbol(sl.owner, sl.name)
			if !defined[s] {
				defined[s] = true
				fmt.Fprintf(&sb, "const long %s = %d;\n", s, sl.offset)
			}
			if class == c.Name() {
				offset[sl.name] = sl.offset // superclasses' first: a hiding field wins
			}
			size = sl.offset + 8
		}
		return size
	}
	recvSize := layout(c.Name())
	// Compiled code names an inherited field of the receiver by the
	// receiver's class (world.rewrite).
	for _, sl := range h.w.layout(c.Name()) {
		if s := alpha.OffsetSymbol(c.Name(), sl.name); !defined[s] {
			defined[s] = true
			fmt.Fprintf(&sb, "const long %s = %d;\n", s, offset[sl.name])
		}
	}
	fmt.Fprintf(&sb, "static const long dvm_enum_size = %d;\n", layout("java/lang/Enum"))
	fmt.Fprintf(&sb, "static const char dvm_recv_class[] = \"%s\";\n", native.Asciz(c.Name()))
	for _, fm := range c.Fields {
		if fm.Access.Has(classfile.AccStatic) {
			s := alpha.StaticSymbol(c.Name(), c.MemberName(fm))
			defined[s] = true
			fmt.Fprintf(&sb, "int64_t %s;\n", s)
		}
	}
	type static struct{ sym, label, desc string }
	var stats []static
	for _, st := range h.statics {
		name, desc, _ := strings.Cut(st, ":")
		dot := strings.LastIndexByte(name, '.')
		s := alpha.StaticSymbol(name[:dot], name[dot+1:])
		if !defined[s] {
			defined[s] = true
			fmt.Fprintf(&sb, "int64_t %s;\n", s)
		}
		stats = append(stats, static{sym: s, label: "g." + name, desc: desc})
	}
	// The class words of the exceptions compiled code makes.
	classes := map[string]bool{}
	for _, g := range h.kept {
		for _, b := range g.Blocks {
			for _, v := range b.Values {
				if v.Op == ir.OpNew {
					classes[v.Sym.Owner] = true
				}
			}
		}
	}
	var names []string
	for k := range classes {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&sb, "const char %s[] = \"%s\";\n", alpha.ClassSymbol(k), native.Asciz(k))
	}
	sb.WriteString(harnessObjects)
	ret := m.Sig.Return
	rt := "void"
	if !ret.IsVoid() {
		rt = cType(descChar(ret))
	}
	params := []string{"void *", "void *"}
	for _, p := range m.Sig.Params {
		params = append(params, cType(descChar(p)))
	}
	fmt.Fprintf(&sb, "extern %s %s(%s);\n\n", rt, sym, strings.Join(params, ", "))
	if multi != nil {
		var names, syms []string
		for _, g := range multi {
			s := native.Symbol(g.Class, g.Name, g.Desc)
			if g != f {
				fmt.Fprintf(&sb, "extern %s %s(%s);\n", rt, s, strings.Join(params, ", "))
			}
			names = append(names, fmt.Sprintf("%q", g.Name))
			syms = append(syms, s)
		}
		fmt.Fprintf(&sb, "static const char *fnames[] = {%s};\n", strings.Join(names, ", "))
		fmt.Fprintf(&sb, "static %s (*const fns[])(%s) = {%s};\n\n", rt, strings.Join(params, ", "), strings.Join(syms, ", "))
		sym = "fn"
	}
	sb.WriteString("int main(void) {\n\t{ char here; dvm_stack_limit = (long)&here - (6l << 20); }\n\tsignal(SIGSEGV, dvm_fault);\n\tsignal(SIGBUS, dvm_fault);\n\tsignal(SIGILL, dvm_fault);\n\tsignal(SIGFPE, dvm_fault);\n")
	sb.WriteString("\tfor (;;) {\n")
	if multi != nil {
		fmt.Fprintf(&sb, "\t\t%s (*fn)(%s) = 0;\n\t\tconst char *nm = tok();\n", rt, strings.Join(params, ", "))
		fmt.Fprintf(&sb, "\t\tfor (int k = 0; k < %d; k++) if (strcmp(nm, fnames[k]) == 0) fn = fns[k];\n", len(multi))
		sb.WriteString("\t\tif (!fn) { fprintf(stderr, \"no compiled method %s\\n\", nm); return 3; }\n")
	}
	sb.WriteString("\t\trint_(); /* the receiver's seed, used by the JVM side */\n")
	for i, p := range m.Sig.Params {
		switch {
		case p.Dims > 0:
			fmt.Fprintf(&sb, "\t\tvoid *volatile p%d = rarr(\"%s\");\n", i, p.String())
		case p.Elem == 'L':
			fmt.Fprintf(&sb, "\t\tvoid *volatile p%d = robj();\n", i)
		default:
			fmt.Fprintf(&sb, "\t\t%s p%d; rscalar('%c', &p%d);\n", cType(p.Elem), i, p.Elem, i)
		}
	}
	fmt.Fprintf(&sb, "\t\tint64_t *recv = calloc(1, %d);\n\t\trecv[0] = (int64_t)dvm_recv_class;\n", recvSize)
	sb.WriteString("\t\ttok(); /* pre */\n")
	// A stable field given as "=" keeps its value: a static one in its own
	// word, which compiled code did not change; an instance one in a word
	// of the harness's, copied into each new receiver.
	for i, fl := range fields {
		sb.WriteString("\t\ttok();\n")
		slot := ""
		if fl.static {
			slot = "&" + alpha.StaticSymbol(c.Name(), fl.name)
		} else {
			slot = fmt.Sprintf("recv + %d", offset[fl.name]/8)
		}
		read := fmt.Sprintf("rfield('%c', %s)", fl.desc[0], slot)
		if fl.desc[0] == '[' {
			read = fmt.Sprintf("*(void **)(%s) = rarr(\"%s\")", slot, fl.desc)
		}
		switch {
		case !h.stable[fl.label()]:
			fmt.Fprintf(&sb, "\t\t%s;\n", read)
		case fl.static:
			fmt.Fprintf(&sb, "\t\tif (!same()) %s;\n", read)
		default:
			fmt.Fprintf(&sb, "\t\t{ static int64_t kept%d; if (!same()) { %s; kept%d = *(int64_t *)(%s); } *(int64_t *)(%s) = kept%d; }\n", i, read, i, slot, slot, i)
		}
	}
	for _, st := range stats {
		fmt.Fprintf(&sb, "\t\texpect(\"%s\");\n", native.Asciz(st.label))
		if h.stable[st.label] {
			sb.WriteString("\t\tif (!same())\n\t")
		}
		switch st.desc[0] {
		case '[':
			fmt.Fprintf(&sb, "\t\t*(void **)&%s = rarr(\"%s\");\n", st.sym, st.desc)
		case 'L':
			fmt.Fprintf(&sb, "\t\t*(void **)&%s = robj();\n", st.sym)
		default:
			fmt.Fprintf(&sb, "\t\trfield('%c', &%s);\n", st.desc[0], st.sym)
		}
	}
	sb.WriteString("\t\tdvm_exc = 0;\n")
	args := []string{"0", "0"}
	if !f.Static {
		args[1] = "recv"
	}
	for i := range m.Sig.Params {
		args = append(args, fmt.Sprintf("p%d", i))
	}
	call := fmt.Sprintf("%s(%s)", sym, strings.Join(args, ", "))
	sb.WriteString("\t\tif (sigsetjmp(dvm_jb, 1) == 0) {\n")
	switch {
	case ret.IsVoid():
		fmt.Fprintf(&sb, "\t\t\t%s;\n\t\t\tprintf(\"ret void\");\n", call)
	case ret.Dims > 0:
		fmt.Fprintf(&sb, "\t\t\tvoid *r = %s;\n\t\t\tprintf(\"ret \");\n\t\t\tparr(\"%s\", r);\n", call, ret.String())
	default:
		fmt.Fprintf(&sb, "\t\t\t%s r = %s;\n\t\t\tprintf(\"ret \");\n\t\t\tpscalar('%c', &r);\n", cType(ret.Elem), call, ret.Elem)
	}
	sb.WriteString("\t\t} else if (dvm_exc == " + fmt.Sprint(alpha.KindObject) + ") {\n\t\t\tprintf(\"exc %s" + Unmessaged + "\", *(const char **)dvm_a);\n")
	sb.WriteString("\t\t} else if (dvm_exc < 100) {\n\t\t\tprintf(\"exc %s\", dvm_names[dvm_exc]);\n\t\t\tdvm_message();\n")
	sb.WriteString("\t\t} else {\n\t\t\tprintf(\"exc signal%ld\", dvm_exc - 100);\n\t\t}\n")
	for i, p := range m.Sig.Params {
		if p.Dims > 0 {
			fmt.Fprintf(&sb, "\t\tprintf(\" a%d \");\n\t\tparr(\"%s\", p%d);\n", i, p.String(), i)
		}
	}
	for _, fl := range fields {
		if h.stable[fl.label()] {
			continue
		}
		slot := ""
		if fl.static {
			fmt.Fprintf(&sb, "\t\tprintf(\" s.%s \");\n", fl.name)
			slot = "&" + alpha.StaticSymbol(c.Name(), fl.name)
		} else {
			fmt.Fprintf(&sb, "\t\tprintf(\" f.%s \");\n", fl.name)
			slot = fmt.Sprintf("recv + %d", offset[fl.name]/8)
		}
		if fl.desc[0] == '[' {
			fmt.Fprintf(&sb, "\t\tparr(\"%s\", *(int64_t **)(%s));\n", fl.desc, slot)
		} else {
			fmt.Fprintf(&sb, "\t\tpfield('%c', %s);\n", fl.desc[0], slot)
		}
	}
	sb.WriteString("\t\tputchar('\\n');\n\t}\n}\n")
	return sb.String()
}

// harnessObjects is the runtime's objects (alpha/objects.go): exceptions
// made to be thrown, Integers, enum constants kept once per class and
// ordinal (so that == holds between a static field's constant and an
// argument's), arrays of arrays.
const harnessObjects = `
void *dvm_new(const char *cls) {
	int64_t *o = calloc(1, 8);
	o[0] = (int64_t)cls;
	return o;
}

void *dvm_valueof_int(long i) {
	int64_t *o = calloc(1, 16);
	o[0] = (int64_t)"java/lang/Integer";
	o[1] = (int32_t)i;
	return o;
}

struct dvm_enum { char *cls; long ord; int64_t *obj; struct dvm_enum *next; };
static struct dvm_enum *dvm_enums;

static void *dvm_enum(const char *cls, long ord) {
	for (struct dvm_enum *e = dvm_enums; e; e = e->next)
		if (e->ord == ord && strcmp(e->cls, cls) == 0) return e->obj;
	struct dvm_enum *e = calloc(1, sizeof *e);
	e->cls = strdup(cls);
	e->ord = ord;
	e->obj = calloc(1, dvm_enum_size);
	e->obj[0] = (int64_t)e->cls;
	*(int32_t *)((char *)e->obj + dvm_fo_java_lang_Enum_ordinal) = (int32_t)ord;
	e->next = dvm_enums;
	dvm_enums = e;
	return e->obj;
}

/* An object: "null" or an enum constant "E:CLASS:ORDINAL". */
static void *robj(void) {
	const char *t = tok();
	if (strcmp(t, "null") == 0) return 0;
	const char *colon = strrchr(t, ':');
	if (strncmp(t, "E:", 2) != 0 || !colon || colon == t + 1) {
		fprintf(stderr, "harness: no object of token %s\n", t);
		exit(3);
	}
	char cls[1024];
	snprintf(cls, sizeof cls, "%.*s", (int)(colon - t - 2), t + 2);
	return dvm_enum(cls, strtol(colon + 1, 0, 10));
}

static void expect(const char *label) {
	const char *t = tok();
	if (strcmp(t, label) != 0) {
		fprintf(stderr, "harness: pre line has %s where %s was expected\n", t, label);
		exit(3);
	}
}

/* An array of descriptor d, of any rank: rows are arrays themselves. */
static void *rarr(const char *d) {
	if (d[1] != '[') return rarray(d[1]);
	const char *t = tok();
	if (strcmp(t, "null") == 0) return 0;
	long n = strtol(t + 1, 0, 10);
	int64_t *a = dvm_newarray('L', n);
	for (long i = 0; i < n; i++) ((void **)(a + 1))[i] = rarr(d + 1);
	return a;
}

static void parr(const char *d, const int64_t *a) {
	if (d[1] != '[') { parray(d[1], a); return; }
	if (!a) { printf("null"); return; }
	printf("#%lld", (long long)a[0]);
	for (long i = 0; i < a[0]; i++) {
		putchar(' ');
		parr(d + 1, ((int64_t **)(a + 1))[i]);
	}
}

`

func descChar(t classfile.FieldType) byte {
	if t.Dims > 0 {
		return '['
	}
	return t.Elem
}

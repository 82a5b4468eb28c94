package exec

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/native"
	"dvmlab/core/native/alpha"
	"dvmlab/core/native/ir"
)

// world answers the Alpha runtime's questions about classes: IN first, then
// the running JDK (for java/lang/Enum, the Throwables and the like), as a
// JVM's class path would.
type world struct {
	in    classpath.Source
	jdk   classpath.Source
	cache map[string]*classfile.Class
	funcs map[string]compiled // methods of other classes compiled for a closure, by OWNER.NAME+DESC
}

type compiled struct {
	f   *ir.Func
	err error
}

var (
	jdkOnce sync.Once
	jdkSrc  classpath.Source
	jdkErr  error
)

func openWorld(in string) (*world, error) {
	src, err := classpath.Open(in)
	if err != nil {
		return nil, err
	}
	jdkOnce.Do(func() { jdkSrc, jdkErr = classpath.OpenJDK("") })
	return &world{in: src, jdk: jdkSrc, cache: map[string]*classfile.Class{}, funcs: map[string]compiled{}}, nil
}

func (w *world) Close() error { return w.in.Close() }

// class finds and parses a class by internal name; nil when it is nowhere.
func (w *world) class(name string) *classfile.Class {
	if c, ok := w.cache[name]; ok {
		return c
	}
	var c *classfile.Class
	data, err := w.in.Find(name)
	if err != nil && w.jdk != nil {
		data, err = w.jdk.Find(name)
	}
	if err == nil {
		c, _ = classfile.Parse(data)
	}
	w.cache[name] = c
	return c
}

// inIN reports whether the class comes from IN (not the JDK).
func (w *world) inIN(name string) bool {
	_, err := w.in.Find(name)
	return err == nil
}

// extends reports whether class name is of or a subclass of it.
func (w *world) extends(name, of string) bool {
	for i := 0; name != "" && i < 64; i++ {
		if name == of {
			return true
		}
		c := w.class(name)
		if c == nil {
			return false
		}
		name = c.SuperName()
	}
	return false
}

func (w *world) isEnum(name string) bool {
	return name != "java/lang/Enum" && w.extends(name, "java/lang/Enum")
}

// enumConstants is the number of an enum's constants: its ACC_ENUM fields
// (JVMS §4.5), in declaration order, which is ordinal order (JLS §8.9.1).
func (w *world) enumConstants(name string) int {
	c := w.class(name)
	if c == nil {
		return 0
	}
	n := 0
	for _, f := range c.Fields {
		if f.Access.Has(classfile.AccEnum) {
			n++
		}
	}
	return n
}

// declaring is the class that declares field name:desc as seen from owner
// (JVMS §5.4.3.2, superclasses only: interface constants are static finals
// javac inlines), or owner when none does.
func (w *world) declaring(owner, name, desc string) string {
	for c, i := owner, 0; c != "" && i < 64; i++ {
		k := w.class(c)
		if k == nil {
			break
		}
		for _, f := range k.Fields {
			if k.MemberName(f) == name && k.MemberDesc(f) == desc {
				return c
			}
		}
		c = k.SuperName()
	}
	return owner
}

// slot is an instance field in the Alpha runtime's layout of an object.
type slot struct {
	owner, name, desc string
	offset            int
}

// layout is the Alpha runtime's object layout of class name: the class word
// at 0, then the instance fields 8 bytes each, the superclass's first (so a
// field has the same offset in every subclass), each class's in class-file
// order.
func (w *world) layout(name string) []slot {
	var chain []*classfile.Class
	for c, i := name, 0; c != "" && i < 64; i++ {
		k := w.class(c)
		if k == nil {
			break
		}
		chain = append(chain, k)
		c = k.SuperName()
	}
	var out []slot
	off := 8
	for i := len(chain) - 1; i >= 0; i-- {
		k := chain[i]
		for _, f := range k.Fields {
			if f.Access.Has(classfile.AccStatic) {
				continue
			}
			out = append(out, slot{owner: k.Name(), name: k.MemberName(f), desc: k.MemberDesc(f), offset: off})
			off += 8
		}
	}
	return out
}

// rewrite turns f into the form the Alpha runtime runs (alpha/objects.go):
// static calls of methods of IN become direct calls (their callees join
// the closure), Enum.ordinal() reads Enum.ordinal, a Throwable's
// constructor on an object made only to be thrown is dropped (the runtime
// throws an object of its class; the arguments were evaluated already, for
// their effects and exceptions), and fields are named by the class that
// declares them, as the runtime's storage is.
func (w *world) rewrite(f *ir.Func) {
	for _, b := range f.Blocks {
		keep := b.Values[:0]
		for _, v := range b.Values {
			switch v.Op {
			case ir.OpInvoke:
				s := v.Sym
				switch {
				case v.AuxInt == ir.InvokeStatic && w.inIN(s.Owner):
					if owner := w.staticMethod(s.Owner, s.Name, s.Desc); owner != "" {
						v.Op, v.AuxInt = ir.OpCall, 0
						v.Sym = &ir.Sym{Owner: owner, Name: s.Name, Desc: s.Desc}
					}
				case v.AuxInt != ir.InvokeStatic && s.Name == "ordinal" && s.Desc == "()I" && (s.Owner == "java/lang/Enum" || w.isEnum(s.Owner)):
					v.Op, v.AuxInt = ir.OpGetField, 0
					v.Args = v.Args[:1]
					o := alpha.EnumOrdinal
					v.Sym = &o
				case v.AuxInt == ir.InvokeSpecial && s.Name == "<init>" && origin(v.Args[0]).Op == ir.OpNew &&
					origin(v.Args[0]).Sym.Owner == s.Owner && w.extends(s.Owner, "java/lang/Throwable"):
					continue
				}
			case ir.OpGetStatic, ir.OpPutStatic, ir.OpGetField, ir.OpPutField:
				// javac names the class it sees a field through: its own
				// for one it inherits (ChaChaEngine's engineState, declared
				// by Salsa20Engine). A static field is the declaring class's
				// word; the receiver's fields keep the class's name, the
				// harness giving it the inherited fields' offsets too (those
				// of IN: DvmExec gives values to no JDK class's fields).
				d := w.declaring(v.Sym.Owner, v.Sym.Name, v.Sym.Desc)
				inherited := v.Sym.Owner == f.Class && (v.Op == ir.OpGetField || v.Op == ir.OpPutField) && w.inIN(d)
				if d != v.Sym.Owner && !inherited {
					s := *v.Sym
					s.Owner = d
					v.Sym = &s
				}
			}
			keep = append(keep, v)
		}
		b.Values = keep
	}
	f.CountUses()
}

func origin(v *ir.Value) *ir.Value {
	for v.Op == ir.OpCopy {
		v = v.Args[0]
	}
	return v
}

// staticMethod finds the class of IN declaring static method name:desc
// with code, looking up from owner (JVMS §5.4.3.3); "" if none.
func (w *world) staticMethod(owner, name, desc string) string {
	for c, i := owner, 0; c != "" && i < 64; i++ {
		k := w.class(c)
		if k == nil || !w.inIN(c) {
			return ""
		}
		if m := k.Method(name, desc); m != nil {
			if m.Access.Has(classfile.AccStatic) && !m.Access.Has(classfile.AccNative) && m.Code() != nil {
				return c
			}
			return ""
		}
		c = k.SuperName()
	}
	return ""
}

// compileFunc compiles one method for Alpha's runtime: front end, passes,
// rewrite.
func (w *world) compileFunc(c *classfile.Class, m *classfile.Member) (*ir.Func, error) {
	f, err := native.Translate(c, m)
	if err == nil {
		err = native.Optimize(f, nil)
	}
	if err != nil {
		return nil, err
	}
	w.rewrite(f)
	return f, nil
}

// closure compiles every method of c and, transitively, the static
// methods of other classes of IN that they call, so that one object holds
// them all. Reasons for methods of c are keyed by name and descriptor, of
// other classes by their class too.
func (w *world) closure(c *classfile.Class) (funcs []*ir.Func, left map[string]error) {
	left = map[string]error{}
	done := map[string]bool{}
	var queue []*ir.Func
	for _, m := range c.Methods {
		key := c.MemberName(m) + c.MemberDesc(m)
		done[c.Name()+"."+key] = true
		f, err := w.compileFunc(c, m)
		if err != nil {
			left[key] = err
			continue
		}
		queue = append(queue, f)
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		funcs = append(funcs, f)
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op != ir.OpCall {
					continue
				}
				key := v.Sym.Owner + "." + v.Sym.Name + v.Sym.Desc
				if done[key] {
					continue
				}
				done[key] = true
				cf, ok := w.funcs[key]
				if !ok {
					cf.err = fmt.Errorf("no method %s", key)
					if k := w.class(v.Sym.Owner); k != nil {
						if m := k.Method(v.Sym.Name, v.Sym.Desc); m != nil {
							cf.f, cf.err = w.compileFunc(k, m)
						}
					}
					w.funcs[key] = cf
				}
				if cf.err != nil {
					left[key] = cf.err
					continue
				}
				queue = append(queue, cf.f)
			}
		}
	}
	return funcs, left
}

// Snapshot is what the JVM side prints of a class's state for the Alpha
// runtime, which has no JVM to make any (JVM.Snapshot; DvmExec's
// --statics, --fields and --stable).
type Snapshot struct {
	// Statics are the static fields beyond the class's own printable ones
	// that compiled code reads, OWNER.NAME:DESC, sorted: each pre line
	// gives their values as " g.OWNER.NAME TOKEN".
	Statics []string
	// Fields are the class's own fields compiled code names, the only
	// ones it can read or change, in class-file order: the only ones
	// printed, before and after each call.
	Fields []string
	// Stable are the labels (s.NAME, f.NAME, g.OWNER.NAME) of the fields
	// above that compiled code cannot change: no put names them and, for
	// an array, no store of its element kind is compiled. A pre line gives
	// "=" for one whose value is the last pre line's, and the line after a
	// call leaves them out: a table of 40,000 ints read by every call
	// travels once, not twice per call.
	Stable []string
}

// reach is roots and the compiled functions of funcs they call,
// transitively: the code a call of a root can run. A class's <clinit>,
// compiled with the rest, writes its tables but is no callee of them.
func reach(funcs, roots []*ir.Func) []*ir.Func {
	by := map[string]*ir.Func{}
	for _, f := range funcs {
		by[f.Class+"."+f.Name+f.Desc] = f
	}
	seen := map[*ir.Func]bool{}
	var out []*ir.Func
	queue := append([]*ir.Func(nil), roots...)
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		if seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op == ir.OpCall {
					if g := by[v.Sym.Owner+"."+v.Sym.Name+v.Sym.Desc]; g != nil {
						queue = append(queue, g)
					}
				}
			}
		}
	}
	return out
}

// snapshot is the Snapshot of class c for calls of code that runs funcs
// (reach gives them). The receiver's fields are its class's and those it
// inherits from superclasses of IN, as DvmExec prints them.
func (w *world) snapshot(c *classfile.Class, funcs []*ir.Func) Snapshot {
	named := map[string]bool{} // the class's own fields compiled code names, inherited ones too
	put := map[string]bool{}   // OWNER.NAME of every field compiled code writes
	stored := map[byte]bool{}  // element kinds of the arrays it stores into, 'L' for references
	opaque := false            // a call compiled code does not show
	for _, f := range funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				switch v.Op {
				case ir.OpGetStatic, ir.OpGetField, ir.OpPutStatic, ir.OpPutField:
					if v.Sym.Owner == c.Name() {
						named[v.Sym.Name] = true
					}
					if v.Op == ir.OpPutStatic || v.Op == ir.OpPutField {
						put[v.Sym.Owner+"."+v.Sym.Name] = true
					}
				case ir.OpArrayStore:
					stored[byte(v.AuxInt)] = true
				case ir.OpObjArrayStore:
					stored['L'] = true
				case ir.OpInvoke:
					opaque = true
				}
			}
		}
	}
	// bastore stores into byte and boolean arrays alike (JVMS §6.5.bastore);
	// a row of an array of arrays is replaced by a reference store.
	changes := func(owner, name, desc string) bool {
		if opaque || put[owner+"."+name] {
			return true
		}
		rank := len(desc) - len(strings.TrimLeft(desc, "["))
		if rank == 0 {
			return false
		}
		e := desc[rank]
		if e == 'Z' {
			e = 'B'
		}
		return stored[e] || rank > 1 && stored['L']
	}
	s := Snapshot{Statics: staticsRead(c, funcs), Fields: []string{}}
	for _, fm := range c.Fields {
		name, desc := c.MemberName(fm), c.MemberDesc(fm)
		if !named[name] || !printableDesc(desc) {
			continue
		}
		s.Fields = append(s.Fields, name)
		if !changes(c.Name(), name, desc) {
			label := "f."
			if fm.Access.Has(classfile.AccStatic) {
				label = "s."
			}
			s.Stable = append(s.Stable, label+name)
		}
	}
	// The receiver's inherited fields, nearest class first: a field a
	// subclass hides is not the one DvmExec prints by that name.
	hidden := map[string]bool{}
	for _, fm := range c.Fields {
		hidden[c.MemberName(fm)] = true
	}
	layout := w.layout(c.Name())
	for i := len(layout) - 1; i >= 0; i-- {
		sl := layout[i]
		if hidden[sl.name] {
			continue
		}
		hidden[sl.name] = true
		if !named[sl.name] || !printableDesc(sl.desc) {
			continue
		}
		s.Fields = append(s.Fields, sl.name)
		if !changes(c.Name(), sl.name, sl.desc) {
			s.Stable = append(s.Stable, "f."+sl.name)
		}
	}
	for _, st := range s.Statics {
		field, desc, _ := strings.Cut(st, ":")
		dot := strings.LastIndexByte(field, '.')
		if !changes(field[:dot], field[dot+1:], desc) {
			s.Stable = append(s.Stable, "g."+field)
		}
	}
	return s
}

// staticsRead lists the static fields compiled code reads whose values
// the runtime must be given beside the class's own printable ones: fields
// of other classes, and the class's own of reference types DvmExec does
// not print. Each as OWNER.NAME:DESC, sorted.
func staticsRead(c *classfile.Class, funcs []*ir.Func) []string {
	seen := map[string]bool{}
	for _, f := range funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op != ir.OpGetStatic {
					continue
				}
				s := v.Sym
				if s.Owner == c.Name() && printableDesc(s.Desc) {
					continue
				}
				seen[s.Owner+"."+s.Name+":"+s.Desc] = true
			}
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// printableDesc is DvmExec's printable: a primitive or a one-dimensional
// primitive array.
func printableDesc(d string) bool {
	return len(d) == 1 || len(d) == 2 && d[0] == '[' && d[1] != 'L' && d[1] != '['
}

// snapshotDescOK refuses static fields whose values the runtime cannot be
// given: only primitives, arrays of primitives of any rank, and enum
// constants (or null) travel.
func (w *world) snapshotDescOK(desc string) bool {
	t := strings.TrimLeft(desc, "[")
	if t[0] != 'L' {
		return true
	}
	return t == desc && w.isEnum(strings.TrimSuffix(t[1:], ";"))
}

// refuseSnapshots moves functions that read a static the runtime cannot be
// given to left.
func (w *world) refuseSnapshots(funcs []*ir.Func, left map[string]error) []*ir.Func {
	var keep []*ir.Func
outer:
	for _, f := range funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op == ir.OpGetStatic && !w.snapshotDescOK(v.Sym.Desc) {
					left[f.Name+f.Desc] = fmt.Errorf("alpha: %s.%s%s at offset %d: static field %s: the Alpha runtime is given primitives, primitive arrays and enum constants only", f.Class, f.Name, f.Desc, v.Pos, v.Sym)
					continue outer
				}
			}
		}
		keep = append(keep, f)
	}
	return keep
}

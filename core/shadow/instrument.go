package shadow

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// Ordering is how the analysis server orders notifications.
type Ordering string

const (
	// Global processes every event on one goroutine, in arrival order;
	// each thread's events in program order.
	Global Ordering = "global"
	// PerThread gives every observed thread a dispatcher of its own.
	PerThread Ordering = "thread"
	// PerGroup gives every ordering group a dispatcher of its own; the
	// events of one group are totally ordered, across threads, as the
	// observed VM produced them.
	PerGroup Ordering = "group"
)

// ParseOrdering reads an ordering model's name.
func ParseOrdering(s string) (Ordering, error) {
	switch o := Ordering(s); o {
	case Global, PerThread, PerGroup:
		return o, nil
	}
	return "", fmt.Errorf("unknown ordering %q (global, thread or group)", s)
}

// The stub classes the agent defines in java.base; see java/.
const (
	EventsClass = "java/lang/ShadowEvents"
	CountsClass = "java/lang/ShadowCounts"
)

// Instrumenter weaves hooks into classes.
type Instrumenter struct {
	hooks     []*Hook
	reg       *Registry
	ordering  Ordering
	inProcess bool
	hier      *liveHierarchy
	// stub is the class whose native hidden() Lookup's hidden-class
	// definers call; "" leaves them alone.
	stub string
	// direct is the in-process class hooks call (InProcessAnalysis), ""
	// for counting in ShadowCounts.
	direct string
	// idField: objects of non-JDK classes are identified by IDField, not
	// by JVMTI tags (UseIDField).
	idField bool

	mu     sync.Mutex
	errs   []error
	stats  InstrumentStats
	skipOf map[string]int
}

// InstrumentStats counts the instrumentation server's work.
type InstrumentStats struct {
	Classes      int // offered
	Instrumented int // changed
	Sites        int // events woven
	Failed       int // classes left as they were because of an error
	// MethodsFailed counts methods left as they were, in classes
	// otherwise instrumented.
	MethodsFailed int
	// Hidden counts hidden classes offered at their definition;
	// HiddenHooked says whether Lookup's definers were woven to offer them
	// (false: Lookup loaded before the hooks, hidden classes unobserved).
	Hidden       int
	HiddenHooked bool
	Skipped      int // sites a hook could not take (see Skips)
}

// NewInstrumenter prepares hooks (validated) for weaving. Frames are
// computed against the classes the observed VM has loaded so far, then
// those of static, the JDK and the program's class path.
func NewInstrumenter(hooks []*Hook, reg *Registry, ordering Ordering, inProcess bool, static ...classpath.Finder) (*Instrumenter, error) {
	for i, h := range hooks {
		if err := h.Validate(); err != nil {
			return nil, err
		}
		h.id = i
		if inProcess && h.InProcess != SiteID && h.InProcess != MethodID && h.InProcess != ClassID {
			return nil, fmt.Errorf("hook %q: no in-process equivalent (InProcess must be a site, method or class id)", h.Name)
		}
	}
	if _, err := ParseOrdering(string(ordering)); err != nil {
		return nil, err
	}
	stub := EventsClass
	if inProcess {
		stub = CountsClass
	}
	return &Instrumenter{hooks: hooks, reg: reg, ordering: ordering, inProcess: inProcess,
		hier: newLiveHierarchy(static...), skipOf: map[string]int{}, stub: stub}, nil
}

// CallInProcess makes the in-process hooks call class's static methods
// (each hook's InProcessMethod) with the hooks' arguments instead of
// counting; class itself is left alone, and its hidden() is the one
// Lookup's definers call.
func (in *Instrumenter) CallInProcess(class string) error {
	if !in.inProcess {
		return fmt.Errorf("%s: in-process calls in a run that is not in process", class)
	}
	for _, h := range in.hooks {
		if h.InProcessMethod == "" {
			return fmt.Errorf("hook %q: no in-process method in %s", h.Name, class)
		}
	}
	in.direct, in.stub = class, class
	return nil
}

// IDField is the field UseIDField injects into the topmost non-JDK class
// of every class hierarchy: an object's identity, read by the woven code
// and given on first sight by the agent, without HotSpot's JVMTI tag map
// (one lock per agent). It is public (any class's code reads it through
// its own static type) and transient (not serialized).
const IDField = "$dvmlab$id"

// UseIDField makes objects of non-JDK classes known by IDField where the
// hook sends an object the instruction itself dereferences (the object
// after new, the receiver of getfield and putfield, this): the agent then
// tags none of them (the ShadowVM paper's Table 6 measures concurrent
// tagging; HotSpot's tag map is one locked table). The agent knows such
// an object by its field wherever it is sent, through a JDK type too, so
// it has one id. Such objects get no free notifications, which come from
// the tag map. Object.clone copies the field, so every super.clone() is
// followed by a call that has the agent clear the copy's (resetClones).
func (in *Instrumenter) UseIDField() { in.idField = true }

// isJDKName says whether a class name is the JDK's, by package: those
// keep their layouts (HotSpot knows the fields of many of them).
func isJDKName(n string) bool {
	for _, p := range []string{"java/", "javax/", "jdk/", "sun/", "com/sun/", "org/xml/sax/", "org/w3c/dom/", "org/ietf/"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// addIDField declares IDField in c if c is the topmost non-JDK class of
// its hierarchy.
func addIDField(c *classfile.Class) (bool, error) {
	if c.Access.Has(classfile.AccInterface) || c.Access.Has(classfile.AccModule) || isJDKName(c.Name()) ||
		c.SuperName() == "" || !isJDKName(c.SuperName()) {
		return false, nil
	}
	name, err := c.Pool.AddUtf8(IDField)
	if err != nil {
		return false, err
	}
	desc, err := c.Pool.AddUtf8("J")
	if err != nil {
		return false, err
	}
	c.Fields = append(c.Fields, &classfile.Member{Access: classfile.AccPublic | classfile.AccTransient | classfile.AccSynthetic,
		NameIndex: name, DescIndex: desc})
	return true, nil
}

// Stats returns the counts so far.
func (in *Instrumenter) Stats() InstrumentStats {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.stats
}

// Errors returns the classes that could not be instrumented, and why.
func (in *Instrumenter) Errors() []error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]error(nil), in.errs...)
}

// Skips says why sites were skipped, with counts.
func (in *Instrumenter) Skips() map[string]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := map[string]int{}
	for k, v := range in.skipOf {
		out[k] = v
	}
	return out
}

// Instrument returns the instrumented class, or nil to load data as it is.
// A class that cannot be instrumented is loaded as it is; the error says
// which class and why.
func (in *Instrumenter) Instrument(name string, loader uint64, data []byte) (out []byte, err error) {
	if name == "" {
		// A hidden class's bytes, offered by the stub's hidden(): the
		// name is the one in the bytes; the JVM adds a suffix to it.
		if h, err := classfile.ParseHeader(data); err == nil {
			name = h.Name
		}
		in.mu.Lock()
		in.stats.Hidden++
		in.mu.Unlock()
	}
	in.reg.keepClass(name, loader, data)
	in.hier.see(name, data)
	in.mu.Lock()
	in.stats.Classes++
	in.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: instrumentation failed: %v", name, r)
			out = nil
		}
		if err != nil {
			in.mu.Lock()
			in.stats.Failed++
			in.errs = append(in.errs, err)
			in.mu.Unlock()
		}
	}()
	if name == EventsClass || name == CountsClass || name == in.stub {
		return nil, nil
	}
	any := false
	for _, h := range in.hooks {
		if h.scope.classMayMatch(name) {
			any = true
		}
	}
	if !any && (name != lookupClass || in.stub == "") {
		return nil, nil
	}
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if classfile.Check(c) != nil {
		// The JVM refuses the class as it is; woven, it might load.
		in.skip("refused by the JVM's format checks")
		return nil, nil
	}
	w := &weaver{in: in, c: c, sc: in.reg.addClass(c.Name())}
	n := 0
	if in.idField && !in.inProcess {
		added, err := addIDField(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, IDField, err)
		}
		if added {
			n++
		}
	}
	if c.Name() == modulesClass {
		if m := c.Method("transformedByAgent", "(Ljava/lang/Module;)V"); m != nil && m.Code() != nil {
			silence(m.Code())
			n++
		}
	}
	if c.Name() == lookupClass && in.stub != "" {
		k, err := w.weaveHidden(in.stub)
		if err != nil {
			return nil, fmt.Errorf("%s: hidden-class definers: %w", name, err)
		}
		n += k
		in.mu.Lock()
		in.stats.HiddenHooked = k > 0
		in.mu.Unlock()
	}
	for _, m := range c.Methods {
		// A method that cannot take its hooks (64 KB of code with them)
		// keeps its code; the rest of the class is still observed.
		saved := classfile.SaveCode(m)
		k, err := w.method(m)
		if err != nil {
			saved.Restore(m)
			in.mu.Lock()
			in.stats.MethodsFailed++
			in.errs = append(in.errs, fmt.Errorf("%s.%s%s: left uninstrumented: %w", c.Name(), c.MemberName(m), c.MemberDesc(m), err))
			in.mu.Unlock()
			continue
		}
		n += k
	}
	if n == 0 {
		return nil, nil
	}
	out, err = c.Write()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	in.mu.Lock()
	in.stats.Instrumented++
	in.stats.Sites += n
	in.mu.Unlock()
	return out, nil
}

func (in *Instrumenter) skip(why string) {
	in.mu.Lock()
	in.stats.Skipped++
	in.skipOf[why]++
	in.mu.Unlock()
}

// modulesClass holds the upcall HotSpot makes when an agent changes a
// class of a named module: jdk.internal.module.Modules.transformedByAgent,
// which adds reflective read edges to the unnamed modules, loading
// Module$ReflectionData and six WeakPairMap classes the program itself never
// loads. The edges serve agents whose injected code lives in an unnamed
// module; the stub lives in java.base, which every module reads, and the
// VM-level edges (what access checks use) are set before the upcall anyway.
// So the upcall is made a no-op: the observed VM then loads only the stub
// more than it does alone (the paper's Table 1), and its modules read what
// they read without an agent.
const modulesClass = "jdk/internal/module/Modules"

// silence makes code return at once.
func silence(code *classfile.Code) {
	code.Code = []byte{byte(bytecode.Return)}
	code.Handlers = nil
	code.MaxStack = 0
	code.Attributes = nil
}

// weaver instruments one class.
type weaver struct {
	in *Instrumenter
	c  *classfile.Class
	sc *StaticClass
	fc *bytecode.FrameComputer
	// The original instructions of the method under way, and their
	// positions by offset.
	insns []bytecode.Instruction
	at    map[int]int
}

type point struct {
	hook   *Hook
	site   *Site
	stack  []bytecode.VType // at the inserted code, bottom first
	static bool             // the stack is not needed
}

func (w *weaver) method(m *classfile.Member) (int, error) {
	code := m.Code()
	if code == nil {
		return 0, nil
	}
	c := w.c
	name, desc := c.MemberName(m), c.MemberDesc(m)
	var hooks []*Hook
	needStacks := false
	for _, h := range w.in.hooks {
		if !h.scope.matches(c.Name(), name, desc) {
			continue
		}
		hooks = append(hooks, h)
		for _, a := range h.Args {
			if a.Kind == StackValue {
				needStacks = true
			}
		}
		if h.Marker.Kind == After || h.Marker.Kind == Initialized {
			needStacks = true // after new pairs new with its constructor call; super() is found by its receiver
		}
	}
	idClones := w.in.idField && !w.in.inProcess && !m.Access.Has(classfile.AccStatic)
	if len(hooks) == 0 && !idClones {
		return 0, nil
	}
	if name == "finalize" && desc == "()V" && len(code.Code) == 1 && bytecode.Opcode(code.Code[0]) == bytecode.Return {
		// HotSpot registers for finalization only the instances of classes
		// whose finalize() is not empty; a hook in java.lang.Object's empty
		// one would make every object in the VM finalizable.
		w.in.skip("empty finalize(): a hook would make every instance finalizable")
		return 0, nil
	}
	insns, err := bytecode.Decode(code.Code)
	if err != nil {
		return 0, err
	}
	idClones = idClones && superClones(insns, &c.Pool) && !storesThis(insns)
	if len(hooks) == 0 && !idClones {
		return 0, nil
	}
	needStacks = needStacks || idClones
	var stacks map[int][]bytecode.VType
	if needStacks {
		stacks, err = bytecode.Stacks(c, m, w.in.hier, func(bytecode.Instruction) bool { return true })
		if err != nil {
			return 0, err
		}
	}
	w.insns = insns
	w.at = make(map[int]int, len(insns))
	next := map[int]int{} // offset -> next instruction's offset
	for i, in := range insns {
		w.at[in.Offset] = i
		if i+1 < len(insns) {
			next[in.Offset] = insns[i+1].Offset
		}
	}
	meth := w.in.reg.addMethod(c.Name(), name, desc)
	ed, err := bytecode.NewEditor(c, m)
	if err != nil {
		return 0, err
	}
	ed.KeepFrames()
	n := 0
	emit := func(h *Hook, s *Site, stack []bytecode.VType, put func(...*bytecode.Insn) error) error {
		code, why, err := w.event(m, h, s, stack)
		if err != nil {
			return err
		}
		if why != "" {
			w.in.skip(why)
			return nil
		}
		if err := put(code...); err != nil {
			return err
		}
		n++
		return nil
	}
	for _, h := range hooks {
		switch h.Marker.Kind {
		case MethodEntry:
			s := w.in.reg.addSite(meth, 0, "entry", "")
			if err := emit(h, s, nil, func(code ...*bytecode.Insn) error { ed.Prepend(code...); return nil }); err != nil {
				return n, err
			}
		case MethodExit:
			for _, in := range insns {
				if !in.Op.IsReturn() {
					continue
				}
				off := in.Offset
				st, ok := stackAt(stacks, needStacks, off)
				if !ok {
					continue // unreachable
				}
				s := w.in.reg.addSite(meth, off, in.Op.String(), "")
				if err := emit(h, s, st, func(code ...*bytecode.Insn) error { return ed.InsertBefore(off, code...) }); err != nil {
					return n, err
				}
			}
			// Exits by exception: a guard around the whole body, except in
			// constructors, where a handler over the super() call would see
			// an uninitialized this.
			if name != "<init>" {
				s := w.in.reg.addSite(meth, len(code.Code), "throw", "")
				st := []bytecode.VType{{Kind: bytecode.KRef, Name: "java/lang/Throwable"}}
				if err := emit(h, s, st, func(code ...*bytecode.Insn) error { ed.Guard(code...); return nil }); err != nil {
					return n, err
				}
			}
		case Initialized:
			if name != "<init>" {
				continue
			}
			if c.Name() == "java/lang/Object" {
				s := w.in.reg.addSite(meth, 0, "initialized", "")
				if err := emit(h, s, nil, func(code ...*bytecode.Insn) error { ed.Prepend(code...); return nil }); err != nil {
					return n, err
				}
				continue
			}
			for _, p := range superCalls(insns, stacks, &c.Pool) {
				st, ok := stacks[next[p]]
				if !ok {
					continue
				}
				at := p
				s := w.in.reg.addSite(meth, at, "initialized", "")
				if err := emit(h, s, st, func(code ...*bytecode.Insn) error { return ed.InsertAfter(at, code...) }); err != nil {
					return n, err
				}
			}
		case BasicBlock:
			starts, err := bytecode.BlockStarts(code, insns)
			if err != nil {
				return n, err
			}
			for _, off := range starts {
				st, ok := stackAt(stacks, needStacks, off)
				if !ok {
					continue
				}
				s := w.in.reg.addSite(meth, off, "block", "")
				if err := emit(h, s, st, func(code ...*bytecode.Insn) error { return ed.InsertBefore(off, code...) }); err != nil {
					return n, err
				}
			}
		case Before, After:
			for _, in := range insns {
				if !slices.Contains(h.Marker.Ops, in.Op) {
					continue
				}
				off := in.Offset
				operand := w.operand(in)
				if h.Marker.Kind == Before {
					st, ok := stackAt(stacks, needStacks, off)
					if !ok {
						continue
					}
					s := w.in.reg.addSite(meth, off, in.Op.String(), operand)
					if err := emit(h, s, st, func(code ...*bytecode.Insn) error { return ed.InsertBefore(off, code...) }); err != nil {
						return n, err
					}
					continue
				}
				if _, ok := stacks[off]; !ok {
					continue // unreachable
				}
				if in.Op == bytecode.New {
					inits := initsOf(insns, stacks, &c.Pool, off)
					if len(inits) == 0 {
						w.in.skip("new without a constructor call that leaves the object on the stack")
						continue
					}
					s := w.in.reg.addSite(meth, off, in.Op.String(), operand)
					for _, p := range inits {
						st, ok := stacks[next[p]]
						if !ok {
							continue
						}
						at := p
						if err := emit(h, s, st, func(code ...*bytecode.Insn) error { return ed.InsertAfter(at, code...) }); err != nil {
							return n, err
						}
					}
					continue
				}
				st, ok := stacks[next[off]]
				if !ok {
					w.in.skip("after an instruction with no reachable successor")
					continue
				}
				s := w.in.reg.addSite(meth, off, in.Op.String(), operand)
				if err := emit(h, s, st, func(code ...*bytecode.Insn) error { return ed.InsertAfter(off, code...) }); err != nil {
					return n, err
				}
			}
		}
	}
	if idClones {
		k, err := w.resetClones(insns, stacks, next, ed)
		if err != nil {
			return n, err
		}
		n += k
	}
	if n == 0 {
		return 0, nil
	}
	if w.fc == nil {
		w.fc = bytecode.NewFrameComputer(c, w.in.hier)
	}
	if _, err := ed.Commit(w.fc); err != nil {
		return n, err
	}
	return n, nil
}

func stackAt(stacks map[int][]bytecode.VType, need bool, off int) ([]bytecode.VType, bool) {
	if !need {
		return nil, true
	}
	s, ok := stacks[off]
	return s, ok
}

// operand names what an instruction creates or touches, for sites.
func (w *weaver) operand(in bytecode.Instruction) string {
	p := &w.c.Pool
	switch in.Op {
	case bytecode.New, bytecode.Anewarray, bytecode.Checkcast, bytecode.Instanceof:
		name := p.ClassName(uint16(in.Index))
		if in.Op == bytecode.Anewarray {
			if len(name) > 0 && name[0] == '[' {
				return "[" + name
			}
			return "[L" + name + ";"
		}
		return name
	case bytecode.Multianewarray:
		return p.ClassName(uint16(in.Index))
	case bytecode.Newarray:
		return "[" + primitiveArray[in.Index]
	case bytecode.Getfield, bytecode.Putfield, bytecode.Getstatic, bytecode.Putstatic,
		bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic, bytecode.Invokeinterface:
		owner, name, desc := p.MemberRef(uint16(in.Index))
		return owner + "." + name + desc
	}
	return ""
}

var primitiveArray = map[int]string{4: "Z", 5: "C", 6: "F", 7: "D", 8: "B", 9: "S", 10: "I", 11: "J"}

// initsOf finds the constructor calls that initialize the object the new
// at off creates, where the initialized object is left on top of the stack
// (javac's new; dup; ...; invokespecial).
func initsOf(insns []bytecode.Instruction, stacks map[int][]bytecode.VType, pool *classfile.ConstantPool, off int) []int {
	var out []int
	for k, in := range insns {
		if in.Op != bytecode.Invokespecial {
			continue
		}
		_, name, desc := pool.MemberRef(uint16(in.Index))
		if name != "<init>" {
			continue
		}
		st, ok := stacks[in.Offset]
		if !ok {
			continue
		}
		argSlots, _, err := bytecode.ArgSlots(desc)
		if err != nil {
			continue
		}
		r := len(st) - 1 - argSlots
		if r < 1 || st[r].Kind != bytecode.KUninit || int(st[r].Offset) != off {
			continue
		}
		if st[r-1].Kind != bytecode.KUninit || int(st[r-1].Offset) != off {
			continue // no copy stays on the stack
		}
		if k+1 < len(insns) {
			out = append(out, in.Offset)
		}
	}
	return out
}

// superCalls finds, in a constructor, the calls to super() or this() that
// initialize this: the invokespecial <init> whose receiver is
// uninitializedThis (JVMS §4.10.1.9 invokespecial) and that falls through
// to a next instruction.
func superCalls(insns []bytecode.Instruction, stacks map[int][]bytecode.VType, pool *classfile.ConstantPool) []int {
	var out []int
	for k, in := range insns {
		if in.Op != bytecode.Invokespecial || k+1 >= len(insns) {
			continue
		}
		_, name, desc := pool.MemberRef(uint16(in.Index))
		if name != "<init>" {
			continue
		}
		st, ok := stacks[in.Offset]
		if !ok {
			continue
		}
		argSlots, _, err := bytecode.ArgSlots(desc)
		if err != nil {
			continue
		}
		if r := len(st) - 1 - argSlots; r >= 0 && st[r].Kind == bytecode.KUninitThis {
			out = append(out, in.Offset)
		}
	}
	return out
}

// storesThis reports whether code stores into local 0, so that this may
// not be there at a constructor's exit.
func storesThis(insns []bytecode.Instruction) bool {
	for _, in := range insns {
		switch in.Op {
		case bytecode.Astore0, bytecode.Istore0, bytecode.Lstore0, bytecode.Fstore0, bytecode.Dstore0:
			return true
		case bytecode.Astore, bytecode.Istore, bytecode.Lstore, bytecode.Fstore, bytecode.Dstore:
			if in.Index == 0 {
				return true
			}
		}
	}
	return false
}

// value is one operand-stack value: its type and first slot.
type value struct {
	t    bytecode.VType
	slot int
}

func values(stack []bytecode.VType) []value {
	var out []value
	for i := 0; i < len(stack); i++ {
		t := stack[i]
		if t.Kind == bytecode.KLong2 || t.Kind == bytecode.KDouble2 {
			continue
		}
		out = append(out, value{t: t, slot: i})
	}
	return out
}

// event is the code of one event: start, the arguments, end; or, in
// process, the count. why is set, and code nil, when the hook cannot go at
// this site.
func (w *weaver) event(m *classfile.Member, h *Hook, s *Site, stack []bytecode.VType) (code []*bytecode.Insn, why string, err error) {
	p := &w.c.Pool
	invoke := func(cls, name, desc string) (*bytecode.Insn, error) {
		i, err := p.AddMethodref(cls, name, desc)
		if err != nil {
			return nil, err
		}
		return &bytecode.Insn{Op: bytecode.Invokestatic, Index: int(i)}, nil
	}
	pushInt := func(v int) error {
		in, err := bytecode.PushInt(p, v)
		if err != nil {
			return err
		}
		code = append(code, in)
		return nil
	}
	idOf := func(k ArgKind, s *Site) (int, bool) {
		switch k {
		case SiteID:
			return s.ID, true
		case MethodID:
			return s.Method.ID, true
		case ClassID:
			return w.sc.ID, true
		case FieldID:
			i, ok := w.at[s.Offset]
			if !ok || !isFieldOp(w.insns[i].Op) {
				return 0, false
			}
			owner, name, desc := p.MemberRef(uint16(w.insns[i].Index))
			return w.in.reg.field(owner, name, desc).ID, true
		case FieldNameID, ClassNameID:
			if i, ok := w.at[s.Offset]; ok && isFieldOp(w.insns[i].Op) && s.Op == w.insns[i].Op.String() {
				owner, name, desc := p.MemberRef(uint16(w.insns[i].Index))
				if k == FieldNameID {
					return w.in.reg.nameID(name + ":" + desc), true
				}
				return w.in.reg.nameID(owner), true
			}
			if k == FieldNameID {
				return 0, false
			}
			return w.in.reg.nameID(w.c.Name()), true
		}
		return 0, false
	}
	direct := w.in.direct != ""
	if w.in.inProcess && !direct {
		id, _ := idOf(h.InProcess, s)
		if err := pushInt(id); err != nil {
			return nil, "", err
		}
		hit, err := invoke(CountsClass, "hit", "(I)V")
		if err != nil {
			return nil, "", err
		}
		return append(code, hit), "", nil
	}
	vals := values(stack)
	deepest := -1 // the deepest stack value asked for that exists here
	stackArgs := 0
	for _, a := range h.Args {
		if a.Kind == StackValue && a.Depth < len(vals) {
			stackArgs++
			if a.Depth > deepest {
				deepest = a.Depth
			}
		}
	}
	// One single-slot value on top is copied with dup, below everything
	// else the event pushes; anything else is spilled to fresh locals.
	useDup := stackArgs == 1 && deepest == 0 && vals[len(vals)-1].t.Size() == 1 &&
		(!direct || h.Args[0].Kind == StackValue) // a call takes the copy as its first argument
	spill := map[int]int{} // depth -> local
	if useDup {
		code = append(code, &bytecode.Insn{Op: bytecode.Dup})
	} else if deepest >= 0 {
		local := int(m.Code().MaxLocals)
		var reload []*bytecode.Insn
		for d := 0; d <= deepest; d++ {
			v := vals[len(vals)-1-d]
			spill[d] = local
			st, ld := storeLoad(v.t)
			code = append(code, &bytecode.Insn{Op: st, Index: local, Wide: local > 255})
			reload = append([]*bytecode.Insn{{Op: ld, Index: local, Wide: local > 255}}, reload...)
			local += v.t.Size()
		}
		code = append(code, reload...)
	}
	// In process, the hook is one call to the class's method, its
	// arguments pushed as they would be sent.
	var desc []byte
	if direct {
		desc = []byte{'('}
	}
	start, err := invoke(EventsClass, "start", "(I)V")
	if err != nil {
		return nil, "", err
	}
	if direct {
		// no start
	} else if err := pushInt(h.id); err != nil {
		return nil, "", err
	}
	if direct {
	} else if w.in.ordering == PerGroup {
		g := h.Group
		if h.GroupBy == GroupSite {
			g = s.ID
		}
		if err := pushInt(g); err != nil {
			return nil, "", err
		}
		if start, err = invoke(EventsClass, "startGroup", "(II)V"); err != nil {
			return nil, "", err
		}
	}
	if !direct {
		code = append(code, start)
	}
	send := func(t bytecode.VType) (*bytecode.Insn, error) {
		if direct {
			switch t.Kind {
			case bytecode.KInt:
				desc = append(desc, 'I')
			case bytecode.KLong:
				desc = append(desc, 'J')
			case bytecode.KFloat:
				desc = append(desc, 'F')
			case bytecode.KDouble:
				desc = append(desc, 'D')
			default:
				desc = append(desc, "Ljava/lang/Object;"...)
			}
			return &bytecode.Insn{Op: bytecode.Nop}, nil
		}
		switch t.Kind {
		case bytecode.KInt:
			return invoke(EventsClass, "sendInt", "(I)V")
		case bytecode.KLong:
			return invoke(EventsClass, "sendLong", "(J)V")
		case bytecode.KFloat:
			return invoke(EventsClass, "sendFloat", "(F)V")
		case bytecode.KDouble:
			return invoke(EventsClass, "sendDouble", "(D)V")
		}
		return invoke(EventsClass, "sendObject", "(Ljava/lang/Object;)V")
	}
	objT := bytecode.VType{Kind: bytecode.KRef}
	intT := bytecode.VType{Kind: bytecode.KInt}
	for _, a := range h.Args {
		if a.InProcessOnly && !direct {
			continue
		}
		switch a.Kind {
		case StackValue:
			if a.Depth >= len(vals) {
				in, err := send(objT)
				if err != nil {
					return nil, "", err
				}
				code = append(code, &bytecode.Insn{Op: bytecode.AconstNull}, in)
				continue
			}
			v := vals[len(vals)-1-a.Depth]
			if useDup {
				if !sendable(v.t) {
					code = append(code, &bytecode.Insn{Op: bytecode.Pop}, &bytecode.Insn{Op: bytecode.AconstNull})
				}
			} else if sendable(v.t) {
				_, ld := storeLoad(v.t)
				code = append(code, &bytecode.Insn{Op: ld, Index: spill[a.Depth], Wide: spill[a.Depth] > 255})
			} else {
				code = append(code, &bytecode.Insn{Op: bytecode.AconstNull})
			}
			if t, ok := w.idType(v.t); ok && !direct && dereferenced(h, s, a) {
				idc, err := w.sendID(t)
				if err != nil {
					return nil, "", err
				}
				code = append(code, idc...)
				continue
			}
			in, err := send(v.t)
			if err != nil {
				return nil, "", err
			}
			code = append(code, in)
		case Receiver:
			static := m.Access.Has(classfile.AccStatic)
			if w.c.MemberName(m) == "<init>" {
				// this is initialized at Initialized and at returns
				// (JVMS §4.10.1.9 return), if local 0 still holds it.
				ready := (h.Marker.Kind == Initialized || (h.Marker.Kind == MethodExit && s.Op != "throw")) && !storesThis(w.insns)
				static = static || !ready
			}
			if static {
				code = append(code, &bytecode.Insn{Op: bytecode.AconstNull})
			} else {
				code = append(code, &bytecode.Insn{Op: bytecode.Aload0, Index: 0})
				if t, ok := w.idType(bytecode.VType{Kind: bytecode.KRef, Name: w.c.Name()}); ok && !direct {
					idc, err := w.sendID(t)
					if err != nil {
						return nil, "", err
					}
					code = append(code, idc...)
					continue
				}
			}
			in, err := send(objT)
			if err != nil {
				return nil, "", err
			}
			code = append(code, in)
		default:
			id, ok := idOf(a.Kind, s)
			if !ok {
				return nil, "field id asked at an instruction without a field", nil
			}
			if err := pushInt(id); err != nil {
				return nil, "", err
			}
			in, err := send(intT)
			if err != nil {
				return nil, "", err
			}
			code = append(code, in)
		}
	}
	if direct {
		call, err := invoke(w.in.direct, h.InProcessMethod, string(desc)+")V")
		if err != nil {
			return nil, "", err
		}
		return append(dropNops(code), call), "", nil
	}
	end, err := invoke(EventsClass, "end", "()V")
	if err != nil {
		return nil, "", err
	}
	return append(code, end), "", nil
}

// idType says whether a value of type t is sent by IDField: a class (not
// an interface) outside the JDK, whose hierarchy's topmost non-JDK class
// declares the field.
func (w *weaver) idType(t bytecode.VType) (string, bool) {
	if !w.in.idField || t.Kind != bytecode.KRef || t.Name == "" || t.Name[0] == '[' || isJDKName(t.Name) {
		return "", false
	}
	if iface, err := w.in.hier.IsInterface(t.Name); err != nil || iface {
		return "", false
	}
	return t.Name, true
}

// dereferenced says whether argument a of h at s is an object the
// instruction itself dereferences, so never null where the code goes on
// (reading its IDField cannot throw where the program would not).
func dereferenced(h *Hook, s *Site, a Arg) bool {
	switch {
	case h.Marker.Kind == After && s.Op == "new":
		return a.Depth == 0
	case h.Marker.Kind == Before && s.Op == "getfield":
		return a.Depth == 0
	case h.Marker.Kind == Before && s.Op == "putfield":
		return a.Depth == 1
	}
	return false
}

// sendID sends the object on top of the stack by its IDField (0: the
// agent gives it one).
func (w *weaver) sendID(class string) ([]*bytecode.Insn, error) {
	p := &w.c.Pool
	f, err := p.AddMemberRef(classfile.TagFieldref, class, IDField, "J")
	if err != nil {
		return nil, err
	}
	m, err := p.AddMethodref(EventsClass, "sendId", "(Ljava/lang/Object;J)V")
	if err != nil {
		return nil, err
	}
	return []*bytecode.Insn{{Op: bytecode.Dup}, {Op: bytecode.Getfield, Index: int(f)}, {Op: bytecode.Invokestatic, Index: int(m)}}, nil
}

// resetClones follows every super.clone() of a method whose local 0 is
// this with a call telling the agent the result is a copy of this:
// Object.clone copies IDField, so the copy would share this's id (JLS
// §15.12.4.4: super.clone() reaches Object.clone unless a superclass
// overrides it; the agent clears the id only if the two match).
func (w *weaver) resetClones(insns []bytecode.Instruction, stacks map[int][]bytecode.VType, next map[int]int, ed *bytecode.Editor) (int, error) {
	p := &w.c.Pool
	n := 0
	for _, in := range insns {
		if !isSuperClone(in, p) {
			continue
		}
		if _, ok := stacks[next[in.Offset]]; !ok {
			continue // no reachable successor
		}
		m, err := p.AddMethodref(EventsClass, "cloned", "(Ljava/lang/Object;Ljava/lang/Object;)V")
		if err != nil {
			return n, err
		}
		code := []*bytecode.Insn{{Op: bytecode.Dup}, {Op: bytecode.Aload0}, {Op: bytecode.Invokestatic, Index: int(m)}}
		if err := ed.InsertAfter(in.Offset, code...); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func isSuperClone(in bytecode.Instruction, p *classfile.ConstantPool) bool {
	if in.Op != bytecode.Invokespecial {
		return false
	}
	_, name, desc := p.MemberRef(uint16(in.Index))
	return name == "clone" && desc == "()Ljava/lang/Object;"
}

// superClones says whether the code calls super.clone().
func superClones(insns []bytecode.Instruction, p *classfile.ConstantPool) bool {
	return slices.ContainsFunc(insns, func(in bytecode.Instruction) bool { return isSuperClone(in, p) })
}

func dropNops(code []*bytecode.Insn) []*bytecode.Insn {
	out := code[:0]
	for _, in := range code {
		if in.Op != bytecode.Nop {
			out = append(out, in)
		}
	}
	return out
}

// sendable reports whether a value of type t may be passed to a method:
// not an uninitialized object, not a return address.
func sendable(t bytecode.VType) bool {
	switch t.Kind {
	case bytecode.KInt, bytecode.KLong, bytecode.KFloat, bytecode.KDouble, bytecode.KRef, bytecode.KNull:
		return true
	}
	return false
}

func storeLoad(t bytecode.VType) (store, load bytecode.Opcode) {
	switch t.Kind {
	case bytecode.KInt:
		return bytecode.Istore, bytecode.Iload
	case bytecode.KLong:
		return bytecode.Lstore, bytecode.Lload
	case bytecode.KFloat:
		return bytecode.Fstore, bytecode.Fload
	case bytecode.KDouble:
		return bytecode.Dstore, bytecode.Dload
	}
	return bytecode.Astore, bytecode.Aload
}

// liveHierarchy answers frame computation's questions from the classes the
// observed VM has offered so far, then from static sources. Unlike
// classpath.Hierarchy it does not remember a miss: a class missing now may
// be loaded in a moment.
type liveHierarchy struct {
	mu     sync.Mutex
	seen   map[string][]byte
	heads  map[string]*classfile.ClassHeader
	static *classpath.Hierarchy
}

func newLiveHierarchy(static ...classpath.Finder) *liveHierarchy {
	return &liveHierarchy{seen: map[string][]byte{}, heads: map[string]*classfile.ClassHeader{},
		static: classpath.NewHierarchy(static...)}
}

func (h *liveHierarchy) see(name string, data []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.seen[name]; !ok {
		h.seen[name] = data
	}
}

func (h *liveHierarchy) header(name string) (*classfile.ClassHeader, error) {
	h.mu.Lock()
	if hd := h.heads[name]; hd != nil {
		h.mu.Unlock()
		return hd, nil
	}
	data := h.seen[name]
	h.mu.Unlock()
	if data != nil {
		hd, err := classfile.ParseHeader(data)
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		h.heads[name] = hd
		h.mu.Unlock()
		return hd, nil
	}
	hd, err := h.static.Header(name)
	if err != nil {
		var miss *classpath.MissingClassError
		if errors.As(err, &miss) || errors.Is(err, fs.ErrNotExist) {
			return nil, &classpath.MissingClassError{Name: name, Err: fs.ErrNotExist}
		}
		return nil, err
	}
	return hd, nil
}

// SuperClass implements bytecode.Hierarchy.
func (h *liveHierarchy) SuperClass(name string) (string, error) {
	hd, err := h.header(name)
	if err != nil {
		return "", err
	}
	return hd.Super, nil
}

// IsInterface implements bytecode.Hierarchy.
func (h *liveHierarchy) IsInterface(name string) (bool, error) {
	hd, err := h.header(name)
	if err != nil {
		return false, err
	}
	return hd.Access.Has(classfile.AccInterface), nil
}

// Package shadow is ShadowVM (Marek et al., GPCE'13) on dvmlab's class-file
// core: dynamic analysis out of the observed process. An analysis declares
// hooks (where, what to send); the instrumentation server weaves them into
// every class the observed JVM loads, from the primordial phase on, as calls
// to the natives of a stub class that the C agent (agent/) defines; the agent
// ships the marshalled events to the analysis server, which rebuilds them on
// the Shadow API (ShadowObject, ShadowClass, ShadowThread, ShadowString)
// and dispatches them under the ordering model the user picks, with the
// lifecycle notifications (object free, thread end, VM death) after every
// event that names the entity.
package shadow

import (
	"fmt"
	"strings"

	"dvmlab/core/bytecode"
)

// MarkerKind says where in code a hook goes.
type MarkerKind int

const (
	// MethodEntry is once per call, before the first instruction.
	MethodEntry MarkerKind = iota
	// MethodExit is before every return instruction (normal exits).
	MethodExit
	// Before is before every instruction whose opcode is in Ops.
	Before
	// After is after every instruction whose opcode is in Ops, reached by
	// falling through it. After new means after the object is initialized,
	// i.e. after the constructor call that consumes that new.
	After
	// BasicBlock is at the start of every basic block.
	BasicBlock
	// Initialized is, in a constructor, the point where this becomes an
	// initialized object: right after the call to super() or this() that
	// consumes uninitializedThis (JVMS §4.10.1.9, invokespecial), or at
	// entry in java.lang.Object's constructor, whose this is initialized
	// from the start. A Receiver argument sends this there. Other methods
	// have no such point.
	Initialized
)

var markerNames = map[MarkerKind]string{MethodEntry: "entry", MethodExit: "exit", Before: "before", After: "after", BasicBlock: "block",
	Initialized: "initialized"}

func (k MarkerKind) String() string { return markerNames[k] }

// Marker is a hook's place in code.
type Marker struct {
	Kind MarkerKind
	Ops  []bytecode.Opcode // for Before and After
}

// ArgKind is what a hook sends.
type ArgKind int

const (
	// StackValue is the operand stack value at Depth (0 the top): before
	// the instruction for Before, after it for After; at exits, the value
	// returned or the exception thrown. Where the stack is not that deep
	// (a void return) the hook sends null.
	StackValue ArgKind = iota
	// Receiver is this, or null in static methods. In constructors it is
	// this only where this is known to be initialized: at the Initialized
	// marker and at normal exits (a constructor cannot return with this
	// uninitialized, JVMS §4.10.1.9 return), unless the constructor stores
	// into local 0; null elsewhere.
	Receiver
	// ClassID, MethodID and SiteID are static ids of the instrumented class,
	// method, and instruction (the analysis resolves them to names).
	ClassID
	MethodID
	SiteID
	// FieldID is the field a getfield, putfield, getstatic or putstatic
	// names.
	FieldID
	// FieldNameID, at a field instruction, is an id of the field's name
	// and descriptor: the same wherever a reference names them, whatever
	// class it names (a field inherited is reached through any subclass,
	// JVMS §5.4.3.2). Ids come from one space with ClassNameID's.
	FieldNameID
	// ClassNameID is an id of a class name, the same wherever the name
	// occurs: at a field instruction, of the class the reference names;
	// elsewhere, of the instrumented class.
	ClassNameID
)

// Arg is one argument of a hook.
type Arg struct {
	Kind  ArgKind
	Depth int // for StackValue
	// InProcessOnly arguments go only to the in-process class's method
	// (see InProcessMethod); the analysis server, which has the
	// registry, does without them.
	InProcessOnly bool
}

// GroupBy says which ordering group an event of a hook belongs to under the
// per-group ordering model.
type GroupBy int

const (
	// GroupFixed puts every event of the hook in group Hook.Group.
	GroupFixed GroupBy = iota
	// GroupSite gives every instrumentation site a group of its own.
	GroupSite
)

// Hook is one piece of instrumentation and the analysis method its events
// reach.
type Hook struct {
	Name   string
	Marker Marker
	// Scope lists class and method patterns, comma-separated: CLASS,
	// CLASS.METHOD or CLASS.METHOD(DESC), with * for any run of characters
	// and class names in internal form (java/util/*). A leading - excludes.
	// Empty means every method of every class: there are no default
	// exclusions.
	Scope   string
	Args    []Arg
	GroupBy GroupBy
	Group   int
	// InProcess is the argument (SiteID, MethodID or ClassID) an in-process
	// counting equivalent of the analysis counts by; see Config.InProcess.
	InProcess ArgKind
	// InProcessMethod, for an analysis with an in-process class (see
	// InProcessAnalysis), is the static method of that class the hook
	// calls in process, with the hook's arguments.
	InProcessMethod string
	// Handle receives the hook's events on the analysis server.
	Handle func(e *Event)

	id    int
	scope *scope
}

// Validate checks h before anything starts, so that a bad specification
// is refused with a clear error and no JVM is run.
func (h *Hook) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("hook %q: %s", h.Name, fmt.Sprintf(format, args...))
	}
	if h.Name == "" {
		return fmt.Errorf("hook without a name")
	}
	if h.Handle == nil {
		return fail("no Handle")
	}
	if _, ok := markerNames[h.Marker.Kind]; !ok {
		return fail("unknown marker %d", h.Marker.Kind)
	}
	switch h.Marker.Kind {
	case Before, After:
		if len(h.Marker.Ops) == 0 {
			return fail("marker %s names no instruction", h.Marker.Kind)
		}
	default:
		if len(h.Marker.Ops) > 0 {
			return fail("marker %s takes no instructions", h.Marker.Kind)
		}
	}
	for _, op := range h.Marker.Ops {
		if op.String() == "" || strings.HasPrefix(op.String(), "<") {
			return fail("unknown opcode %d", op)
		}
		if h.Marker.Kind == After {
			in := bytecode.Instruction{Op: op}
			if op.IsBranchOp() || op.IsReturn() || op == bytecode.Athrow || op == bytecode.Tableswitch ||
				op == bytecode.Lookupswitch || op == bytecode.Ret || op == bytecode.Jsr || op == bytecode.JsrW || in.EndsBlock() {
				return fail("nothing falls through %s: it cannot have an after marker", op)
			}
		}
	}
	for i, a := range h.Args {
		switch a.Kind {
		case StackValue:
			if h.Marker.Kind == MethodEntry || h.Marker.Kind == Initialized {
				return fail("argument %d: no stack values at marker %s", i, h.Marker.Kind)
			}
			if a.Depth < 0 || a.Depth > 255 {
				return fail("argument %d: stack depth %d", i, a.Depth)
			}
		case FieldID, FieldNameID:
			for _, op := range h.Marker.Ops {
				if !isFieldOp(op) {
					return fail("argument %d: field ids exist only at field instructions, not %s", i, op)
				}
			}
			if len(h.Marker.Ops) == 0 {
				return fail("argument %d: field ids exist only at field instructions", i)
			}
		case Receiver, ClassID, MethodID, SiteID, ClassNameID:
		default:
			return fail("argument %d: unknown kind %d", i, a.Kind)
		}
	}
	if h.GroupBy != GroupFixed && h.GroupBy != GroupSite {
		return fail("unknown grouping %d", h.GroupBy)
	}
	if h.Group < 0 {
		return fail("group %d is negative", h.Group)
	}
	sc, err := parseScope(h.Scope)
	if err != nil {
		return fail("%v", err)
	}
	h.scope = sc
	return nil
}

func isFieldOp(op bytecode.Opcode) bool {
	return op == bytecode.Getfield || op == bytecode.Putfield || op == bytecode.Getstatic || op == bytecode.Putstatic
}

// ParseOps reads a comma-separated list of mnemonics ("new,putfield"), and
// "invoke" for the four invoke instructions (invokedynamic aside).
func ParseOps(s string) ([]bytecode.Opcode, error) {
	var out []bytecode.Opcode
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "invoke" {
			out = append(out, bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic, bytecode.Invokeinterface)
			continue
		}
		found := false
		for op := 0; op < 256; op++ {
			if bytecode.Opcode(op).String() == name {
				out = append(out, bytecode.Opcode(op))
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("no instruction %q", name)
		}
	}
	return out, nil
}

// scope is a parsed Hook.Scope.
type scope struct {
	include, exclude []pattern
}

type pattern struct {
	class, method string // method is name plus optional descriptor; "" any
}

func parseScope(s string) (*scope, error) {
	sc := &scope{}
	if strings.TrimSpace(s) == "" {
		return sc, nil
	}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		neg := strings.HasPrefix(p, "-")
		p = strings.TrimPrefix(p, "-")
		if p == "" {
			return nil, fmt.Errorf("scope %q: empty pattern", s)
		}
		if strings.ContainsAny(p, "[]?{} ") {
			return nil, fmt.Errorf("scope pattern %q: only * is special", p)
		}
		cls, meth := p, ""
		if i := strings.IndexByte(p, '.'); i >= 0 {
			cls, meth = p[:i], p[i+1:]
			if strings.IndexByte(meth, '.') >= 0 && !strings.Contains(meth, "(") {
				return nil, fmt.Errorf("scope pattern %q: write class names in internal form, with / (java/util/List)", p)
			}
			if meth == "" {
				return nil, fmt.Errorf("scope pattern %q: empty method pattern", p)
			}
			if o, c := strings.Count(meth, "("), strings.Count(meth, ")"); o != c || o > 1 {
				return nil, fmt.Errorf("scope pattern %q: unbalanced descriptor parentheses", p)
			}
		}
		if cls == "" {
			return nil, fmt.Errorf("scope pattern %q: empty class pattern", p)
		}
		pt := pattern{class: cls, method: meth}
		if neg {
			sc.exclude = append(sc.exclude, pt)
		} else {
			sc.include = append(sc.include, pt)
		}
	}
	return sc, nil
}

// matches reports whether the method (name+desc) of class is in scope.
func (sc *scope) matches(class, name, desc string) bool {
	in := len(sc.include) == 0
	for _, p := range sc.include {
		if p.match(class, name, desc) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, p := range sc.exclude {
		if p.match(class, name, desc) {
			return false
		}
	}
	return true
}

// classMayMatch reports whether any method of class can be in scope, to
// skip classes without parsing them.
func (sc *scope) classMayMatch(class string) bool {
	if len(sc.include) == 0 {
		return true
	}
	for _, p := range sc.include {
		if glob(p.class, class) {
			return true
		}
	}
	return false
}

func (p pattern) match(class, name, desc string) bool {
	if !glob(p.class, class) {
		return false
	}
	if p.method == "" {
		return true
	}
	if strings.Contains(p.method, "(") {
		return glob(p.method, name+desc)
	}
	return glob(p.method, name)
}

// glob matches s against a pattern where * is any run of characters.
func glob(pat, s string) bool {
	for {
		i := strings.IndexByte(pat, '*')
		if i < 0 {
			return pat == s
		}
		if !strings.HasPrefix(s, pat[:i]) {
			return false
		}
		s = s[i:]
		pat = pat[i+1:]
		if pat == "" {
			return true
		}
		for k := 0; k <= len(s); k++ {
			if glob(pat, s[k:]) {
				return true
			}
		}
		return false
	}
}

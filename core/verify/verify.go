// Package verify is the DVM's static verifier (paper §3.1): the checks of
// JVMS §4.8 (format), §4.9 (static constraints) and §4.10 (the bytecode
// verifier: type checking against the StackMapTable from version 50, type
// inference below it), done once at the proxy. What a class assumes about
// other classes (that a field or method exists, that one class is assignable
// to another) is not checked here but collected as assumptions, for the
// client to check in its own namespace when the class links (Figure 3).
package verify

import (
	"fmt"
	"sort"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
)

// Error is a rejection: where and why.
type Error struct {
	Class  string
	Method string // name and descriptor; "" for the class itself
	Offset int    // -1 when not in code
	Reason string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Class)
	if e.Method != "" {
		b.WriteString("." + e.Method)
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " @%d", e.Offset)
	}
	b.WriteString(": " + e.Reason)
	return b.String()
}

// AssumptionKind says what a class takes for granted about another.
type AssumptionKind string

const (
	// Assignable: Class is assignable to Name (a subclass, or implements it).
	Assignable AssumptionKind = "assignable"
	// Field: Class has a field Name of type Desc (static or not, per Static).
	Field AssumptionKind = "field"
	// Method: Class (a class) has a method Name Desc.
	Method AssumptionKind = "method"
	// InterfaceMethod: Class (an interface) has a method Name Desc.
	InterfaceMethod AssumptionKind = "imethod"
	// Extendable: Class, the superclass, is neither final nor an interface.
	Extendable AssumptionKind = "extendable"
	// Interface: Class, named as a superinterface, is an interface.
	Interface AssumptionKind = "interface"
)

// Assumption is one check deferred to the client. Scope is "" for the
// class (checked when it initializes) or the method (name and descriptor)
// that relies on it.
type Assumption struct {
	Scope  string
	Kind   AssumptionKind
	Class  string
	Name   string
	Desc   string
	Static bool
}

func (a Assumption) String() string {
	s := string(a.Kind) + " " + a.Class
	if a.Name != "" {
		s += " " + a.Name
	}
	if a.Desc != "" {
		s += " " + a.Desc
	}
	if a.Static {
		s += " static"
	}
	return s
}

// Result is the verdict on one class.
type Result struct {
	Class string
	Err   *Error // nil: accepted
	// Assumptions the client must check, in order, without duplicates.
	Assumptions []Assumption
	// Static counts the checks done here; Deferred the assumptions.
	Static, Deferred int
	Methods          int
}

// Bytes verifies a class file; nil means accepted.
func Bytes(data []byte, h bytecode.Hierarchy) error {
	r := Verify(data, h)
	if r.Err != nil {
		return r.Err
	}
	return nil
}

// Verify verifies a class file and says what it assumes.
func Verify(data []byte, h bytecode.Hierarchy) *Result {
	c, err := classfile.Parse(data)
	if err != nil {
		name := "(unknown class)"
		if hd, err := classfile.ParseHeader(data); err == nil {
			name = hd.Name
		}
		return &Result{Class: name, Err: &Error{Class: name, Offset: -1, Reason: "format: " + err.Error()}}
	}
	return Class(c, h)
}

// Class verifies a parsed class.
func Class(c *classfile.Class, h bytecode.Hierarchy) (res *Result) {
	res = &Result{Class: c.Name()}
	v := &verifier{c: c, res: res, seen: map[Assumption]bool{}}
	v.h = withSelf{h, c}
	v.lat = bytecode.NewLattice(v.h)
	defer func() {
		// A verifier bug must not take the proxy down: it rejects the class.
		if r := recover(); r != nil {
			res.Err = &Error{Class: res.Class, Method: v.method, Offset: -1, Reason: fmt.Sprintf("internal verifier error: %v", r)}
		}
	}()
	if err := v.class(); err != nil {
		res.Err = err
		return res
	}
	for _, m := range c.Methods {
		res.Methods++
		if err := v.stackMapFormat(m); err != nil {
			res.Err = err
			return res
		}
		if err := v.methodCheck(m); err != nil {
			res.Err = err
			return res
		}
	}
	res.Deferred = len(res.Assumptions)
	return res
}

type verifier struct {
	c      *classfile.Class
	res    *Result
	h      withSelf
	lat    *bytecode.Lattice
	seen   map[Assumption]bool
	method string // the method under verification, for errors and scope
}

// withSelf answers for the class under verification from the class
// itself, whether or not the hierarchy has it (a class new to the proxy).
type withSelf struct {
	h bytecode.Hierarchy
	c *classfile.Class
}

func (w withSelf) SuperClass(name string) (string, error) {
	if name == w.c.Name() {
		return w.c.SuperName(), nil
	}
	return w.h.SuperClass(name)
}

func (w withSelf) IsInterface(name string) (bool, error) {
	if name == w.c.Name() {
		return w.c.Access.Has(classfile.AccInterface), nil
	}
	return w.h.IsInterface(name)
}

func (w withSelf) Header(name string) (*classfile.ClassHeader, error) {
	if name == w.c.Name() {
		return &classfile.ClassHeader{Name: name, Super: w.c.SuperName(), Access: w.c.Access, Major: w.c.Major}, nil
	}
	if hh, ok := w.h.(headers); ok {
		return hh.Header(name)
	}
	return nil, fmt.Errorf("no header for %s", name)
}

// headers is what a hierarchy may also offer: a class's header, with its
// access flags (classpath.Hierarchy does).
type headers interface {
	Header(name string) (*classfile.ClassHeader, error)
}

// access is name's access flags, when the hierarchy can tell.
func (v *verifier) access(name string) (classfile.AccessFlags, bool) {
	hd, err := v.h.Header(name)
	if err != nil {
		return 0, false
	}
	return hd.Access, true
}

func (v *verifier) assume(a Assumption) {
	if a.Kind == Assignable && a.Scope == "" {
		a.Scope = v.method
	}
	if !v.seen[a] {
		v.seen[a] = true
		v.res.Assumptions = append(v.res.Assumptions, a)
	}
}

func (v *verifier) fail(off int, format string, args ...any) *Error {
	return &Error{Class: v.c.Name(), Method: v.method, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// stackMapFormat rejects a method whose StackMapTable does not decode, in a
// class of version 51 or later: HotSpot's type checker reads the table and
// throws VerifyError. At version 50 the same failure makes HotSpot fall back
// to type inference, which ignores the table (the method is checked as if it
// had none), and below 50 the table is never read. An empty attribute is no
// table at all to HotSpot. See JVMS §4.10.1, §4.7.4.
func (v *verifier) stackMapFormat(m *classfile.Member) *Error {
	code := m.Code()
	if code == nil || v.c.Major < 51 {
		return nil
	}
	for _, a := range code.Attributes {
		if raw, ok := a.(*classfile.RawAttribute); ok && raw.AttrName == classfile.AttrStackMapTable && len(raw.Info) > 0 && raw.Malformed() != nil {
			c := v.c
			return &Error{Class: c.Name(), Method: c.MemberName(m) + c.MemberDesc(m), Offset: -1,
				Reason: "StackMapTable format error: " + raw.Malformed().Error()}
		}
	}
	return nil
}

// class checks the class itself: the JVMS §4.8 format checks HotSpot makes
// while parsing (classfile.Check), and what the class assumes of its
// superclass and interfaces.
func (v *verifier) class() *Error {
	c := v.c
	pool := &c.Pool
	if err := classfile.Check(c); err != nil {
		kind := "ClassFormatError"
		if err.Unsupported {
			kind = "UnsupportedClassVersionError"
		}
		return v.fail(-1, "format (%s): %v", kind, err)
	}
	if _, err := pool.Lookup(c.This, classfile.TagClass); err != nil {
		return v.fail(-1, "this_class: %v", err)
	}
	if !validClassName(c.Name()) {
		return v.fail(-1, "this_class names %q, not a class", c.Name())
	}
	acc := c.Access
	iface := acc.Has(classfile.AccInterface)
	// Flag combinations passed classfile.Check.
	v.res.Static += 2
	if c.Super == 0 {
		if c.Name() != "java/lang/Object" && !acc.Has(classfile.AccModule) {
			return v.fail(-1, "no superclass: only java/lang/Object has none")
		}
	} else {
		if _, err := pool.Lookup(c.Super, classfile.TagClass); err != nil {
			return v.fail(-1, "super_class: %v", err)
		}
		sup := c.SuperName()
		if strings.HasPrefix(sup, "[") || !validClassName(sup) {
			return v.fail(-1, "superclass %q is not a class", sup)
		}
		if iface && sup != "java/lang/Object" {
			return v.fail(-1, "an interface's superclass must be java/lang/Object, not %s", sup)
		}
		// Decided here when the hierarchy has the superclass; the client's
		// to check when it does not.
		if acc, ok := v.access(sup); ok {
			v.res.Static++
			switch {
			case acc.Has(classfile.AccInterface):
				return v.fail(-1, "superclass %s is an interface", sup)
			case acc.Has(classfile.AccFinal):
				return v.fail(-1, "cannot inherit from final class %s", sup)
			}
		} else {
			v.assume(Assumption{Kind: Extendable, Class: sup})
		}
	}
	for _, i := range c.Interfaces {
		if _, err := pool.Lookup(i, classfile.TagClass); err != nil {
			return v.fail(-1, "interfaces: %v", err)
		}
		n := pool.ClassName(i)
		if acc, ok := v.access(n); ok {
			v.res.Static++
			if !acc.Has(classfile.AccInterface) {
				return v.fail(-1, "%s is not an interface and cannot be implemented", n)
			}
		} else {
			v.assume(Assumption{Kind: Interface, Class: n})
		}
	}
	type key struct{ name, desc string }
	seen := map[key]bool{}
	for _, f := range c.Fields {
		name, desc := c.MemberName(f), c.MemberDesc(f)
		if !validUnqualified(name) {
			return v.fail(-1, "field name %q is not valid", name)
		}
		if _, err := fieldType(desc); err != nil {
			return v.fail(-1, "field %s: %v", name, err)
		}
		if seen[key{name, desc}] {
			return v.fail(-1, "duplicate field %s %s", name, desc)
		}
		seen[key{name, desc}] = true
		v.res.Static += 3
	}
	seen = map[key]bool{}
	for _, m := range c.Methods {
		name, desc := c.MemberName(m), c.MemberDesc(m)
		if name != "<init>" && name != "<clinit>" && !validUnqualified(name) {
			return v.fail(-1, "method name %q is not valid", name)
		}
		_, ret, err := methodType(desc)
		if err != nil {
			return v.fail(-1, "method %s: %v", name, err)
		}
		if (name == "<init>" || name == "<clinit>") && ret != top {
			return v.fail(-1, "%s must return void", name)
		}
		if seen[key{name, desc}] {
			return v.fail(-1, "duplicate method %s%s", name, desc)
		}
		seen[key{name, desc}] = true
		v.res.Static += 3
	}
	return nil
}

// validUnqualified: a field name, JVMS §4.2.2 (not empty, no . ; [ /).
func validUnqualified(n string) bool { return classfile.ValidUnqualifiedName(n, false) }

// validClassName: a binary name in internal form, or an array descriptor.
func validClassName(n string) bool { return classfile.ValidClassName(n, 49) }

// SortedAssumptions groups assumptions by scope for printing.
func SortedAssumptions(as []Assumption) []Assumption {
	out := append([]Assumption(nil), as...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Scope < out[j].Scope })
	return out
}

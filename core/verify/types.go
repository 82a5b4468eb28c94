package verify

import (
	"strings"

	"dvmlab/core/bytecode"
)

// The verifier's types and lattice are bytecode's (JVMS §4.10.1.2); these
// names keep the format checks short.
type vtype = bytecode.VType

var top = bytecode.Top

// fieldType is the verification type of a field descriptor. See JVMS §4.3.2.
func fieldType(d string) (vtype, error) { return bytecode.FieldType(d) }

// methodType splits a method descriptor into parameter and return types
// (top for void). See JVMS §4.3.3.
func methodType(d string) ([]vtype, vtype, error) { return bytecode.MethodType(d) }

// domain is the verifier's value domain for bytecode's abstract
// interpreter: strict, every operand judged. What the hierarchy cannot
// answer (a class not at hand) is assumed and becomes an assumption for
// the client, which holds every class, to check when the class links.
type domain struct {
	v   *verifier
	lat *bytecode.Lattice
}

func (d *domain) Strict() bool               { return true }
func (d *domain) Lattice() *bytecode.Lattice { return d.lat }

// Assignable: JVMS §4.10.1.2, isAssignable; interfaces are Object, as
// HotSpot treats them; arrays by their components.
func (d *domain) Assignable(from, to bytecode.Type) bool {
	d.v.res.Static++
	ok, err := d.lat.Assignable(from, to)
	if err != nil {
		d.defer1(d.lat.Name(from), d.lat.Name(to))
		return true
	}
	return ok
}

// defer1 records that from must be assignable to to, which only the client,
// holding both classes, can tell; arrays are the assumption about their
// components.
func (d *domain) defer1(from, to string) {
	for strings.HasPrefix(from, "[L") && strings.HasPrefix(to, "[L") || strings.HasPrefix(from, "[[") && strings.HasPrefix(to, "[[") {
		from, to = from[1:], to[1:]
	}
	if strings.HasPrefix(from, "L") && strings.HasPrefix(to, "L") {
		from, to = from[1:len(from)-1], to[1:len(to)-1]
	}
	d.v.assume(Assumption{Kind: Assignable, Class: from, Name: to})
}

// Join is the least upper bound of two types; where the hierarchy lacks a
// class it is the first superclass of b that a is assignable to, assuming
// what it cannot tell (JVMS §4.10.2.2).
func (d *domain) Join(a, b bytecode.Type, _ bytecode.Slot) (bytecode.Type, bool, error) {
	t, ok, err := d.lat.Merge(a, b)
	if err == nil {
		return t, ok, nil
	}
	return d.lat.Ref(d.commonSuper(d.lat.Name(a), d.lat.Name(b))), true, nil
}

// commonSuper walks b's superclasses, as far as they are known, for the
// first class a is assignable to.
func (d *domain) commonSuper(a, b string) string {
	if a[0] == '[' || b[0] == '[' {
		if a[0] == '[' && b[0] == '[' {
			ca, _ := fieldType(a[1:])
			cb, _ := fieldType(b[1:])
			if ca.Kind == bytecode.KRef && cb.Kind == bytecode.KRef {
				c := d.commonSuper(ca.Name, cb.Name)
				if c[0] == '[' {
					return "[" + c
				}
				return "[L" + c + ";"
			}
		}
		return "java/lang/Object"
	}
	chain, _ := d.lat.KnownChain(b)
	for _, n := range chain {
		if i, err := d.lat.IsInterface(n); err == nil && !i && d.Assignable(d.lat.Ref(a), d.lat.Ref(n)) {
			return n
		}
	}
	return "java/lang/Object"
}

// Refers records a field or method of another class as an assumption of
// the method under verification.
func (d *domain) Refers(r bytecode.Reference) {
	a := Assumption{Scope: d.v.method, Class: r.Class, Name: r.Name, Desc: r.Desc, Static: r.Static}
	switch {
	case r.Field:
		a.Kind = Field
	case r.Interface:
		a.Kind = InterfaceMethod
	default:
		a.Kind = Method
	}
	d.v.assume(a)
}

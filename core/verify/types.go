package verify

import (
	"fmt"
	"strings"
)

// kind is a verification type's kind. See JVMS §4.10.1.2.
type kind uint8

const (
	kTop kind = iota
	kInt
	kFloat
	kLong
	kDouble
	kLong2   // the second slot of a long
	kDouble2 // the second slot of a double
	kNull
	kUninitThis
	kUninit // off: the new instruction
	kRef    // name: internal name or array descriptor
	kRetAddr
)

// vtype is one slot's verification type.
type vtype struct {
	k    kind
	off  int32
	name string
}

var (
	top        = vtype{k: kTop}
	tInt       = vtype{k: kInt}
	tFloat     = vtype{k: kFloat}
	tLong      = vtype{k: kLong}
	tDouble    = vtype{k: kDouble}
	tNull      = vtype{k: kNull}
	tObject    = ref("java/lang/Object")
	tString    = ref("java/lang/String")
	tThrowable = ref("java/lang/Throwable")
)

func ref(name string) vtype { return vtype{k: kRef, name: name} }

func (t vtype) size() int {
	if t.k == kLong || t.k == kDouble {
		return 2
	}
	return 1
}

func (t vtype) second() vtype {
	if t.k == kDouble {
		return vtype{k: kDouble2}
	}
	return vtype{k: kLong2}
}

func (t vtype) isRef() bool {
	return t.k == kRef || t.k == kNull || t.k == kUninit || t.k == kUninitThis
}

func (t vtype) String() string {
	switch t.k {
	case kTop:
		return "top"
	case kInt:
		return "int"
	case kFloat:
		return "float"
	case kLong:
		return "long"
	case kDouble:
		return "double"
	case kLong2, kDouble2:
		return "top (half)"
	case kNull:
		return "null"
	case kUninitThis:
		return "uninitializedThis"
	case kUninit:
		return fmt.Sprintf("uninitialized(%d)", t.off)
	case kRetAddr:
		return fmt.Sprintf("returnAddress(%d)", t.off)
	}
	return "'" + t.name + "'"
}

// fieldType is the verification type of a field descriptor: byte, char,
// short and boolean are int on the stack. See JVMS §4.3.2.
func fieldType(d string) (vtype, error) {
	if d == "" {
		return top, fmt.Errorf("empty descriptor")
	}
	switch d[0] {
	case 'B', 'C', 'S', 'Z', 'I':
		if len(d) == 1 {
			return tInt, nil
		}
	case 'F':
		if len(d) == 1 {
			return tFloat, nil
		}
	case 'J':
		if len(d) == 1 {
			return tLong, nil
		}
	case 'D':
		if len(d) == 1 {
			return tDouble, nil
		}
	case 'L':
		if len(d) > 2 && d[len(d)-1] == ';' && !strings.ContainsAny(d[1:len(d)-1], ";[.") {
			return ref(d[1 : len(d)-1]), nil
		}
	case '[':
		n := 0
		for n < len(d) && d[n] == '[' {
			n++
		}
		if n > 255 {
			return top, fmt.Errorf("descriptor %q has more than 255 dimensions", d)
		}
		if _, err := fieldType(d[n:]); err == nil {
			return ref(d), nil
		}
	}
	return top, fmt.Errorf("bad field descriptor %q", d)
}

// methodType splits a method descriptor into its parameter types and its
// return type (top for void). See JVMS §4.3.3.
func methodType(d string) (params []vtype, ret vtype, err error) {
	if len(d) < 3 || d[0] != '(' {
		return nil, top, fmt.Errorf("bad method descriptor %q", d)
	}
	i := 1
	for i < len(d) && d[i] != ')' {
		j := i
		for j < len(d) && d[j] == '[' {
			j++
		}
		if j >= len(d) {
			return nil, top, fmt.Errorf("bad method descriptor %q", d)
		}
		if d[j] == 'L' {
			k := strings.IndexByte(d[j:], ';')
			if k < 0 {
				return nil, top, fmt.Errorf("bad method descriptor %q", d)
			}
			j += k
		}
		t, err := fieldType(d[i : j+1])
		if err != nil {
			return nil, top, fmt.Errorf("bad method descriptor %q: %v", d, err)
		}
		params = append(params, t)
		i = j + 1
	}
	if i >= len(d)-1 {
		return nil, top, fmt.Errorf("bad method descriptor %q", d)
	}
	if r := d[i+1:]; r != "V" {
		if ret, err = fieldType(r); err != nil {
			return nil, top, fmt.Errorf("bad method descriptor %q: %v", d, err)
		}
	}
	return params, ret, nil
}

// classType is the type of a Class constant: an internal name, or an array
// descriptor as it stands.
func classType(name string) vtype { return ref(name) }

// component is the element type of an array type.
func component(t vtype) (vtype, bool) {
	if t.k != kRef || !strings.HasPrefix(t.name, "[") {
		return top, false
	}
	c, err := fieldType(t.name[1:])
	return c, err == nil
}

// hierarchy answers assignability questions; what it cannot answer is an
// assumption about another class, left to the client.
type hierarchy struct {
	h interface {
		SuperClass(string) (string, error)
		IsInterface(string) (bool, error)
	}
	assume func(a Assumption)
	checks *int
}

// assignable reports whether from may be used where to is expected (JVMS
// §4.10.1.2, isAssignable). Reference questions go to the hierarchy.
func (h *hierarchy) assignable(from, to vtype) bool {
	*h.checks++
	if from == to || to.k == kTop {
		return true
	}
	switch to.k {
	case kRef:
		switch from.k {
		case kNull:
			return true
		case kRef:
			return h.refAssignable(from.name, to.name)
		}
	}
	return false
}

// refAssignable: interfaces are treated as Object, as HotSpot does; arrays
// by their components.
func (h *hierarchy) refAssignable(from, to string) bool {
	if from == to || to == "java/lang/Object" {
		return true
	}
	fromArr, toArr := strings.HasPrefix(from, "["), strings.HasPrefix(to, "[")
	if toArr {
		if !fromArr {
			return false
		}
		fc, err1 := fieldType(from[1:])
		tc, err2 := fieldType(to[1:])
		if err1 != nil || err2 != nil {
			return false
		}
		if fc.k == kRef && tc.k == kRef {
			return h.refAssignable(fc.name, tc.name)
		}
		return fc == tc && from[1:] == to[1:]
	}
	if fromArr {
		return to == "java/lang/Cloneable" || to == "java/io/Serializable"
	}
	iface, err := h.h.IsInterface(to)
	if err != nil {
		h.defer1(from, to)
		return true
	}
	if iface {
		return true
	}
	for n, seen := from, 0; n != "" && seen < 256; seen++ {
		if n == to {
			return true
		}
		s, err := h.h.SuperClass(n)
		if err != nil {
			h.defer1(from, to)
			return true
		}
		if n == "java/lang/Object" {
			break
		}
		if s == "" {
			s = "java/lang/Object"
		}
		n = s
	}
	return false
}

// defer1 records that from must be assignable to to, which only the client,
// holding both classes, can tell. Anything but a missing class is still an
// assumption: a broken hierarchy is the client's to reject at link time.
func (h *hierarchy) defer1(from, to string) {
	h.assume(Assumption{Kind: Assignable, Class: from, Name: to})
}

package bytecode

import (
	"fmt"
	"slices"
	"strings"

	"dvmlab/core/classfile"
)

// Hierarchy answers the class-hierarchy questions frame computation needs to
// merge two reference types, without loading anything into a JVM.
type Hierarchy interface {
	// SuperClass returns the internal name of the direct superclass of name,
	// or "" for java/lang/Object. Interfaces report java/lang/Object.
	SuperClass(name string) (string, error)
	// IsInterface reports whether name is an interface.
	IsInterface(name string) (bool, error)
}

// Kind is the kind of a verification type. See JVMS §4.10.1.2.
type Kind uint8

const (
	KTop Kind = iota
	KInt
	KFloat
	KLong
	KDouble
	KNull
	KUninitThis
	KUninit // Offset: the new instruction
	KRef    // Name: internal name or array descriptor
	// KLong2 and KDouble2 are the second slot of a long or double, in locals
	// and on the stack alike, so dup2 and friends copy slots uniformly.
	KLong2
	KDouble2
)

// VType is a verification type in one slot.
type VType struct {
	Kind Kind
	// Offset is the new instruction's offset for KUninit; int32 keeps the
	// type at 24 bytes, which frames copy and compare by the million.
	Offset int32
	Name   string
}

var (
	vTop        = VType{Kind: KTop}
	vInt        = VType{Kind: KInt}
	vFloat      = VType{Kind: KFloat}
	vLong       = VType{Kind: KLong}
	vDouble     = VType{Kind: KDouble}
	vNull       = VType{Kind: KNull}
	vUninitThis = VType{Kind: KUninitThis}
	vLong2      = VType{Kind: KLong2}
	vDouble2    = VType{Kind: KDouble2}
)

func ref(name string) VType { return VType{Kind: KRef, Name: name} }

// IsRef reports whether v is a reference: an object, array, null or
// uninitialized.
func (v VType) IsRef() bool {
	return v.Kind == KRef || v.Kind == KNull || v.Kind == KUninit || v.Kind == KUninitThis
}

// Size is the number of slots the type takes: 2 for long and double.
func (v VType) Size() int {
	if v.Kind == KLong || v.Kind == KDouble {
		return 2
	}
	return 1
}

func (v VType) String() string {
	switch v.Kind {
	case KTop:
		return "top"
	case KInt:
		return "int"
	case KFloat:
		return "float"
	case KLong:
		return "long"
	case KDouble:
		return "double"
	case KNull:
		return "null"
	case KUninitThis:
		return "uninitializedThis"
	case KUninit:
		return fmt.Sprintf("uninitialized(%d)", v.Offset)
	case KRef:
		return v.Name
	case KLong2, KDouble2:
		return "(2nd half)"
	}
	return "?"
}

// typeOfDesc gives the verification type of a field descriptor, widening
// boolean, byte, char and short to int as the verifier does. See JVMS §4.10.1.2.
func typeOfDesc(d string) VType {
	if d == "" {
		return vTop
	}
	switch d[0] {
	case 'Z', 'B', 'C', 'S', 'I':
		return vInt
	case 'F':
		return vFloat
	case 'J':
		return vLong
	case 'D':
		return vDouble
	case 'L':
		return ref(strings.TrimSuffix(d[1:], ";"))
	case '[':
		return ref(d)
	}
	return vTop
}

// classType turns the name in a Class constant (an internal name or an array
// descriptor) into a reference type.
func classType(name string) VType { return ref(name) }

// elementType gives the component type of an array type name like "[I" or
// "[Ljava/lang/String;".
func elementType(arr string) VType {
	if len(arr) < 2 || arr[0] != '[' {
		return vTop
	}
	return typeOfDesc(arr[1:])
}

// arrayOf gives the array type whose component is t.
func arrayOf(t VType) string {
	if strings.HasPrefix(t.Name, "[") {
		return "[" + t.Name
	}
	return "[L" + t.Name + ";"
}

// methodArgs splits a method descriptor into argument types and return type.
// See JVMS §4.3.3.
func methodArgs(desc string) (args []VType, ret VType, err error) {
	ret, err = walkDesc(desc, func(arg string) { args = append(args, typeOfDesc(arg)) })
	return args, ret, err
}

// ArgSlots is how many stack slots the arguments of a method descriptor
// take, and its return type; it allocates nothing.
func ArgSlots(desc string) (slots int, ret VType, err error) {
	ret, err = walkDesc(desc, func(arg string) {
		slots++
		if arg == "J" || arg == "D" {
			slots++
		}
	})
	return slots, ret, err
}

// walkDesc calls arg with each parameter descriptor of a method descriptor
// and returns the return type (top for void). See JVMS §4.3.3.
func walkDesc(desc string, arg func(string)) (VType, error) {
	if len(desc) < 3 || desc[0] != '(' {
		return vTop, fmt.Errorf("bad method descriptor %q", desc)
	}
	i := 1
	for i < len(desc) && desc[i] != ')' {
		j := i
		for j < len(desc) && desc[j] == '[' {
			j++
		}
		if j >= len(desc) {
			return vTop, fmt.Errorf("bad method descriptor %q", desc)
		}
		if desc[j] == 'L' {
			k := strings.IndexByte(desc[j:], ';')
			if k < 0 {
				return vTop, fmt.Errorf("bad method descriptor %q", desc)
			}
			j += k
		}
		arg(desc[i : j+1])
		i = j + 1
	}
	if i >= len(desc)-1 {
		return vTop, fmt.Errorf("bad method descriptor %q", desc)
	}
	r := desc[i+1:]
	if r == "V" {
		return vTop, nil
	}
	return typeOfDesc(r), nil
}

// merger computes least upper bounds of reference types, caching what it
// learns of the hierarchy.
type merger struct {
	h      Hierarchy
	supers map[string][]string // name -> chain to java/lang/Object
	iface  map[string]bool
	// lcs caches least common superclasses: loops merge the same pair of
	// classes at every pass over their head.
	lcs map[[2]string]string
}

func newMerger(h Hierarchy) *merger {
	return &merger{h: h, supers: map[string][]string{}, iface: map[string]bool{}, lcs: map[[2]string]string{}}
}

// unknownClass is a merge the hierarchy could not answer: it has no header
// for Name (or one of its superclasses).
type unknownClass struct {
	Name string
	Err  error
}

func (e *unknownClass) Error() string { return e.Err.Error() }

// MissingClassesError is frame computation refused because a merge of two
// reference types needed classes the hierarchy does not hold (neither in
// the input nor on the class path) and no original StackMapTable frame at
// that point named a type the known hierarchy agrees with. A guessed frame
// (java/lang/Object) would be rejected by HotSpot wherever the code after
// the merge uses the value as the more specific type.
type MissingClassesError struct {
	Class, Method string
	// Names are the missing classes' internal names, sorted.
	Names []string
}

func (e *MissingClassesError) Error() string {
	return fmt.Sprintf("%s.%s: frames need the class hierarchy of %s, not in the input: --classpath supplies them",
		e.Class, e.Method, strings.Join(e.Names, ", "))
}

func (m *merger) chain(name string) ([]string, error) {
	if c, ok := m.supers[name]; ok {
		return c, nil
	}
	c, err := m.knownChain(name)
	if err != nil {
		return nil, err
	}
	m.supers[name] = c
	return c, nil
}

// knownChain is name and its superclasses up to java/lang/Object; when the
// hierarchy fails on one of them, the chain up to that class and an error
// (an *unknownClass when a class is missing).
func (m *merger) knownChain(name string) ([]string, error) {
	var c []string
	seen := map[string]bool{}
	for n := name; n != ""; {
		if seen[n] {
			return c, fmt.Errorf("class %s: circular superclass chain", name)
		}
		seen[n] = true
		c = append(c, n)
		if n == "java/lang/Object" {
			break
		}
		s, err := m.h.SuperClass(n)
		if err != nil {
			return c, &unknownClass{Name: n, Err: err}
		}
		if s == "" {
			s = "java/lang/Object"
		}
		n = s
	}
	return c, nil
}

func (m *merger) isInterface(name string) (bool, error) {
	if v, ok := m.iface[name]; ok {
		return v, nil
	}
	v, err := m.h.IsInterface(name)
	if err != nil {
		return false, &unknownClass{Name: name, Err: err}
	}
	m.iface[name] = v
	return v, nil
}

// mergeRef returns the least common superclass of two object or array types.
// Interfaces merge to java/lang/Object, as the verifier treats them like
// Object for assignability (JVMS §4.10.1.2). When the hierarchy cannot answer
// for a class the error is an *unknownClass: the caller decides (see
// analyzer.settle), never a guess here.
func (m *merger) mergeRef(a, b string) (string, error) {
	if a == b {
		return a, nil
	}
	if a == "java/lang/Object" || b == "java/lang/Object" {
		return "java/lang/Object", nil
	}
	aArr, bArr := strings.HasPrefix(a, "["), strings.HasPrefix(b, "[")
	if aArr || bArr {
		if !aArr || !bArr {
			return "java/lang/Object", nil
		}
		ea, eb := elementType(a), elementType(b)
		if ea.Kind == KRef && eb.Kind == KRef {
			e, err := m.mergeRef(ea.Name, eb.Name)
			if err != nil {
				return "", err
			}
			return arrayOf(ref(e)), nil
		}
		return "java/lang/Object", nil
	}
	key := [2]string{a, b}
	if b < a {
		key = [2]string{b, a}
	}
	if n, ok := m.lcs[key]; ok {
		return n, nil
	}
	for _, n := range key {
		i, err := m.isInterface(n)
		if err != nil {
			return "", err
		}
		if i {
			m.lcs[key] = "java/lang/Object"
			return "java/lang/Object", nil
		}
	}
	ca, err := m.chain(a)
	if err != nil {
		return "", err
	}
	cb, err := m.chain(b)
	if err != nil {
		return "", err
	}
	// Chains are short (rarely ten deep), so a nested scan beats a set.
	lcs := "java/lang/Object"
search:
	for _, n := range cb {
		for _, o := range ca {
			if n == o {
				lcs = n
				break search
			}
		}
	}
	m.lcs[key] = lcs
	return lcs, nil
}

// mayBeSuper reports whether h can be a supertype of x as far as the known
// hierarchy tells: h is Object, an interface (the verifier treats those as
// Object), in x's superclass chain, or, where that chain breaks at a missing
// class, possibly above it: not a class known to sit below one of x's known
// superclasses. Arrays compare by their components. See JVMS §4.10.1.2.
func (m *merger) mayBeSuper(h, x string) bool {
	if h == x || h == "java/lang/Object" {
		return true
	}
	hArr, xArr := strings.HasPrefix(h, "["), strings.HasPrefix(x, "[")
	if xArr {
		if !hArr {
			return h == "java/lang/Cloneable" || h == "java/io/Serializable"
		}
		eh, ex := elementType(h), elementType(x)
		return eh.Kind == KRef && ex.Kind == KRef && m.mayBeSuper(eh.Name, ex.Name)
	}
	if hArr {
		return false
	}
	if i, err := m.isInterface(h); err == nil && i {
		return true
	}
	cx, err := m.knownChain(x)
	if slices.Contains(cx, h) {
		return true
	}
	if err == nil {
		return false // x's whole chain is known, and h is not in it
	}
	ch, _ := m.knownChain(h)
	for _, n := range ch {
		if slices.Contains(cx, n) {
			return false // h is below n, as x is: not above x
		}
	}
	return true
}

// merge returns the type a slot holds where two paths meet: equal types stay,
// null joins any reference, two references join at their common superclass,
// and anything else is top (unusable). See JVMS §4.10.1.2.
func (m *merger) merge(a, b VType) (VType, error) {
	if a == b {
		return a, nil
	}
	switch {
	case a.Kind == KNull && (b.Kind == KRef):
		return b, nil
	case b.Kind == KNull && (a.Kind == KRef):
		return a, nil
	case a.Kind == KRef && b.Kind == KRef:
		n, err := m.mergeRef(a.Name, b.Name)
		if err != nil {
			return vTop, err
		}
		return ref(n), nil
	}
	return vTop, nil
}

// toVerification turns slots into StackMapTable entries: a long or double is
// one entry, its second slot is dropped, and trailing tops of locals are cut.
// They are appended to out, which is returned.
func toVerification(out []classfile.VerificationType, pool *classIndex, slots []VType, locals bool) ([]classfile.VerificationType, error) {
	n := len(slots)
	if locals {
		for n > 0 && slots[n-1].Kind == KTop {
			n--
		}
	}
	for i := 0; i < n; i++ {
		v := slots[i]
		var vt classfile.VerificationType
		switch v.Kind {
		case KTop:
			vt.Tag = classfile.VTTop
		case KInt:
			vt.Tag = classfile.VTInteger
		case KFloat:
			vt.Tag = classfile.VTFloat
		case KLong, KDouble:
			vt.Tag = classfile.VTLong
			if v.Kind == KDouble {
				vt.Tag = classfile.VTDouble
			}
			i++ // skip the second half
		case KNull:
			vt.Tag = classfile.VTNull
		case KUninitThis:
			vt.Tag = classfile.VTUninitializedThis
		case KUninit:
			vt.Tag, vt.Data = classfile.VTUninitialized, uint16(v.Offset)
		case KRef:
			idx, err := pool.AddClass(v.Name)
			if err != nil {
				return nil, err
			}
			vt.Tag, vt.Data = classfile.VTObject, idx
		case KLong2, KDouble2:
			// A lone second half (its first half overwritten) is unusable.
			vt.Tag = classfile.VTTop
		}
		out = append(out, vt)
	}
	return out, nil
}

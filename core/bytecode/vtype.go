package bytecode

import (
	"fmt"
	"slices"
	"strings"

	"dvmlab/core/classfile"
)

// Hierarchy answers the class-hierarchy questions frame computation and
// verification need to merge and compare reference types, without loading
// anything into a JVM.
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
	// KRetAddr is the return address jsr pushes (JVMS §4.10.2.4); Offset is
	// the subroutine's entry. Only classes older than 50 have them.
	KRetAddr
)

// VType is a verification type in one slot, in readable form: what the
// package shows its callers (Stacks, States) and reads descriptors into.
// The analysis itself works on the compact Type.
type VType struct {
	Kind Kind
	// Offset is the new instruction's offset for KUninit, the subroutine's
	// for KRetAddr.
	Offset int32
	Name   string
}

// Type is a verification type (JVMS §4.10.1.2) in the compact form the
// analysis copies, compares and merges: its Kind in the low four bits and,
// above them, for KRef the number of its class or array name in the
// Lattice that interned it, for KUninit and KRetAddr the offset. Two
// Types of one lattice are the same type exactly when they are equal.
type Type uint32

const kindBits = 4

// Kind is the kind of t.
func (t Type) Kind() Kind { return Kind(t & (1<<kindBits - 1)) }

// arg is what t carries beyond its kind: a name's number or an offset.
func (t Type) arg() int { return int(t >> kindBits) }

func mkType(k Kind, arg int) Type { return Type(arg)<<kindBits | Type(k) }

// Types of the kinds that carry nothing, and of the names every lattice
// knows (see wellKnown).
const (
	tTop        = Type(KTop)
	tInt        = Type(KInt)
	tFloat      = Type(KFloat)
	tLong       = Type(KLong)
	tDouble     = Type(KDouble)
	tNull       = Type(KNull)
	tUninitThis = Type(KUninitThis)
	tLong2      = Type(KLong2)
	tDouble2    = Type(KDouble2)
	tObject     = Type(0<<kindBits) | Type(KRef)
	tThrowable  = Type(1<<kindBits) | Type(KRef)
	tString     = Type(2<<kindBits) | Type(KRef)
	tClass      = Type(3<<kindBits) | Type(KRef)
	tMethodType = Type(4<<kindBits) | Type(KRef)
	tMethodHdl  = Type(5<<kindBits) | Type(KRef)
)

// wellKnown are the names every lattice numbers alike, first: those the
// machine pushes by itself (ldc's, athrow's, the primitive arrays).
var wellKnown = [...]string{"java/lang/Object", "java/lang/Throwable", "java/lang/String",
	"java/lang/Class", "java/lang/invoke/MethodType", "java/lang/invoke/MethodHandle",
	"[Z", "[C", "[F", "[D", "[B", "[S", "[I", "[J"}

// wellKnownID is the number of a well-known name, -1 for any other; a
// switch on the text beats hashing it.
func wellKnownID(name string) int {
	switch name {
	case "java/lang/Object":
		return 0
	case "java/lang/Throwable":
		return 1
	case "java/lang/String":
		return 2
	case "java/lang/Class":
		return 3
	case "java/lang/invoke/MethodType":
		return 4
	case "java/lang/invoke/MethodHandle":
		return 5
	case "[Z":
		return 6
	case "[C":
		return 7
	case "[F":
		return 8
	case "[D":
		return 9
	case "[B":
		return 10
	case "[S":
		return 11
	case "[I":
		return 12
	case "[J":
		return 13
	}
	return -1
}

func uninit(off int) Type  { return mkType(KUninit, off) }
func retAddr(off int) Type { return mkType(KRetAddr, off) }

// IsRef reports whether t is a reference: an object, array, null or
// uninitialized.
func (t Type) IsRef() bool {
	k := t.Kind()
	return k == KRef || k == KNull || k == KUninit || k == KUninitThis
}

// Size is the number of slots the type takes: 2 for long and double.
func (t Type) Size() int {
	// KLong and KDouble are adjacent: one unsigned comparison.
	if uint8(t.Kind())-uint8(KLong) < 2 {
		return 2
	}
	return 1
}

// second is the type of the second slot of a long or double.
func (t Type) second() Type {
	if t.Kind() == KDouble {
		return tDouble2
	}
	return tLong2
}

// isHalf reports whether t is the second slot of a long or double.
func (t Type) isHalf() bool { k := t.Kind(); return k == KLong2 || k == KDouble2 }

var (
	vTop       = VType{Kind: KTop}
	vObject    = ref("java/lang/Object")
	vThrowable = ref("java/lang/Throwable")
)

func ref(name string) VType { return VType{Kind: KRef, Name: name} }

// Ref is the verification type of a class or array type, by its internal
// name or array descriptor.
func Ref(name string) VType { return ref(name) }

// Top is the unusable type.
var Top = vTop

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

// Second is the type of the second slot of a long or double.
func (v VType) Second() VType {
	if v.Kind == KDouble {
		return VType{Kind: KDouble2}
	}
	return VType{Kind: KLong2}
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
		return "top (half)"
	case KRetAddr:
		return fmt.Sprintf("returnAddress(%d)", v.Offset)
	}
	return "?"
}

// FieldType is the verification type of a field descriptor: boolean, byte,
// char and short are int, as the verifier sees them. See JVMS §4.3.2 and
// §4.10.1.2.
func FieldType(d string) (VType, error) {
	t, end, err := fieldTypeAt(d, 0, false)
	if err == nil && end != len(d) {
		err = fmt.Errorf("bad field descriptor %q", d)
	}
	return t, err
}

// fieldTypeAt reads the field type (or void, as top, when voidOK) that
// starts d[at:] with classfile's descriptor reader and returns its
// verification type and the offset after it; it does not allocate.
func fieldTypeAt(d string, at int, voidOK bool) (VType, int, error) {
	t, end, err := classfile.NextFieldType(d, at, voidOK)
	if err != nil {
		return vTop, end, err
	}
	switch {
	case t.Dims > 0:
		return ref(d[at:end]), end, nil
	case t.Elem == 'L':
		return ref(t.Class), end, nil
	}
	return baseTypes[t.Elem], end, nil
}

var baseTypes = [256]VType{'B': {Kind: KInt}, 'C': {Kind: KInt}, 'S': {Kind: KInt}, 'Z': {Kind: KInt}, 'I': {Kind: KInt},
	'F': {Kind: KFloat}, 'J': {Kind: KLong}, 'D': {Kind: KDouble}}

// MethodType splits a method descriptor into its parameter types and its
// return type (top for void). See JVMS §4.3.3.
func MethodType(d string) (params []VType, ret VType, err error) {
	ret, err = walkDesc(d, func(t VType) { params = append(params, t) })
	if err != nil {
		return nil, vTop, err
	}
	return params, ret, nil
}

// ArgSlots is how many stack slots the arguments of a method descriptor
// take, and its return type; it allocates nothing.
func ArgSlots(desc string) (slots int, ret VType, err error) {
	// walkDesc's loop without its callback and the parameters' types:
	// frame computation asks this at every call.
	if len(desc) == 0 || desc[0] != '(' {
		return 0, vTop, fmt.Errorf("bad method descriptor %q", desc)
	}
	i := 1
	for i < len(desc) && desc[i] != ')' {
		t, next, err := classfile.NextFieldType(desc, i, false)
		if err != nil {
			return 0, vTop, fmt.Errorf("bad method descriptor %q: %w", desc, err)
		}
		slots++
		if t.Dims == 0 && (t.Elem == 'J' || t.Elem == 'D') {
			slots++
		}
		i = next
	}
	if i >= len(desc) {
		return 0, vTop, fmt.Errorf("bad method descriptor %q: no ')'", desc)
	}
	ret, end, err := fieldTypeAt(desc, i+1, true)
	if err == nil && end != len(desc) {
		err = fmt.Errorf("text after the return type")
	}
	if err != nil {
		return 0, vTop, fmt.Errorf("bad method descriptor %q: %w", desc, err)
	}
	return slots, ret, nil
}

// walkDesc calls arg with each parameter type of a method descriptor and
// returns the return type (top for void). See JVMS §4.3.3.
func walkDesc(desc string, arg func(VType)) (VType, error) {
	if len(desc) == 0 || desc[0] != '(' {
		return vTop, fmt.Errorf("bad method descriptor %q", desc)
	}
	i := 1
	for i < len(desc) && desc[i] != ')' {
		t, next, err := fieldTypeAt(desc, i, false)
		if err != nil {
			return vTop, fmt.Errorf("bad method descriptor %q: %w", desc, err)
		}
		arg(t)
		i = next
	}
	if i >= len(desc) {
		return vTop, fmt.Errorf("bad method descriptor %q: no ')'", desc)
	}
	t, end, err := fieldTypeAt(desc, i+1, true)
	if err == nil && end != len(desc) {
		err = fmt.Errorf("text after the return type")
	}
	if err != nil {
		return vTop, fmt.Errorf("bad method descriptor %q: %w", desc, err)
	}
	return t, nil
}

// elementType gives the component type of an array type name like "[I" or
// "[Ljava/lang/String;", top when name is no array.
func elementType(arr string) VType {
	if len(arr) < 2 || arr[0] != '[' {
		return vTop
	}
	t, _ := FieldType(arr[1:])
	return t
}

// arrayOf gives the array type whose component is the class or array type
// named.
func arrayOf(name string) string {
	if strings.HasPrefix(name, "[") {
		return "[" + name
	}
	return "[L" + name + ";"
}

// UnknownClassError is a question about a class the hierarchy has no header
// for (or one of whose superclasses it has none for). Who asked decides:
// the verifier assumes and leaves it to the client, frame computation takes
// the original frame's word or gives up.
type UnknownClassError struct {
	Name string
	Err  error
}

func (e *UnknownClassError) Error() string { return e.Err.Error() }
func (e *UnknownClassError) Unwrap() error { return e.Err }

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

// Lattice is the verification-type lattice of JVMS §4.10.1.2 over one class
// hierarchy: assignability and least upper bounds, with what it learns of
// the hierarchy cached. Interfaces count as java/lang/Object, as the
// verifier treats them; arrays compare by their components.
//
// It also numbers the class and array names of the Types made with it
// (Ref, Type), so that an analysis copies and compares integers: one
// lattice serves one class's analyses, and its Types mean nothing to
// another.
type Lattice struct {
	h      Hierarchy
	supers map[string][]string // name -> chain to java/lang/Object
	iface  map[string]bool
	// names are the names numbered after the well-known ones; ids their
	// numbers, once there are more than a linear scan finds quickly.
	names []string
	ids   map[string]int
	// lcs caches least upper bounds of two distinct reference Types, by
	// the pair: loops merge the same pair at every pass over their head.
	lcs map[[2]Type]Type
	// cls caches the Class entry of each name in the pool of the class
	// whose frames are computed (see stackMapTable), by number; 0 unknown.
	cls []uint16
}

// NewLattice makes the lattice over h.
func NewLattice(h Hierarchy) *Lattice {
	// The maps are made on first use: most classes' methods merge no
	// references at all.
	return &Lattice{h: h}
}

// Ref is the Type of the class or array type named.
func (m *Lattice) Ref(name string) Type {
	if id := wellKnownID(name); id >= 0 {
		return mkType(KRef, id)
	}
	if m.ids == nil {
		// Most classes name a few dozen types at most: comparing lengths
		// first, a scan beats hashing the name.
		for i, n := range m.names {
			if len(n) == len(name) && n == name {
				return mkType(KRef, len(wellKnown)+i)
			}
		}
		if len(m.names) >= scanNames {
			m.ids = make(map[string]int, 2*scanNames)
			for i, n := range m.names {
				m.ids[n] = len(wellKnown) + i
			}
		}
	} else if id, ok := m.ids[name]; ok {
		return mkType(KRef, id)
	}
	id := len(wellKnown) + len(m.names)
	m.names = append(m.names, name)
	if m.ids != nil {
		m.ids[name] = id
	}
	return mkType(KRef, id)
}

// scanNames is how many names a lattice numbers before it indexes them.
const scanNames = 32

// Name is the class or array name of a KRef Type, "" for other kinds.
func (m *Lattice) Name(t Type) string {
	if t.Kind() != KRef {
		return ""
	}
	if id := t.arg(); id < len(wellKnown) {
		return wellKnown[id]
	}
	return m.names[t.arg()-len(wellKnown)]
}

// Type is v in compact form.
func (m *Lattice) Type(v VType) Type {
	switch v.Kind {
	case KRef:
		return m.Ref(v.Name)
	case KUninit, KRetAddr:
		return mkType(v.Kind, int(v.Offset))
	}
	return Type(v.Kind)
}

// View is t in readable form.
func (m *Lattice) View(t Type) VType {
	switch k := t.Kind(); k {
	case KRef:
		return VType{Kind: k, Name: m.Name(t)}
	case KUninit, KRetAddr:
		return VType{Kind: k, Offset: int32(t.arg())}
	default:
		return VType{Kind: k}
	}
}

// views turns ts into readable form.
func (m *Lattice) views(ts []Type) []VType {
	out := make([]VType, len(ts))
	for i, t := range ts {
		out[i] = m.View(t)
	}
	return out
}

// str renders t for messages.
func (m *Lattice) str(t Type) string { return m.View(t).String() }

// element is the component type of an array Type, top when t is no array.
func (m *Lattice) element(t Type) Type {
	if t.Kind() != KRef {
		return tTop
	}
	return m.Type(elementType(m.Name(t)))
}

func (m *Lattice) setChain(name string, c []string) {
	if m.supers == nil {
		m.supers = map[string][]string{}
	}
	m.supers[name] = c
}

func (m *Lattice) chain(name string) ([]string, error) {
	if c, ok := m.supers[name]; ok {
		return c, nil
	}
	c, err := m.knownChain(name)
	if err != nil {
		return nil, err
	}
	m.setChain(name, c)
	return c, nil
}

// knownChain is name and its superclasses up to java/lang/Object; when the
// hierarchy fails on one of them, the chain up to that class and an error
// (an *UnknownClassError when a class is missing).
func (m *Lattice) knownChain(name string) ([]string, error) {
	var c []string
	for n := name; n != ""; {
		if slices.Contains(c, n) {
			return c, fmt.Errorf("class %s: circular superclass chain", name)
		}
		c = append(c, n)
		if n == "java/lang/Object" {
			break
		}
		s, err := m.h.SuperClass(n)
		if err != nil {
			return c, &UnknownClassError{Name: n, Err: err}
		}
		if s == "" {
			s = "java/lang/Object"
		}
		n = s
	}
	return c, nil
}

// KnownChain is name's superclass chain as far as the hierarchy knows it,
// name first; complete reports whether it reaches java/lang/Object.
func (m *Lattice) KnownChain(name string) (chain []string, complete bool) {
	c, err := m.knownChain(name)
	return c, err == nil
}

func (m *Lattice) isInterface(name string) (bool, error) {
	if v, ok := m.iface[name]; ok {
		return v, nil
	}
	v, err := m.h.IsInterface(name)
	if err != nil {
		return false, &UnknownClassError{Name: name, Err: err}
	}
	if m.iface == nil {
		m.iface = map[string]bool{}
	}
	m.iface[name] = v
	return v, nil
}

// IsInterface reports whether name is an interface; the error is an
// *UnknownClassError when the hierarchy does not know it.
func (m *Lattice) IsInterface(name string) (bool, error) { return m.isInterface(name) }

// Assignable reports whether a value of type from may be used where to is
// expected (JVMS §4.10.1.2, isAssignable). The error, an *UnknownClassError
// where the hierarchy lacks a class, leaves the answer open.
func (m *Lattice) Assignable(from, to Type) (bool, error) {
	if from == to || to == tTop {
		return true, nil
	}
	if to.Kind() == KRef {
		switch from.Kind() {
		case KNull:
			return true, nil
		case KRef:
			return m.refAssignable(m.Name(from), m.Name(to))
		}
	}
	return false, nil
}

func (m *Lattice) refAssignable(from, to string) (bool, error) {
	if from == to || to == "java/lang/Object" {
		return true, nil
	}
	fromArr, toArr := strings.HasPrefix(from, "["), strings.HasPrefix(to, "[")
	if toArr {
		if !fromArr {
			return false, nil
		}
		fc, tc := elementType(from), elementType(to)
		if fc.Kind == KRef && tc.Kind == KRef {
			return m.refAssignable(fc.Name, tc.Name)
		}
		return fc.Kind != KTop && from[1:] == to[1:], nil
	}
	if fromArr {
		return to == "java/lang/Cloneable" || to == "java/io/Serializable", nil
	}
	iface, err := m.isInterface(to)
	if err != nil || iface {
		return iface, err
	}
	if c, ok := m.supers[from]; ok {
		return slices.Contains(c, to), nil
	}
	c, err := m.knownChain(from)
	if slices.Contains(c, to) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	m.setChain(from, c)
	return false, nil
}

// Merge is the type a slot holds where two paths meet: equal types stay,
// null joins any reference, two references join at their least common
// superclass, and anything else is top (ok false). The error, an
// *UnknownClassError, says the hierarchy lacks a class for the join. See
// JVMS §4.10.1.2 and §4.10.2.2.
func (m *Lattice) Merge(a, b Type) (t Type, ok bool, err error) {
	if a == b {
		return a, true, nil
	}
	ka, kb := a.Kind(), b.Kind()
	switch {
	case ka == KNull && kb == KRef:
		return b, true, nil
	case kb == KNull && ka == KRef:
		return a, true, nil
	case ka == KRef && kb == KRef:
		if a == tObject || b == tObject {
			return tObject, true, nil
		}
		key := [2]Type{a, b}
		if b < a {
			key = [2]Type{b, a}
		}
		if t, ok := m.lcs[key]; ok {
			return t, true, nil
		}
		n, err := m.mergeRef(m.Name(a), m.Name(b))
		if err != nil {
			return tTop, false, err
		}
		t := m.Ref(n)
		if m.lcs == nil {
			m.lcs = map[[2]Type]Type{}
		}
		m.lcs[key] = t
		return t, true, nil
	}
	return tTop, false, nil
}

// mergeRef returns the least common superclass of two object or array types.
func (m *Lattice) mergeRef(a, b string) (string, error) {
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
			return arrayOf(e), nil
		}
		return "java/lang/Object", nil
	}
	for _, n := range [2]string{a, b} {
		i, err := m.isInterface(n)
		if err != nil {
			return "", err
		}
		if i {
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
	for _, n := range cb {
		for _, o := range ca {
			if n == o {
				return n, nil
			}
		}
	}
	return "java/lang/Object", nil
}

// MayBeSuper reports whether h can be a supertype of x as far as the known
// hierarchy tells: h is Object, an interface (the verifier treats those as
// Object), in x's superclass chain, or, where that chain breaks at a missing
// class, possibly above it: not a class known to sit below one of x's known
// superclasses. Arrays compare by their components. See JVMS §4.10.1.2.
func (m *Lattice) MayBeSuper(h, x string) bool {
	if h == x || h == "java/lang/Object" {
		return true
	}
	hArr, xArr := strings.HasPrefix(h, "["), strings.HasPrefix(x, "[")
	if xArr {
		if !hArr {
			return h == "java/lang/Cloneable" || h == "java/io/Serializable"
		}
		eh, ex := elementType(h), elementType(x)
		return eh.Kind == KRef && ex.Kind == KRef && m.MayBeSuper(eh.Name, ex.Name)
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

// localsEnd is how many of a frame's locals its StackMapTable entry lists:
// trailing tops are cut (JVMS §4.7.4: they are implied).
func localsEnd(slots []Type) int {
	n := len(slots)
	for n > 0 && slots[n-1] == tTop {
		n--
	}
	return n
}

// toVerification turns slots[from:] into StackMapTable entries: a long or
// double is one entry, its second slot is dropped. from must start an
// entry. They are appended to out, which is returned. A class or array
// type's Class entry is found once per name (see Lattice.classEntry).
func toVerification(out []classfile.VerificationType, lat *Lattice, pool *classIndex, slots []Type, from int) ([]classfile.VerificationType, error) {
	for i := from; i < len(slots); i++ {
		v := slots[i]
		var vt classfile.VerificationType
		switch v.Kind() {
		case KTop, KRetAddr:
			vt.Tag = classfile.VTTop
		case KInt:
			vt.Tag = classfile.VTInteger
		case KFloat:
			vt.Tag = classfile.VTFloat
		case KLong:
			vt.Tag = classfile.VTLong
			i++ // skip the second half
		case KDouble:
			vt.Tag = classfile.VTDouble
			i++
		case KNull:
			vt.Tag = classfile.VTNull
		case KUninitThis:
			vt.Tag = classfile.VTUninitializedThis
		case KUninit:
			vt.Tag, vt.Data = classfile.VTUninitialized, uint16(v.arg())
		case KRef:
			idx, err := lat.classEntry(v, pool)
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

// classEntry is the Class entry naming reference type t in the pool pool
// indexes, found or added once per name: frame after frame of a class
// names the same few types.
func (m *Lattice) classEntry(t Type, pool *classIndex) (uint16, error) {
	id := t.arg()
	if id < len(m.cls) && m.cls[id] != 0 {
		return m.cls[id], nil
	}
	idx, err := pool.AddClass(m.Name(t))
	if err != nil {
		return 0, err
	}
	if id >= len(m.cls) {
		m.cls = append(m.cls, make([]uint16, id+1-len(m.cls))...)
	}
	m.cls[id] = idx
	return idx, nil
}

// sharedLocals is how many leading slots, p, and StackMapTable entries, q,
// two frames' locals have in common as types; p never splits a long or
// double, so the entries of cur[:p] are those of prev[:p].
func sharedLocals(prev, cur []Type) (p, q int) {
	n := min(len(prev), len(cur))
	for p < n {
		w := 1
		if k := cur[p].Kind(); k == KLong || k == KDouble {
			w = 2
		}
		if p+w > n || cur[p] != prev[p] || (w == 2 && cur[p+1] != prev[p+1]) {
			break
		}
		p += w
		q++
	}
	return p, q
}

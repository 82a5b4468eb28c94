package classfile

import (
	"fmt"
	"slices"
	"strconv"
)

// ClassFormatError is a reason the JVM refuses to load a class before
// verification: the class breaks a format rule of JVMS §4.8 as HotSpot 17
// checks it when it verifies (-Xverify:all, or any class outside the boot
// and platform loaders). Where names the place (the constant pool entry,
// the member, the attribute).
type ClassFormatError struct {
	Where string
	Msg   string
	// Unsupported marks an UnsupportedClassVersionError, the subclass the
	// JVM throws for a version it does not run.
	Unsupported bool
}

func (e *ClassFormatError) Error() string {
	if e.Where == "" {
		return e.Msg
	}
	return e.Where + ": " + e.Msg
}

// Supported class-file versions of Java SE 17. See JVMS §4.1.
const (
	MinMajor = 45
	MaxMajor = 61
)

// Check applies the format checks HotSpot 17 makes while it parses a class
// it is to verify, in its order, and returns the first failure, or nil. See
// JVMS §4.8: the constant pool's references and every entry's names and
// descriptors, used by code or not (§4.4, §4.2, §4.3); member names and
// descriptors (§4.5, §4.6); and the attributes the JVM reads at each place
// and version: no two of one kind at only one is allowed, lengths and
// contents (§4.7). Access-flag combinations, duplicate members and the
// class's own supertypes are left to the caller (the verifier's phase 1).
func Check(c *Class) *ClassFormatError {
	k := checker{c: c}
	k.version()
	k.pool()
	if k.err == nil {
		k.classFlags(named("class"), c.Access, false)
	}
	k.supertypes()
	k.fields()
	k.methods()
	k.classAttributes()
	k.stackMaps()
	return k.err
}

// stackMaps reads every method's StackMapTable as the JVM does when it
// verifies the method (from version 50), and refuses the class at that
// ends in ClassFormatError. VerifyErrors are the verifier's to report. See
// CheckStackMap.
func (k *checker) stackMaps() {
	c := k.c
	if k.err != nil || c.Major < 50 {
		return
	}
	for i, m := range c.Methods {
		code := m.Code()
		if code == nil || m.Access.Has(AccAbstract) || m.Access.Has(AccNative) {
			continue
		}
		if e := k.scratch.check(c, m, code); e != nil && e.Refuses(c.Major) {
			k.fail(place{kind: "method", idx: i, m: m}, "StackMapTable format error: %v", e)
			return
		}
	}
}

type checker struct {
	c       *Class
	err     *ClassFormatError
	scratch stackMapScratch
}

func (k *checker) fail(at place, format string, args ...any) {
	if k.err == nil {
		k.err = &ClassFormatError{Where: at.text(k.c), Msg: fmt.Sprintf(format, args...)}
	}
}

// place is where a check is: made into text only when it fails, so that
// checking a good class builds no strings.
type place struct {
	kind string  // "constant pool", "field", "method", "Record component", or a name alone
	idx  int     // the entry's or member's index, with kind
	m    *Member // the field or method
	sub  string  // a part of it: "Code", a table's name
}

func named(s string) place { return place{kind: s, idx: -1} }

func cpAt(i int) place { return place{kind: "constant pool", idx: i} }

func (at place) in(sub string) place {
	at.sub = sub
	return at
}

func (at place) text(c *Class) string {
	s := at.kind
	if at.idx >= 0 && at.kind != "" {
		s += " #" + strconv.Itoa(at.idx)
	}
	if at.m != nil {
		s += " " + c.MemberName(at.m) + c.MemberDesc(at.m)
	}
	if at.sub != "" {
		if s != "" {
			s += ", "
		}
		s += at.sub
	}
	return s
}

func (k *checker) version() {
	c := k.c
	switch {
	case c.Major < MinMajor || c.Major > MaxMajor:
		k.fail(place{}, "unsupported class file version %d.%d (Java SE 17 runs %d to %d)", c.Major, c.Minor, MinMajor, MaxMajor)
	case c.Major >= 56 && c.Minor == 0xFFFF:
		k.fail(place{}, "class file version %d.%d needs --enable-preview", c.Major, c.Minor)
	case c.Major >= 56 && c.Minor != 0:
		k.fail(place{}, "class file version %d.%d has an invalid non-zero minor version", c.Major, c.Minor)
	default:
		return
	}
	k.err.Unsupported = true
}

// pool checks every constant-pool entry as HotSpot's parse_constant_pool
// does: the tags the version allows, legal modified UTF-8, and the names
// and descriptors of Class, NameAndType, member-reference, MethodHandle,
// MethodType and Dynamic entries. See JVMS §4.4.
func (k *checker) pool() {
	c := k.c
	p := &c.Pool
	for i := 1; i < len(p.Entries) && k.err == nil; i++ {
		e := &p.Entries[i]
		switch e.Tag {
		case TagMethodHandle, TagMethodType, TagInvokeDynamic:
			if c.Major < 51 {
				k.fail(cpAt(i), "%s entries need version 51, the class is %d", e.Tag, c.Major)
			}
		case TagDynamic:
			if c.Major < 55 {
				k.fail(cpAt(i), "Dynamic entries need version 55, the class is %d", c.Major)
			}
		case TagModule, TagPackage:
			if c.Access.Has(AccModule) {
				break // module-info: the module system reads it, not the class loader
			}
			k.fail(cpAt(i), "%s entries belong in module-info, which does not load as a class", e.Tag)
		case TagUtf8:
			if b := c.Pool.rawUtf8(i); b != nil && !legalMUTF8(b, c.Major <= 47) {
				k.fail(cpAt(i), "illegal modified UTF-8")
			}
		}
	}
	for i := 1; i < len(p.Entries) && k.err == nil; i++ {
		e := &p.Entries[i]
		switch e.Tag {
		case TagMethodHandle:
			if ref := p.Get(e.A); ref != nil && ref.Tag == TagInterfaceMethodref && c.Major < 52 &&
				(e.Kind == RefInvokeStatic || e.Kind == RefInvokeSpecial) {
				k.fail(cpAt(i), "%s of an interface method needs version 52, the class is %d", RefKindName(e.Kind), c.Major)
			}
		}
	}
	// The second pass: names and descriptors.
	for i := 1; i < len(p.Entries) && k.err == nil; i++ {
		e := &p.Entries[i]
		at := cpAt(i)
		switch e.Tag {
		case TagClass:
			if n := p.Utf8(e.A); !ValidClassName(n, c.Major) {
				k.fail(at, "illegal class name %q", n)
			}
		case TagNameAndType:
			name, desc := p.Utf8(e.A), p.Utf8(e.B)
			switch {
			case desc == "":
				k.fail(at, "empty descriptor (#%d)", e.B)
			case name == "":
				k.fail(at, "empty name (#%d)", e.A)
			case desc[0] == '(':
				k.methodName(at, name)
				k.methodDescriptor(at, name, desc)
			default:
				k.fieldName(at, name)
				k.fieldDescriptor(at, name, desc)
			}
		case TagDynamic:
			if name, desc := p.NameAndType(e.B); isMethodDesc(desc) {
				k.fail(at, "Dynamic %q has the method descriptor %q", name, desc)
			}
		case TagFieldref, TagMethodref, TagInterfaceMethodref, TagInvokeDynamic:
			name, desc := p.NameAndType(e.B)
			switch {
			case e.Tag == TagFieldref && isMethodDesc(desc):
				k.fail(at, "field %q has the method descriptor %q", name, desc)
			case e.Tag != TagFieldref && !isMethodDesc(desc):
				k.fail(at, "method %q has the field descriptor %q", name, desc)
			case e.Tag == TagMethodref && name != "" && name[0] == '<' && name != "<init>":
				k.fail(at, "Methodref to %q: the only special name a method reference may use is <init>", name)
			}
		case TagMethodHandle:
			switch e.Kind {
			case RefInvokeVirtual, RefInvokeStatic, RefInvokeSpecial, RefNewInvokeSpecial:
				_, name, _ := p.MemberRef(e.A)
				if e.Kind == RefNewInvokeSpecial && name != "<init>" {
					k.fail(at, "REF_newInvokeSpecial of %q, not <init>", name)
				} else if e.Kind != RefNewInvokeSpecial && name == "<init>" {
					k.fail(at, "%s of <init>", RefKindName(e.Kind))
				}
			}
		case TagMethodType:
			if d := p.Utf8(e.A); !ValidMethodDescriptor(d, c.Major) {
				k.fail(at, "illegal method descriptor %q", d)
			}
		}
	}
}

func isMethodDesc(d string) bool { return d != "" && d[0] == '(' }

// fieldName applies JVMS §4.2.2 to a field name, with HotSpot's older rule
// (a Java identifier) below version 49.
func (k *checker) fieldName(at place, name string) {
	ok := ValidUnqualifiedName(name, false)
	if k.c.Major < 49 {
		ok = name != "" && name[0] != '<' && identifierPath(name, false) == len(name)
	}
	if !ok {
		k.fail(at, "illegal field name %q", name)
	}
}

// methodName applies JVMS §4.2.2 to a method name: <init> and <clinit>, or
// an unqualified name without < and >; a Java identifier below version 49.
func (k *checker) methodName(at place, name string) {
	ok := ValidUnqualifiedName(name, true)
	if k.c.Major < 49 && name != "<init>" && name != "<clinit>" {
		ok = name != "" && identifierPath(name, false) == len(name)
	}
	if !ok {
		k.fail(at, "illegal method name %q", name)
	}
}

func (k *checker) fieldDescriptor(at place, name, desc string) {
	if !ValidFieldDescriptor(desc, k.c.Major) {
		k.fail(at, "field %q has the illegal descriptor %q", name, desc)
	}
}

// methodDescriptor checks a method descriptor and returns the slots its
// arguments take. Methods whose names start with '<' return void, and from
// version 51 <clinit> takes no arguments. See JVMS §4.3.3, §2.9.
func (k *checker) methodDescriptor(at place, name, desc string) int {
	bad := !ValidMethodDescriptor(desc, k.c.Major)
	if !bad && name != "" && name[0] == '<' && desc[len(desc)-1] != 'V' {
		bad = true
	}
	if !bad && name == "<clinit>" && k.c.Major >= 51 && desc != "()V" {
		bad = true
	}
	if bad {
		k.fail(at, "method %q has the illegal descriptor %q", name, desc)
		return 0
	}
	n, _, _ := ArgSlots(desc)
	return n
}

// legalMUTF8 is HotSpot's UTF8::is_legal_utf8: no NUL byte, no stray
// continuation or 4-byte lead byte, and (from version 48) no overlong forms
// but the two-byte NUL. See JVMS §4.4.7.
func legalMUTF8(b []byte, leq47 bool) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == 0 {
			return false
		}
		if c < 0x80 {
			continue
		}
		if i+5 < len(b) && c == 0xED && b[i+1]&0xF0 == 0xA0 && b[i+2]&0xC0 == 0x80 &&
			b[i+3] == 0xED && b[i+4]&0xF0 == 0xB0 && b[i+5]&0xC0 == 0x80 {
			i += 5 // a surrogate pair
			continue
		}
		switch c >> 4 {
		case 0x8, 0x9, 0xA, 0xB, 0xF:
			return false
		case 0xC, 0xD:
			i++
			if i >= len(b) || b[i]&0xC0 != 0x80 {
				return false
			}
			v := uint16(c&0x1F)<<6 | uint16(b[i]&0x3F)
			if !leq47 && v != 0 && v < 0x80 {
				return false
			}
		case 0xE:
			i += 2
			if i >= len(b) || b[i-1]&0xC0 != 0x80 || b[i]&0xC0 != 0x80 {
				return false
			}
			v := uint16(c&0xF)<<12 | uint16(b[i-1]&0x3F)<<6 | uint16(b[i]&0x3F)
			if !leq47 && v < 0x800 {
				return false
			}
		}
	}
	return true
}

func (k *checker) validClass(i uint16) bool {
	e := k.c.Pool.Get(i)
	return e != nil && e.Tag == TagClass
}

func (k *checker) validUtf8(i uint16) bool {
	e := k.c.Pool.Get(i)
	return e != nil && e.Tag == TagUtf8
}

// attrs checks one attribute list against the rules of its location: one of
// each kind at the JVM allows one, and well-formed contents at it
// refuses malformed ones. See JVMS §4.7 and rules.go.
func (k *checker) attrs(at place, loc location, static bool, attrs []Attribute) {
	// A place has a handful of attributes: a list, not a map, of the kinds
	// seen.
	var seenBuf [8]string
	seen := seenBuf[:0]
	for _, a := range attrs {
		if k.err != nil {
			return
		}
		name := a.Name()
		rule, ok := ruleFor(loc, name)
		if !ok || k.c.Major < rule.since || (rule.staticOnly && !static) {
			continue
		}
		if rule.unique {
			if slices.Contains(seen, name) {
				k.fail(at, "more than one %s attribute", name)
				return
			}
			seen = append(seen, name)
		}
		if raw, ok := a.(*RawAttribute); ok && rule.strict && raw.err != nil {
			if name == AttrInnerClasses && k.c.Major < 49 && raw.trailingOnly() {
				continue // HotSpot checks its length only from version 49
			}
			k.fail(at, "%s attribute: %v", name, raw.err)
		}
	}
}

// trailingOnly reports whether the attribute failed to decode only because
// its body is longer than its contents.
func (a *RawAttribute) trailingOnly() bool {
	fe, ok := a.err.(*FormatError)
	return ok && fe.trailing
}

func (k *checker) fields() {
	c := k.c
	for i, f := range c.Fields {
		if k.err != nil {
			return
		}
		at := place{kind: "field", idx: i, m: f}
		name, desc := c.MemberName(f), c.MemberDesc(f)
		k.fieldFlags(at, f.Access)
		k.fieldName(at, name)
		k.fieldDescriptor(at, name, desc)
		static := f.Access.Has(AccStatic)
		k.attrs(at, locField, static, f.Attributes)
		if k.err != nil || !static {
			continue
		}
		for _, a := range f.Attributes {
			cv, ok := a.(*ConstantValue)
			if !ok {
				continue
			}
			k.constantValue(at, desc, cv.ValueIndex)
		}
	}
}

// constantValue checks that a static field's ConstantValue names a constant
// of the field's type. See JVMS §4.7.2.
func (k *checker) constantValue(at place, desc string, i uint16) {
	e := k.c.Pool.Get(i)
	if e == nil {
		k.fail(at, "ConstantValue index %d is not a constant", i)
		return
	}
	var want Tag
	switch desc {
	case "J":
		want = TagLong
	case "F":
		want = TagFloat
	case "D":
		want = TagDouble
	case "B", "C", "S", "Z", "I":
		want = TagInteger
	case "Ljava/lang/String;":
		want = TagString
	default:
		k.fail(at, "a field of type %s cannot have a ConstantValue", desc)
		return
	}
	if e.Tag != want {
		k.fail(at, "ConstantValue #%d is a %s, the field's type %s wants a %s", i, e.Tag, desc, want)
	}
}

// methods checks method names, descriptors and attributes, and the Code
// attribute's own rules as HotSpot's parse_method applies them. See JVMS
// §4.6, §4.7.3.
func (k *checker) methods() {
	c := k.c
	for i, m := range c.Methods {
		if k.err != nil {
			return
		}
		name, desc := c.MemberName(m), c.MemberDesc(m)
		at := place{kind: "method", idx: i, m: m}
		k.methodName(at, name)
		if name == "<clinit>" && c.Major >= 51 && !m.Access.Has(AccStatic) {
			k.fail(at, "<clinit> is not static")
		}
		if name != "<clinit>" {
			k.methodFlags(at, name, m.Access)
		}
		if name == "<init>" && c.IsInterface() {
			k.fail(at, "an interface cannot have a method named <init>")
		}
		args := k.methodDescriptor(at, name, desc)
		if name != "<clinit>" && !m.Access.Has(AccStatic) {
			args++
		}
		if args > 255 {
			k.fail(at, "the arguments take %d slots, more than 255", args)
		}
		k.attrs(at, locMethod, false, m.Attributes)
		abstract := m.Access.Has(AccAbstract) || m.Access.Has(AccNative)
		if name == "<clinit>" && c.Major < 51 {
			abstract = false // HotSpot takes a <clinit>'s flags to be just static
		}
		hasCode := false
		for _, a := range m.Attributes {
			switch a := a.(type) {
			case *Code:
				hasCode = true
				if abstract {
					k.fail(at, "an abstract or native method has a Code attribute")
				}
				k.code(at, a, args)
			case *Exceptions:
				for _, x := range a.Classes {
					if !k.validClass(x) {
						k.fail(at, "Exceptions: #%d is not a Class entry", x)
					}
				}
			case *Signature:
				if c.Major >= 49 && !k.validUtf8(a.Index) {
					k.fail(at, "Signature: #%d is not a Utf8 entry", a.Index)
				}
			}
		}
		if !hasCode && !abstract {
			k.fail(at, "no Code attribute in a method that is neither native nor abstract")
		}
	}
}

func (k *checker) code(at place, code *Code, args int) {
	n := len(code.Code)
	if args > int(code.MaxLocals) {
		k.fail(at, "the arguments take %d locals, max_locals is %d", args, code.MaxLocals)
	}
	for _, h := range code.Handlers {
		switch {
		case h.StartPC >= h.EndPC || int(h.EndPC) > n:
			k.fail(at, "exception table range %d-%d in code of %d bytes", h.StartPC, h.EndPC, n)
		case int(h.HandlerPC) >= n:
			k.fail(at, "exception handler at %d in code of %d bytes", h.HandlerPC, n)
		case h.CatchType != 0 && !k.validClass(h.CatchType):
			k.fail(at, "exception table catch type #%d is not a Class entry", h.CatchType)
		}
	}
	k.attrs(at.in("Code"), locCode, false, code.Attributes)
	type lvKey struct{ start, length, name, slot uint16 }
	var lvSeen []lvKey
	for _, a := range code.Attributes {
		if k.err != nil {
			return
		}
		switch a := a.(type) {
		case *LineNumberTable:
			for _, l := range a.Lines {
				if int(l.StartPC) >= n {
					k.fail(at, "LineNumberTable start_pc %d in code of %d bytes", l.StartPC, n)
				}
			}
		case *LocalVariableTable:
			if a.Types && k.c.Major < 49 {
				continue
			}
			for _, v := range a.Vars {
				k.localVariable(at, a, v, n, code.MaxLocals)
				if !a.Types {
					key := lvKey{v.StartPC, v.Length, v.NameIndex, v.Slot}
					if slices.Contains(lvSeen, key) {
						k.fail(at, "duplicate LocalVariableTable entry for %q", k.c.Pool.Utf8(v.NameIndex))
					}
					lvSeen = append(lvSeen, key)
				}
			}
		}
	}
}

func (k *checker) localVariable(at place, a *LocalVariableTable, v LocalVariable, n int, maxLocals uint16) {
	t := a.Name()
	switch {
	case int(v.StartPC) >= n:
		k.fail(at, "%s start_pc %d in code of %d bytes", t, v.StartPC, n)
	case int(v.StartPC)+int(v.Length) > n:
		k.fail(at, "%s length %d from %d runs past code of %d bytes", t, v.Length, v.StartPC, n)
	case !k.validUtf8(v.NameIndex):
		k.fail(at, "%s name #%d is not a Utf8 entry", t, v.NameIndex)
	case !k.validUtf8(v.DescIndex):
		k.fail(at, "%s descriptor #%d is not a Utf8 entry", t, v.DescIndex)
	}
	if k.err != nil {
		return
	}
	name, desc := k.c.Pool.Utf8(v.NameIndex), k.c.Pool.Utf8(v.DescIndex)
	k.fieldName(at.in(t), name)
	extra := uint16(0)
	if !a.Types {
		k.fieldDescriptor(at.in(t), name, desc)
		if desc == "J" || desc == "D" {
			extra = 1
		}
	}
	if uint32(v.Slot)+uint32(extra) >= uint32(maxLocals) {
		k.fail(at, "%s slot %d of %q is beyond max_locals %d", t, v.Slot, name, maxLocals)
	}
}

// classAttributes checks the class's own attributes. See JVMS §4.7 and
// HotSpot's parse_classfile_attributes.
func (k *checker) classAttributes() {
	c := k.c
	if k.err != nil {
		return
	}
	k.attrs(named("class"), locClass, false, c.Attributes)
	var nestHost, nestMembers, bootstrap bool
	for _, a := range c.Attributes {
		if k.err != nil {
			return
		}
		switch a := a.(type) {
		case *SourceFile:
			if !k.validUtf8(a.Index) {
				k.fail(named("SourceFile"), "#%d is not a Utf8 entry", a.Index)
			}
		case *Signature:
			if c.Major >= 49 && !k.validUtf8(a.Index) {
				k.fail(named("Signature"), "#%d is not a Utf8 entry", a.Index)
			}
		case *InnerClasses:
			k.innerClasses(a)
		case *EnclosingMethod:
			if c.Major < 49 {
				continue
			}
			if !k.validClass(a.Class) {
				k.fail(named("EnclosingMethod"), "class #%d is not a Class entry", a.Class)
			} else if e := c.Pool.Get(a.Method); a.Method != 0 && (e == nil || e.Tag != TagNameAndType) {
				k.fail(named("EnclosingMethod"), "method #%d is not a NameAndType entry", a.Method)
			}
		case *BootstrapMethods:
			if c.Major < 51 {
				continue
			}
			bootstrap = true
			k.bootstrapMethods(a)
		case *NestHost:
			if c.Major < 55 {
				continue
			}
			if nestMembers {
				k.fail(named("NestHost"), "a class with NestMembers cannot have a NestHost")
			}
			nestHost = true
			if !k.validClass(a.HostClass) {
				k.fail(named("NestHost"), "#%d is not a Class entry", a.HostClass)
			}
		case *NestMembers:
			if c.Major < 55 {
				continue
			}
			if nestHost {
				k.fail(named("NestMembers"), "a class with a NestHost cannot have NestMembers")
			}
			nestMembers = true
			for _, x := range a.Classes {
				if !k.validClass(x) {
					k.fail(named("NestMembers"), "#%d is not a Class entry", x)
				}
			}
		case *PermittedSubclasses:
			if c.Major < 61 {
				continue
			}
			if c.Access.Has(AccFinal) {
				k.fail(named("PermittedSubclasses"), "a final class cannot have permitted subclasses")
			}
			for _, x := range a.Classes {
				if !k.validClass(x) {
					k.fail(named("PermittedSubclasses"), "#%d is not a Class entry", x)
				}
			}
		case *Record:
			if c.Major < 60 {
				continue
			}
			for i := range a.Components {
				rc := &a.Components[i]
				at := place{kind: "Record component", idx: i}
				if !k.validUtf8(rc.NameIndex) || !k.validUtf8(rc.DescIndex) {
					k.fail(at, "name #%d or descriptor #%d is not a Utf8 entry", rc.NameIndex, rc.DescIndex)
					return
				}
				name := c.Pool.Utf8(rc.NameIndex)
				k.fieldName(at, name)
				k.fieldDescriptor(at, name, c.Pool.Utf8(rc.DescIndex))
				k.attrs(at, locRecordComponent, false, rc.Attributes)
			}
		}
	}
	if k.err == nil && !bootstrap {
		for i := 1; i < len(c.Pool.Entries); i++ {
			if t := c.Pool.Entries[i].Tag; t == TagInvokeDynamic || t == TagDynamic {
				k.fail(cpAt(i), "%s entry without a BootstrapMethods attribute", t)
				return
			}
		}
	}
}

// supertypes checks super_class and interfaces as HotSpot's
// parse_super_class and parse_interfaces do: Class entries, no array, each
// interface once. See JVMS §4.1.
func (k *checker) supertypes() {
	c := k.c
	if k.err != nil || c.Access.Has(AccModule) {
		return
	}
	switch {
	case c.Super == 0 && c.Name() != "java/lang/Object":
		k.fail(named("super_class"), "0, but only java/lang/Object has no superclass")
	case c.Super != 0 && !k.validClass(c.Super):
		k.fail(named("super_class"), "#%d is not a Class entry", c.Super)
	case c.Super != 0 && len(c.SuperName()) > 0 && c.SuperName()[0] == '[':
		k.fail(named("super_class"), "%s is an array class", c.SuperName())
	}
	for i, x := range c.Interfaces {
		if k.err != nil {
			return
		}
		switch n := c.Pool.ClassName(x); {
		case !k.validClass(x):
			k.fail(named("interfaces"), "#%d is not a Class entry", x)
		case len(n) > 0 && n[0] == '[':
			k.fail(named("interfaces"), "%s is an array class", n)
		default:
			for _, y := range c.Interfaces[:i] {
				if c.Pool.ClassName(y) == n {
					k.fail(named("interfaces"), "%s named twice", n)
				}
			}
		}
	}
}

// innerClasses checks InnerClasses as HotSpot's
// parse_classfile_inner_classes_attribute does. See JVMS §4.7.6.
func (k *checker) innerClasses(a *InnerClasses) {
	p := &k.c.Pool
	for i, ic := range a.Classes {
		switch {
		case !k.validClass(ic.Inner):
			k.fail(named("InnerClasses"), "inner class #%d is not a Class entry", ic.Inner)
		case ic.Outer != 0 && !k.validClass(ic.Outer):
			k.fail(named("InnerClasses"), "outer class #%d is not a Class entry", ic.Outer)
		case ic.Outer != 0 && len(p.ClassName(ic.Outer)) > 0 && p.ClassName(ic.Outer)[0] == '[':
			k.fail(named("InnerClasses"), "outer class %s is an array class", p.ClassName(ic.Outer))
		case ic.InnerName != 0 && !k.validUtf8(ic.InnerName):
			k.fail(named("InnerClasses"), "inner name #%d is not a Utf8 entry", ic.InnerName)
		case ic.Inner == ic.Outer:
			k.fail(named("InnerClasses"), "#%d is both the inner and the outer class", ic.Inner)
		default:
			k.classFlags(named("InnerClasses"), ic.Access, true)
		}
		if k.err != nil {
			return
		}
		if k.c.Major >= 49 {
			for _, o := range a.Classes[i+1:] {
				if o == ic {
					k.fail(named("InnerClasses"), "duplicate entry for %s", p.ClassName(ic.Inner))
					return
				}
			}
		}
	}
}

func (k *checker) bootstrapMethods(a *BootstrapMethods) {
	p := &k.c.Pool
	for i := 1; i < len(p.Entries); i++ {
		if e := &p.Entries[i]; (e.Tag == TagInvokeDynamic || e.Tag == TagDynamic) && int(e.A) >= len(a.Methods) {
			k.fail(cpAt(i), "bootstrap method %d of %d", e.A, len(a.Methods))
			return
		}
	}
	for i, m := range a.Methods {
		if e := p.Get(m.Ref); e == nil || e.Tag != TagMethodHandle {
			k.fail(named("BootstrapMethods"), "method %d: #%d is not a MethodHandle", i, m.Ref)
			return
		}
		for _, x := range m.Args {
			e := p.Get(x)
			if e == nil {
				k.fail(named("BootstrapMethods"), "method %d: argument #%d is not a constant", i, x)
				return
			}
			switch e.Tag {
			case TagInteger, TagFloat, TagLong, TagDouble, TagClass, TagString, TagMethodHandle, TagMethodType, TagDynamic:
			default:
				k.fail(named("BootstrapMethods"), "method %d: argument #%d is a %s, not a loadable constant", i, x, e.Tag)
				return
			}
		}
	}
}

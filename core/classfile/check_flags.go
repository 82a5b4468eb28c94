package classfile

// Access-flag rules as HotSpot 17 applies them (verify_legal_class_modifiers,
// verify_legal_field_modifiers, verify_legal_method_modifiers). See JVMS
// §4.1, §4.5, §4.6, §4.7.6.

const (
	recognizedClassFlags = AccPublic | AccFinal | AccSuper | AccInterface | AccAbstract | AccAnnotation | AccEnum | AccSynthetic
	recognizedInnerFlags = recognizedClassFlags | AccPrivate | AccProtected | AccStatic
	recognizedFieldFlags = AccPublic | AccPrivate | AccProtected | AccStatic | AccFinal | AccVolatile | AccTransient | AccEnum | AccSynthetic
)

// illegalVisibility: more than one of public, protected and private.
func illegalVisibility(a AccessFlags) bool {
	n := 0
	for _, f := range []AccessFlags{AccPublic, AccProtected, AccPrivate} {
		if a&f != 0 {
			n++
		}
	}
	return n > 1
}

// classFlags checks a class's or an inner class's flags, as the version
// reads them: only the bits the JVM recognizes, and an interface of a class
// older than version 50 taken to be abstract.
func (k *checker) classFlags(at place, a AccessFlags, inner bool) {
	major := k.c.Major
	mask := recognizedClassFlags
	if inner {
		mask = recognizedInnerFlags
	}
	if major >= 53 {
		mask |= AccModule
	}
	a &= mask
	if a&AccInterface != 0 && major < 50 {
		a |= AccAbstract
	}
	if a&AccModule != 0 {
		return // module-info: NoClassDefFoundError, not a format error
	}
	iface, abstract := a&AccInterface != 0, a&AccAbstract != 0
	if (abstract && a&AccFinal != 0) || (iface && !abstract) ||
		(iface && major >= 49 && a&(AccSuper|AccEnum) != 0) || (!iface && major >= 49 && a&AccAnnotation != 0) {
		k.fail(at, "illegal class modifiers 0x%04x", uint16(a))
	}
}

// fieldFlags checks a field's flags. See JVMS §4.5.
func (k *checker) fieldFlags(at place, a AccessFlags) {
	a &= recognizedFieldFlags
	bad := false
	if k.c.IsInterface() {
		bad = a&(AccPublic|AccStatic|AccFinal) != AccPublic|AccStatic|AccFinal ||
			a&(AccPrivate|AccProtected|AccVolatile|AccTransient) != 0 || (k.c.Major >= 49 && a&AccEnum != 0)
	} else {
		bad = illegalVisibility(a) || a&(AccFinal|AccVolatile) == AccFinal|AccVolatile
	}
	if bad {
		k.fail(at, "illegal field modifiers 0x%04x", uint16(a))
	}
}

// methodFlags checks a method's flags (not <clinit>'s, which the JVM reads
// apart). See JVMS §4.6.
func (k *checker) methodFlags(at place, name string, a AccessFlags) {
	major := k.c.Major
	has := func(f AccessFlags) bool { return a&f != 0 }
	bad := false
	switch {
	case k.c.IsInterface() && major >= 52:
		bad = has(AccPublic) == has(AccPrivate) || has(AccNative|AccProtected|AccFinal|AccSynchronized) ||
			(has(AccAbstract) && (has(AccPrivate|AccStatic) || (major < 61 && has(AccStrict))))
	case k.c.IsInterface() && major >= 49:
		bad = !has(AccPublic) || has(AccPrivate|AccProtected|AccStatic|AccFinal|AccSynchronized|AccNative|AccStrict) || !has(AccAbstract)
	case k.c.IsInterface():
		bad = !has(AccPublic) || has(AccStatic|AccFinal|AccNative) || !has(AccAbstract)
	case illegalVisibility(a):
		bad = true
	case name == "<init>":
		bad = has(AccStatic|AccFinal|AccSynchronized|AccNative|AccAbstract) || (major >= 49 && has(AccBridge))
	case has(AccAbstract):
		bad = has(AccFinal|AccNative|AccPrivate|AccStatic) || (major >= 49 && (has(AccSynchronized) || (major < 61 && has(AccStrict))))
	}
	if bad {
		k.fail(at, "method %s has illegal modifiers 0x%04x", name, uint16(a))
	}
}

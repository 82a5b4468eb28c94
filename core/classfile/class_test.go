package classfile

import (
	"strings"
	"testing"
)

func TestAccessFlagsNames(t *testing.T) {
	for _, c := range []struct {
		a    AccessFlags
		kind FlagKind
		want string
	}{
		{AccPublic | AccSuper, ClassFlags, "ACC_PUBLIC, ACC_SUPER"},
		{AccPublic | AccSynchronized | AccStatic, MethodFlags, "ACC_PUBLIC, ACC_STATIC, ACC_SYNCHRONIZED"},
		{AccPrivate | AccVolatile, FieldFlags, "ACC_PRIVATE, ACC_VOLATILE"},
		{AccVarargs | AccBridge, MethodFlags, "ACC_BRIDGE, ACC_VARARGS"},
		{AccTransient, FieldFlags, "ACC_TRANSIENT"},
		{AccPublic | 0x0100 | 0x0040, ClassFlags, "ACC_PUBLIC, 0x100, 0x40"},
		{AccTransitive | AccMandated, RequiresFlags, "ACC_TRANSITIVE, ACC_MANDATED"},
		{0, MethodFlags, ""},
	} {
		if got := strings.Join(c.a.Names(c.kind), ", "); got != c.want {
			t.Errorf("%#04x as %d: %q, want %q", uint16(c.a), c.kind, got, c.want)
		}
	}
}

func TestAccessFlagsString(t *testing.T) {
	for _, c := range []struct {
		a    AccessFlags
		want string
	}{
		{0, "0"},
		{AccPublic | AccStatic, "ACC_PUBLIC|ACC_STATIC"},
		{AccSuper, "ACC_SUPER/ACC_SYNCHRONIZED/ACC_OPEN/ACC_TRANSITIVE"},
		{AccNative | AccAbstract, "ACC_NATIVE|ACC_ABSTRACT"},
	} {
		if got := c.a.String(); got != c.want {
			t.Errorf("%#04x: %q, want %q", uint16(c.a), got, c.want)
		}
	}
}

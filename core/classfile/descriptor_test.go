package classfile

import (
	"strings"
	"testing"
)

func TestParseFieldType(t *testing.T) {
	for _, c := range []struct {
		desc  string
		dims  int
		elem  byte
		class string
		java  string
		slots int
	}{
		{"I", 0, 'I', "", "int", 1},
		{"J", 0, 'J', "", "long", 2},
		{"D", 0, 'D', "", "double", 2},
		{"[J", 1, 'J', "", "long[]", 1},
		{"Ljava/lang/String;", 0, 'L', "java/lang/String", "java.lang.String", 1},
		{"[[Ljava/lang/Object;", 2, 'L', "java/lang/Object", "java.lang.Object[][]", 1},
		{"La-b/<x>;", 0, 'L', "a-b/<x>", "a-b.<x>", 1},
		{strings.Repeat("[", 255) + "Z", 255, 'Z', "", "boolean" + strings.Repeat("[]", 255), 1},
	} {
		ft, err := ParseFieldType(c.desc)
		if err != nil {
			t.Errorf("%q: %v", c.desc, err)
			continue
		}
		if ft.Dims != c.dims || ft.Elem != c.elem || ft.Class != c.class || ft.JavaName() != c.java || ft.Slots() != c.slots || ft.String() != c.desc {
			t.Errorf("%q: got %+v (%s, %d slots, %s)", c.desc, ft, ft.JavaName(), ft.Slots(), ft)
		}
	}
	for _, bad := range []string{"", "V", "[V", "[", "L;", "Ljava/lang/String", "La//b;", "L/a;", "La/;", "La.b;", "La[b;", "II",
		"I ", "X", strings.Repeat("[", 256) + "I", "(I)V"} {
		if ft, err := ParseFieldType(bad); err == nil {
			t.Errorf("%q accepted as %+v", bad, ft)
		}
	}
}

func TestParseMethodDescriptor(t *testing.T) {
	m, err := ParseMethodDescriptor("(IJ[DLjava/lang/String;)[Ljava/lang/Object;")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Params) != 4 || m.ArgSlots() != 5 || m.Return.Dims != 1 || m.Return.Class != "java/lang/Object" ||
		m.String() != "(IJ[DLjava/lang/String;)[Ljava/lang/Object;" {
		t.Fatalf("got %+v, %d slots, %s", m, m.ArgSlots(), m)
	}
	if m, err := ParseMethodDescriptor("()V"); err != nil || len(m.Params) != 0 || !m.Return.IsVoid() {
		t.Fatalf("()V: %+v %v", m, err)
	}
	for _, bad := range []string{"", "V", "()", "(V)V", "(I", "(I)", "()VV", "()[V", "(L;)V", "I)V", "(I)V ", "((I)V"} {
		if m, err := ParseMethodDescriptor(bad); err == nil {
			t.Errorf("%q accepted as %+v", bad, m)
		}
		if _, _, err := ArgSlots(bad); err == nil {
			t.Errorf("ArgSlots accepted %q", bad)
		}
	}
}

func TestArgSlots(t *testing.T) {
	for _, c := range []struct {
		desc      string
		args, ret int
	}{
		{"()V", 0, 0}, {"(I)I", 1, 1}, {"(JD)J", 4, 2}, {"([J[D)D", 2, 2}, {"(Ljava/lang/String;IJ)Ljava/lang/Object;", 4, 1},
	} {
		a, r, err := ArgSlots(c.desc)
		if err != nil || a != c.args || r != c.ret {
			t.Errorf("%s: got %d, %d, %v; want %d, %d", c.desc, a, r, err, c.args, c.ret)
		}
	}
	// The frame computation calls this for every invoke: it must not
	// allocate.
	if n := testing.AllocsPerRun(100, func() { ArgSlots("(Ljava/lang/String;IJ[[D)V") }); n != 0 {
		t.Errorf("ArgSlots allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(100, func() { NextFieldType("(Ljava/lang/String;IJ[[D)V", 1, false) }); n != 0 {
		t.Errorf("NextFieldType allocates %v times per call", n)
	}
}

// The names of JVMS §4.2 as HotSpot checks them, by version.
func TestValidNames(t *testing.T) {
	for _, c := range []struct {
		name         string
		major        uint16
		class, field bool
	}{
		{"java/lang/Object", 52, true, false},
		{"a-b", 52, true, true},
		{"a-b", 48, false, false},
		{"1abc", 49, true, true},
		{"1abc", 48, false, false},
		{"<init>", 52, true, true},
		{"<init>", 48, false, false},
		{"caf\u00e9", 48, true, true},
		{"a/b", 48, true, false},
		{"a.b", 52, false, false},
		{"a//b", 52, false, false},
		{"/a", 52, false, false},
		{"/a", 48, true, false},
		{"[I", 48, true, false},
		{"[V", 52, false, false},
		{"Ljava/lang/Object;", 52, false, false},
	} {
		if got := ValidClassName(c.name, c.major); got != c.class {
			t.Errorf("ValidClassName(%q, %d) = %v", c.name, c.major, got)
		}
		k := checker{c: &Class{Major: c.major}}
		k.fieldName(place{}, c.name)
		if got := k.err == nil; got != c.field {
			t.Errorf("field name %q at %d: legal %v", c.name, c.major, got)
		}
	}
	if !ValidUnqualifiedName("<clinit>", true) || ValidUnqualifiedName("<x>", true) || !ValidUnqualifiedName("<x>", false) {
		t.Error("special method names")
	}
}

func TestScanTypeIsJavapLenient(t *testing.T) {
	for _, c := range []struct {
		desc, java string
	}{{"V", "void"}, {"[V", "void[]"}, {"L;", ""}, {"La.b;", "a.b"}, {"La//b;", "a..b"}} {
		ft, end, ok := ScanType(c.desc, 0)
		if !ok || end != len(c.desc) || ft.JavaName() != c.java {
			t.Errorf("%q: %+v %d %v", c.desc, ft, end, ok)
		}
	}
}

// FuzzDescriptor: the parsers agree with each other and with the
// validators, give back what they read, and never panic.
func FuzzDescriptor(f *testing.F) {
	for _, s := range []string{"I", "[J", "Ljava/lang/String;", "(IJ[DLjava/lang/String;)V", "()V", "(L;)V", "([[[Z)[La/b;", "((", "[", "L", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMethodDescriptor(s)
		a, r, err2 := ArgSlots(s)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("%q: ParseMethodDescriptor %v, ArgSlots %v", s, err, err2)
		}
		if (err == nil) != ValidMethodDescriptor(s, 61) {
			t.Fatalf("%q: ParseMethodDescriptor %v, ValidMethodDescriptor disagrees", s, err)
		}
		if err == nil {
			if m.String() != s || m.ArgSlots() != a || m.Return.Slots() != r {
				t.Fatalf("%q: read back as %q, %d/%d slots vs %d/%d", s, m, m.ArgSlots(), m.Return.Slots(), a, r)
			}
		}
		ft, err := ParseFieldType(s)
		if (err == nil) != ValidFieldDescriptor(s, 61) {
			t.Fatalf("%q: ParseFieldType %v, ValidFieldDescriptor disagrees", s, err)
		}
		if err == nil && ft.String() != s {
			t.Fatalf("%q: read back as %q", s, ft)
		}
		ValidFieldDescriptor(s, 48)
		ValidMethodDescriptor(s, 48)
		ValidClassName(s, 48)
		ScanType(s, 0)
	})
}

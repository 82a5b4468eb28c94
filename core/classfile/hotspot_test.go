package classfile_test

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/internal/jvmtest"
)

// The attribute rules as HotSpot applies them, tested on a matrix: every
// attribute kind at every place the JVMS defines it, twice, or once with a
// body that does not decode, in classes of every version where the rules
// change. HotSpot's verdicts are kept in testdata/attribute-rules.hotspot;
// the test holds Check to them, and (with a JDK, not -short) holds them to
// HotSpot. -update rewrites the file from HotSpot.

var update = flag.Bool("update", false, "rewrite testdata/*.hotspot from the JDK's java")

// variant is one class of the matrix: attribute attr added at loc, twice or
// with a junk body.
type variant struct {
	loc, attr string
	junk      bool
}

var matrixVersions = []uint16{45, 48, 49, 50, 51, 52, 55, 60, 61}

var matrixAttrs = map[string][]string{
	"class": {classfile.AttrSourceFile, classfile.AttrSourceDebugExtension, classfile.AttrInnerClasses,
		classfile.AttrSynthetic, classfile.AttrDeprecated, classfile.AttrSignature, classfile.AttrEnclosingMethod,
		classfile.AttrRuntimeVisibleAnnotations, classfile.AttrRuntimeInvisibleAnnotations,
		classfile.AttrRuntimeVisibleTypeAnnotations, classfile.AttrRuntimeInvisibleTypeAnnotations,
		classfile.AttrBootstrapMethods, classfile.AttrNestHost, classfile.AttrNestMembers, classfile.AttrRecord,
		classfile.AttrPermittedSubclasses},
	"static field": {classfile.AttrConstantValue, classfile.AttrSynthetic, classfile.AttrSignature,
		classfile.AttrRuntimeVisibleAnnotations, classfile.AttrRuntimeInvisibleAnnotations,
		classfile.AttrRuntimeVisibleTypeAnnotations, classfile.AttrRuntimeInvisibleTypeAnnotations},
	"field": {classfile.AttrConstantValue, classfile.AttrDeprecated, classfile.AttrSignature},
	"method": {classfile.AttrCode, classfile.AttrExceptions, classfile.AttrMethodParameters, classfile.AttrSynthetic,
		classfile.AttrSignature, classfile.AttrRuntimeVisibleAnnotations, classfile.AttrRuntimeInvisibleAnnotations,
		classfile.AttrRuntimeVisibleParameterAnnotations, classfile.AttrRuntimeInvisibleParameterAnnotations,
		classfile.AttrAnnotationDefault, classfile.AttrRuntimeVisibleTypeAnnotations,
		classfile.AttrRuntimeInvisibleTypeAnnotations},
	"code": {classfile.AttrStackMapTable, classfile.AttrLineNumberTable, classfile.AttrLocalVariableTable,
		classfile.AttrLocalVariableTypeTable, classfile.AttrRuntimeVisibleTypeAnnotations},
	"record component": {classfile.AttrSignature, classfile.AttrRuntimeVisibleAnnotations},
}

func matrix() []variant {
	var out []variant
	locs := make([]string, 0, len(matrixAttrs))
	for l := range matrixAttrs {
		locs = append(locs, l)
	}
	sort.Strings(locs)
	for _, l := range locs {
		for _, a := range matrixAttrs[l] {
			out = append(out, variant{l, a, false}, variant{l, a, true})
		}
	}
	return out
}

func u2(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

// build makes class name of the given version with v applied.
func build(t testing.TB, name string, major uint16, v variant) []byte {
	t.Helper()
	c := &classfile.Class{Major: major, Access: classfile.AccPublic | classfile.AccSuper}
	if major == 45 {
		c.Minor = 3
	}
	p := &c.Pool
	must := func(i uint16, err error) uint16 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	c.This = must(p.AddClass(name))
	c.Super = must(p.AddClass("java/lang/Object"))
	init := must(p.AddMethodref("java/lang/Object", "<init>", "()V"))
	five := must(p.AddInteger(5))
	ctor := &classfile.Member{Access: classfile.AccPublic, NameIndex: must(p.AddUtf8("<init>")), DescIndex: must(p.AddUtf8("()V")),
		Attributes: []classfile.Attribute{&classfile.Code{MaxStack: 1, MaxLocals: 1, Code: []byte{0x2a, 0xb7, byte(init >> 8), byte(init), 0xb1}}}}
	mcode := &classfile.Code{Code: []byte{0xb1}}
	m := &classfile.Member{Access: classfile.AccPublic | classfile.AccStatic, NameIndex: must(p.AddUtf8("m")), DescIndex: must(p.AddUtf8("()V")),
		Attributes: []classfile.Attribute{mcode}}
	sf := &classfile.Member{Access: classfile.AccPublic | classfile.AccStatic, NameIndex: must(p.AddUtf8("f")), DescIndex: must(p.AddUtf8("I"))}
	f := &classfile.Member{Access: classfile.AccPublic, NameIndex: must(p.AddUtf8("g")), DescIndex: must(p.AddUtf8("I"))}
	c.Fields = []*classfile.Member{sf, f}
	c.Methods = []*classfile.Member{ctor, m}

	var body []byte
	switch v.attr {
	case classfile.AttrSourceFile:
		body = u2(must(p.AddUtf8("G.java")))
	case classfile.AttrSourceDebugExtension:
		body = []byte("SMAP")
	case classfile.AttrSynthetic, classfile.AttrDeprecated:
	case classfile.AttrSignature:
		sig := "Ljava/lang/Object;"
		switch v.loc {
		case "method":
			sig = "()V"
		case "field", "static field", "record component":
			sig = "I"
		}
		body = u2(must(p.AddUtf8(sig)))
	case classfile.AttrEnclosingMethod:
		body = append(u2(c.Super), 0, 0)
	case classfile.AttrNestHost:
		body = u2(c.Super)
	case classfile.AttrConstantValue:
		body = u2(five)
	case classfile.AttrCode:
		body = []byte{0, 0, 0, 0, 0, 0, 0, 1, 0xb1, 0, 0, 0, 0}
	case classfile.AttrMethodParameters, classfile.AttrRuntimeVisibleParameterAnnotations, classfile.AttrRuntimeInvisibleParameterAnnotations:
		body = []byte{0}
	case classfile.AttrAnnotationDefault:
		body = append([]byte{'I'}, u2(five)...)
	default: // a count of zero entries
		body = []byte{0, 0}
	}
	if v.junk {
		body = []byte{0xFF}
	}
	attrName := must(p.AddUtf8(v.attr))
	attr := func() classfile.Attribute {
		return &classfile.RawAttribute{Header: classfile.Header{NameIndex: attrName}, AttrName: v.attr, Info: body}
	}
	add := func(to *[]classfile.Attribute) {
		*to = append(*to, attr())
		if !v.junk {
			*to = append(*to, attr())
		}
	}
	switch v.loc {
	case "class":
		add(&c.Attributes)
	case "static field":
		add(&sf.Attributes)
	case "field":
		add(&f.Attributes)
	case "method":
		if v.attr == classfile.AttrCode {
			m.Attributes = nil
		}
		add(&m.Attributes)
	case "code":
		add(&mcode.Attributes)
	case "record component":
		var comp []classfile.Attribute
		add(&comp)
		rec := append(u2(1), u2(must(p.AddUtf8("x")))...)
		rec = append(rec, u2(must(p.AddUtf8("I")))...)
		rec = append(rec, u2(uint16(len(comp)))...)
		for range comp {
			rec = append(rec, u2(attrName)...)
			rec = binary.BigEndian.AppendUint32(rec, uint32(len(body)))
			rec = append(rec, body...)
		}
		c.Attributes = append(c.Attributes, &classfile.RawAttribute{Header: classfile.Header{NameIndex: must(p.AddUtf8(classfile.AttrRecord))},
			AttrName: classfile.AttrRecord, Info: rec})
	}
	b, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stackMapShapes are StackMapTable bodies for static void s(int), whose
// code is iload_0 ifeq +4 return return (a frame is due at 5), with
// max_stack 1 and max_locals 1; each a way HotSpot's reader can stop.
var stackMapShapes = []struct{ what, hex string }{
	{"a good frame", "0001 05"},
	{"a frame past the code", "0001 06"},
	{"a frame inside an instruction", "0001 02"},
	{"a reserved frame type", "0001 800005"},
	{"a bad verification type tag", "0001 4009"},
	{"a bad class index", "0001 45070000"},
	{"bytes left over", "0001 05 00"},
	{"more stack than max_stack", "0001 FF0005 0000 0002 0101"},
	{"a chop of more locals than there are", "0001 F90005"},
	{"more locals than max_locals", "0001 FC0005 01"},
	{"an uninitialized type at no new", "0001 45080000"},
	{"a table cut short", "0002 05"},
	{"an empty attribute", ""},
	{"a bad offset, then garbage", "0002 06 CA"},
	{"garbage, then a good frame", "0002 CA0005 05"},
	{"one byte", "FF"},
}

func unhex(t testing.TB, s string) []byte {
	s = strings.ReplaceAll(s, " ", "")
	b := make([]byte, len(s)/2)
	for i := range b {
		if _, err := fmt.Sscanf(s[2*i:2*i+2], "%02X", &b[i]); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// buildStackMap makes class name of the given version whose method s has
// the StackMapTable body smt.
func buildStackMap(t testing.TB, name string, major uint16, smt []byte) []byte {
	t.Helper()
	c := &classfile.Class{Major: major, Access: classfile.AccPublic | classfile.AccSuper}
	p := &c.Pool
	must := func(i uint16, err error) uint16 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	c.This = must(p.AddClass(name))
	c.Super = must(p.AddClass("java/lang/Object"))
	code := &classfile.Code{MaxStack: 1, MaxLocals: 1, Code: []byte{0x1a, 0x99, 0, 4, 0xb1, 0xb1},
		Attributes: []classfile.Attribute{&classfile.RawAttribute{Header: classfile.Header{NameIndex: must(p.AddUtf8(classfile.AttrStackMapTable))},
			AttrName: classfile.AttrStackMapTable, Info: smt}}}
	c.Methods = []*classfile.Member{{Access: classfile.AccPublic | classfile.AccStatic, NameIndex: must(p.AddUtf8("s")), DescIndex: must(p.AddUtf8("(I)V")),
		Attributes: []classfile.Attribute{code}}}
	b, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type matrixClass struct {
	file string
	what string
	data []byte
}

func matrixClasses(t testing.TB) []matrixClass {
	var out []matrixClass
	for _, ver := range matrixVersions {
		for i, v := range matrix() {
			name := fmt.Sprintf("V%dN%d", ver, i)
			what := "two " + v.attr
			if v.junk {
				what = "malformed " + v.attr
			}
			out = append(out, matrixClass{file: name + ".class", what: fmt.Sprintf("version %d, %s in %s", ver, what, v.loc), data: build(t, name, ver, v)})
		}
	}
	for _, ver := range []uint16{49, 50, 51, 52} {
		for i, sh := range stackMapShapes {
			name := fmt.Sprintf("V%dS%d", ver, i)
			out = append(out, matrixClass{file: name + ".class", what: fmt.Sprintf("version %d, StackMapTable with %s", ver, sh.what),
				data: buildStackMap(t, name, ver, unhex(t, sh.hex))})
		}
	}
	out = append(out, poolClasses(t)...)
	return append(out, flagClasses(t)...)
}

// writeJar keeps the matrix's classes for other packages' tests (the
// verifier's), beside their verdicts.
func writeJar(t *testing.T, path string, classes []matrixClass) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, mc := range classes {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: mc.file, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(mc.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// hotspotVerdicts runs Define.java over files and returns file -> verdict.
func hotspotVerdicts(t *testing.T, dir string, files []string) map[string]string {
	t.Helper()
	src, err := os.ReadFile("testdata/Define.java")
	if err != nil {
		t.Fatal(err)
	}
	ld := jvmtest.Javac(t, map[string]string{"Define.java": string(src)})
	r := jvmtest.MustJava(t, append([]string{"-Xverify:all", "-Xshare:off", "-cp", ld, "Define"}, files...)...)
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		f, v, _ := strings.Cut(line, " ")
		out[filepath.Join(dir, f)] = v
	}
	return out
}

// readVerdicts reads a .hotspot file: one line per class file, its name and
// HotSpot's verdict.
func readVerdicts(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, v, _ := strings.Cut(line, " ")
		out[name] = v
	}
	return out
}

// refusedByFormat reports whether a HotSpot verdict is a format error.
func refusedByFormat(v string) bool {
	return strings.HasPrefix(v, "java.lang.ClassFormatError") || strings.HasPrefix(v, "java.lang.UnsupportedClassVersionError")
}

func TestAttributeRulesAgainstHotSpot(t *testing.T) {
	classes := matrixClasses(t)
	golden := "testdata/attribute-rules.hotspot"
	if *update || !testing.Short() {
		dir := t.TempDir()
		var files []string
		for _, mc := range classes {
			p := filepath.Join(dir, mc.file)
			if err := os.WriteFile(p, mc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
		hs := hotspotVerdicts(t, dir, files)
		if *update {
			var b strings.Builder
			b.WriteString("# HotSpot 17 (-Xverify:all) on the classes hotspot_test.go builds: file, verdict. Regenerate with go test -run AttributeRules -update.\n")
			for _, mc := range classes {
				fmt.Fprintf(&b, "%s %s\n", mc.file, hs[filepath.Join(dir, mc.file)])
			}
			if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			writeJar(t, "testdata/attribute-rules.jar", classes)
		}
		want := readVerdicts(t, golden)
		for _, mc := range classes {
			if got := hs[filepath.Join(dir, mc.file)]; got != want[mc.file] {
				t.Errorf("%s (%s): HotSpot now says %q, %s says %q", mc.file, mc.what, got, golden, want[mc.file])
			}
		}
	}
	want := readVerdicts(t, golden)
	for _, mc := range classes {
		c, err := classfile.Parse(mc.data)
		if err != nil {
			t.Errorf("%s (%s): Parse: %v", mc.file, mc.what, err)
			continue
		}
		if !c.Equal(mc.data) {
			t.Errorf("%s (%s): not written back identical", mc.file, mc.what)
		}
		got := classfile.Check(c)
		if hs := want[mc.file]; refusedByFormat(hs) != (got != nil) {
			t.Errorf("%s (%s): HotSpot: %s; Check: %v", mc.file, mc.what, hs, got)
		}
	}
}

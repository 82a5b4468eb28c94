package javap

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"dvmlab/core/classfile"
)

// File is a class file as the first lines of javap -v describe it.
type File struct {
	Path     string    // shown after "Classfile"; javap shows the absolute path
	Modified time.Time // the zero time leaves out the date
	Data     []byte    // the file's bytes: parsed, and their size and SHA-256 shown
}

// PrintFile parses f.Data and prints it as Print does; with Verbose it
// starts with javap's lines about the file (path, date and size, SHA-256).
func PrintFile(w io.Writer, f File, opt Options) error {
	c, err := classfile.Parse(f.Data)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	p := newPrinter(bw, c, opt)
	p.class(&f)
	p.o.flush()
	return bw.Flush()
}

// fileHeader prints the lines that follow "Classfile", at the
// indentation the caller has set.
func (p *printer) fileHeader(f *File) {
	// javap formats the date in the default locale's medium style; this
	// is the English form.
	switch {
	case !f.Modified.IsZero() && len(f.Data) > 0:
		p.println("Last modified " + f.Modified.Format("Jan 2, 2006") + "; size " + strconv.Itoa(len(f.Data)) + " bytes")
	case !f.Modified.IsZero():
		p.println("Last modified " + f.Modified.Format("Jan 2, 2006"))
	case len(f.Data) > 0:
		p.println("Size " + strconv.Itoa(len(f.Data)) + " bytes")
	}
	sum := sha256.Sum256(f.Data)
	p.println("SHA-256 checksum " + hex.EncodeToString(sum[:]))
}

func (p *printer) flags(a classfile.AccessFlags, kind classfile.FlagKind) {
	p.println(fmt.Sprintf("flags: (0x%04x) ", uint16(a)) + strings.Join(a.Names(kind), ", "))
}

func (p *printer) verboseClassHeader() {
	c := p.c
	p.o.in(1)
	p.println("minor version: " + strconv.Itoa(int(c.Minor)))
	p.println("major version: " + strconv.Itoa(int(c.Major)))
	p.flags(c.Access, classfile.ClassFlags)
	p.print("this_class: #" + strconv.Itoa(int(c.This)))
	if c.This != 0 {
		p.o.tab()
		p.print("// " + p.value(c.This))
	}
	p.println("")
	p.print("super_class: #" + strconv.Itoa(int(c.Super)))
	if c.Super != 0 {
		p.o.tab()
		p.print("// " + p.value(c.Super))
	}
	p.println("")
	p.println(fmt.Sprintf("interfaces: %d, fields: %d, methods: %d, attributes: %d",
		len(c.Interfaces), len(c.Fields), len(c.Methods), len(c.Attributes)))
	p.o.in(-1)
	p.constantPool()
}

func (p *printer) constantPool() {
	pool := &p.c.Pool
	p.println("Constant pool:")
	p.o.in(1)
	width := len(strconv.Itoa(pool.Len())) + 1
	for i := 1; i < pool.Len(); i++ {
		e := &pool.Entries[i]
		if e.Tag == 0 {
			continue
		}
		p.print(fmt.Sprintf("%*s", width, "#"+strconv.Itoa(i)))
		p.print(fmt.Sprintf(" = %-18s ", e.Tag.String()))
		ref := func(operands string) {
			p.print(operands)
			p.o.tab()
			p.println("// " + p.valueOf(e))
		}
		a, b := "#"+strconv.Itoa(int(e.A)), "#"+strconv.Itoa(int(e.B))
		switch e.Tag {
		case classfile.TagClass, classfile.TagString, classfile.TagModule, classfile.TagPackage:
			ref(a)
		case classfile.TagFieldref, classfile.TagMethodref, classfile.TagInterfaceMethodref:
			ref(a + "." + b)
		case classfile.TagNameAndType, classfile.TagDynamic, classfile.TagInvokeDynamic:
			ref(a + ":" + b)
		case classfile.TagMethodHandle:
			ref(strconv.Itoa(int(e.Kind)) + ":" + a)
		case classfile.TagMethodType:
			// javap puts two spaces after the slashes here, and only here.
			p.print(a)
			p.o.tab()
			p.println("//  " + p.valueOf(e))
		default:
			p.println(p.valueOf(e))
		}
	}
	p.o.in(-1)
}

// attributes prints attributes as javap -v does, each in its own format.
func (p *printer) attributes(attrs []classfile.Attribute) {
	for _, a := range attrs {
		p.attribute(a)
	}
}

func (p *printer) attribute(a classfile.Attribute) {
	switch a := a.(type) {
	case *classfile.Code:
		p.codeAttribute(a)
	case *classfile.ConstantValue:
		p.println("ConstantValue: " + p.constRef(a.ValueIndex))
	case *classfile.SourceFile:
		s, _ := p.utf8(a.Index)
		p.println(`SourceFile: "` + s + `"`)
	case *classfile.Signature:
		p.print("Signature: #" + strconv.Itoa(int(a.Index)))
		p.o.tab()
		s, _ := p.utf8(a.Index)
		p.println("// " + s)
	case *classfile.Exceptions:
		p.println("Exceptions:")
		p.o.in(1)
		p.print("throws ")
		for i, x := range a.Classes {
			if i > 0 {
				p.print(", ")
			}
			n, _ := p.className(x)
			p.print(dotted(n))
		}
		p.println("")
		p.o.in(-1)
	case *classfile.LineNumberTable:
		p.println("LineNumberTable:")
		p.o.in(1)
		for _, l := range a.Lines {
			p.println("line " + strconv.Itoa(int(l.Line)) + ": " + strconv.Itoa(int(l.StartPC)))
		}
		p.o.in(-1)
	case *classfile.LocalVariableTable:
		p.println(a.Name() + ":")
		p.o.in(1)
		p.println("Start  Length  Slot  Name   Signature")
		for _, v := range a.Vars {
			p.println(fmt.Sprintf("%5d %7d %5d %5s   %s", v.StartPC, v.Length, v.Slot, p.value(v.NameIndex), p.value(v.DescIndex)))
		}
		p.o.in(-1)
	case *classfile.StackMapTable:
		p.stackMapTable(a)
	case *classfile.InnerClasses:
		p.innerClasses(a)
	case *classfile.EnclosingMethod:
		p.print("EnclosingMethod: #" + strconv.Itoa(int(a.Class)) + ".#" + strconv.Itoa(int(a.Method)))
		p.o.tab()
		n, _ := p.className(a.Class)
		p.print("// " + dotted(n))
		if a.Method != 0 {
			name := invalid
			if e := p.entry(a.Method); e != nil && e.Tag == classfile.TagNameAndType {
				name, _ = p.utf8(e.A)
			}
			p.print("." + name)
		}
		p.println("")
	case *classfile.Synthetic:
		p.println("Synthetic: true")
	case *classfile.Deprecated:
		p.println("Deprecated: true")
	case *classfile.SourceDebugExtension:
		p.println("SourceDebugExtension:")
		p.o.in(1)
		for _, l := range strings.FieldsFunc(string(a.Data), func(r rune) bool { return r == '\r' || r == '\n' }) {
			p.println(l)
		}
		p.o.in(-1)
	case *classfile.Annotations:
		p.println(a.Name() + ":")
		p.o.in(1)
		for i := range a.Annotations {
			p.print(strconv.Itoa(i) + ": ")
			p.annotation(&a.Annotations[i])
			p.println("")
		}
		p.o.in(-1)
	case *classfile.ParameterAnnotations:
		p.println(a.Name() + ":")
		p.o.in(1)
		for i, param := range a.Parameters {
			p.println("parameter " + strconv.Itoa(i) + ": ")
			p.o.in(1)
			for j := range param {
				p.print(strconv.Itoa(j) + ": ")
				p.annotation(&param[j])
				p.println("")
			}
			p.o.in(-1)
		}
		p.o.in(-1)
	case *classfile.TypeAnnotations:
		p.println(a.Name() + ":")
		p.o.in(1)
		for i := range a.Annotations {
			p.print(strconv.Itoa(i) + ": ")
			p.typeAnnotation(&a.Annotations[i])
			p.println("")
		}
		p.o.in(-1)
	case *classfile.AnnotationDefault:
		p.println("AnnotationDefault:")
		p.o.in(1)
		p.print("default_value: ")
		p.elementValueBoth(&a.Value)
		p.o.in(-1)
		p.println("")
	case *classfile.BootstrapMethods:
		p.println("BootstrapMethods:")
		for i, bm := range a.Methods {
			p.o.in(1)
			p.print(strconv.Itoa(i) + ": #" + strconv.Itoa(int(bm.Ref)) + " ")
			p.println(p.value(bm.Ref))
			p.o.in(1)
			p.println("Method arguments:")
			p.o.in(1)
			for _, arg := range bm.Args {
				p.print("#" + strconv.Itoa(int(arg)) + " ")
				p.println(p.value(arg))
			}
			p.o.in(-3)
		}
	case *classfile.MethodParameters:
		p.println("MethodParameters:")
		p.o.in(1)
		p.println(fmt.Sprintf("%-31s%s", "Name", "Flags"))
		for _, mp := range a.Params {
			name := "<no name>"
			if mp.NameIndex != 0 {
				name = p.value(mp.NameIndex)
			}
			var fl string
			if mp.Access&classfile.AccFinal != 0 {
				fl += "final "
			}
			if mp.Access&classfile.AccMandated != 0 {
				fl += "mandated "
			}
			if mp.Access&classfile.AccSynthetic != 0 {
				fl += "synthetic"
			}
			p.println(fmt.Sprintf("%-31s%s", name, fl))
		}
		p.o.in(-1)
	case *classfile.Module:
		p.moduleAttribute(a)
	case *classfile.ModulePackages:
		p.println("ModulePackages: ")
		p.o.in(1)
		for _, x := range a.Packages {
			p.print("#" + strconv.Itoa(int(x)))
			p.o.tab()
			p.println("// " + dotted(p.packageName(x)))
		}
		p.o.in(-1)
	case *classfile.ModuleMainClass:
		p.print("ModuleMainClass: #" + strconv.Itoa(int(a.MainClass)))
		p.o.tab()
		n, _ := p.className(a.MainClass)
		p.println("// " + dotted(n))
	case *classfile.NestHost:
		p.println("NestHost: " + p.constRef(a.HostClass))
	case *classfile.NestMembers:
		p.classList("NestMembers:", a.Classes)
	case *classfile.PermittedSubclasses:
		p.classList("PermittedSubclasses:", a.Classes)
	case *classfile.Record:
		p.println("Record:")
		p.o.in(1)
		for i := range a.Components {
			p.recordComponent(&a.Components[i])
		}
		p.o.in(-1)
	case *classfile.RawAttribute:
		p.rawAttribute(a)
	default:
		p.println(a.Name() + ": (not shown)")
	}
}

func (p *printer) classList(head string, classes []uint16) {
	p.println(head)
	p.o.in(1)
	for _, x := range classes {
		p.println(p.value(x))
	}
	p.o.in(-1)
}

func (p *printer) codeAttribute(code *classfile.Code) {
	p.println("Code:")
	p.o.in(1)
	static := p.cur != nil && p.cur.Access&classfile.AccStatic != 0
	desc := ""
	if p.cur != nil {
		desc, _ = p.utf8(p.cur.DescIndex)
	}
	p.println("stack=" + strconv.Itoa(int(code.MaxStack)) + ", locals=" + strconv.Itoa(int(code.MaxLocals)) +
		", args_size=" + argsSize(desc, static))
	p.instructions(code)
	p.exceptionTable(code)
	p.attributes(code.Attributes)
	p.o.in(-1)
}

func (p *printer) innerClasses(a *classfile.InnerClasses) {
	first := true
	for _, ic := range a.Classes {
		if !p.shown(ic.Access) {
			continue
		}
		if first {
			p.println("InnerClasses:")
			p.o.in(1)
			first = false
		}
		acc := ic.Access
		if acc&classfile.AccInterface != 0 {
			acc &^= classfile.AccAbstract
		}
		p.writeModifiers(modifiers(acc, innerMods))
		if ic.InnerName != 0 {
			p.print("#" + strconv.Itoa(int(ic.InnerName)) + "= ")
		}
		p.print("#" + strconv.Itoa(int(ic.Inner)))
		if ic.Outer != 0 {
			p.print(" of #" + strconv.Itoa(int(ic.Outer)))
		}
		p.print(";")
		p.o.tab()
		p.print("// ")
		if ic.InnerName != 0 {
			n, _ := p.utf8(ic.InnerName)
			p.print(n + "=")
		}
		p.print(p.constRef(ic.Inner))
		if ic.Outer != 0 {
			p.print(" of " + p.constRef(ic.Outer))
		}
		p.println("")
	}
	if !first {
		p.o.in(-1)
	}
}

// Verification type names of StackMapTable entries (JVMS §4.7.4).
var vtNames = [...]string{classfile.VTTop: "top", classfile.VTInteger: "int", classfile.VTFloat: "float",
	classfile.VTDouble: "double", classfile.VTLong: "long", classfile.VTNull: "null",
	classfile.VTUninitializedThis: "this", classfile.VTObject: "CP", classfile.VTUninitialized: "uninitialized"}

func (p *printer) stackMapTable(a *classfile.StackMapTable) {
	p.println("StackMapTable: number_of_entries = " + strconv.Itoa(len(a.Frames)))
	p.o.in(1)
	for _, f := range a.Frames {
		t := f.Type
		p.print("frame_type = " + strconv.Itoa(int(t)) + " ")
		delta := func() { p.println("offset_delta = " + strconv.Itoa(int(f.OffsetDelta))) }
		switch {
		case t <= classfile.FrameSameMax:
			p.println("/* same */")
		case t <= classfile.FrameSameLocals1Max:
			p.println("/* same_locals_1_stack_item */")
			p.o.in(1)
			p.verificationTypes("stack", f.Stack)
			p.o.in(-1)
		case t < classfile.FrameSameLocals1Ext:
			p.println("/* unknown */")
		case t == classfile.FrameSameLocals1Ext:
			p.println("/* same_locals_1_stack_item_frame_extended */")
			p.o.in(1)
			delta()
			p.verificationTypes("stack", f.Stack)
			p.o.in(-1)
		case t <= classfile.FrameChopMax:
			p.println("/* chop */")
			p.o.in(1)
			delta()
			p.o.in(-1)
		case t == classfile.FrameSameExt:
			p.println("/* same_frame_extended */")
			p.o.in(1)
			delta()
			p.o.in(-1)
		case t <= classfile.FrameAppendMax:
			p.println("/* append */")
			p.o.in(1)
			delta()
			p.verificationTypes("locals", f.Locals)
			p.o.in(-1)
		default:
			p.println("/* full_frame */")
			p.o.in(1)
			delta()
			p.verificationTypes("locals", f.Locals)
			p.verificationTypes("stack", f.Stack)
			p.o.in(-1)
		}
	}
	p.o.in(-1)
}

func (p *printer) verificationTypes(name string, ts []classfile.VerificationType) {
	p.print(name + " = [")
	for i, v := range ts {
		switch {
		case v.Tag == classfile.VTObject:
			p.print(" " + p.constRef(v.Data))
		case v.Tag == classfile.VTUninitialized:
			p.print(" uninitialized " + strconv.Itoa(int(v.Data)))
		case int(v.Tag) < len(vtNames):
			p.print(" " + vtNames[v.Tag])
		default:
			p.print(" [tag:" + strconv.Itoa(int(v.Tag)) + "]")
		}
		if i == len(ts)-1 {
			p.print(" ")
		} else {
			p.print(",")
		}
	}
	p.println("]")
}

func (p *printer) recordComponent(rc *classfile.RecordComponent) {
	desc, _ := p.utf8(rc.DescIndex)
	if sig, ok := p.signature(rc.Attributes); ok && !sig.method && !sig.class {
		p.print(dotted(sig.super.String()))
	} else {
		p.print(fieldDesc(desc))
	}
	name, _ := p.utf8(rc.NameIndex)
	p.print(" " + name)
	p.println(";")
	p.o.in(1)
	p.println("descriptor: " + desc)
	p.attributes(rc.Attributes)
	p.println("")
	p.o.in(-1)
}

// annotation prints an annotation twice, as javap -v does: first with
// pool indices, then, on the next lines, resolved.
func (p *printer) annotation(a *classfile.Annotation) {
	p.annotationText(a, false)
	p.println("")
	p.o.in(1)
	p.annotationText(a, true)
	p.o.in(-1)
}

func (p *printer) annotationText(a *classfile.Annotation, resolve bool) {
	p.annotationType(a.TypeIndex, resolve)
	if resolve {
		if len(a.Pairs) > 0 {
			p.println("(")
			p.o.in(1)
		}
		for i := range a.Pairs {
			p.elementPair(&a.Pairs[i], true)
			p.println("")
		}
		if len(a.Pairs) > 0 {
			p.o.in(-1)
			p.print(")")
		}
		return
	}
	p.print("(")
	for i := range a.Pairs {
		if i > 0 {
			p.print(",")
		}
		p.elementPair(&a.Pairs[i], false)
	}
	p.print(")")
}

func (p *printer) annotationType(i uint16, resolve bool) {
	if resolve {
		if s, ok := p.utf8(i); ok {
			if t, ok := descTypes(s); ok && len(t) == 1 {
				p.print(t[0])
				return
			}
		}
	}
	p.print("#" + strconv.Itoa(int(i)))
}

func (p *printer) index(i uint16, resolve bool) {
	if resolve {
		p.print(p.value(i))
	} else {
		p.print("#" + strconv.Itoa(int(i)))
	}
}

func (p *printer) elementPair(e *classfile.ElementPair, resolve bool) {
	p.index(e.NameIndex, resolve)
	p.print("=")
	p.elementValue(&e.Value, resolve)
}

func (p *printer) elementValueBoth(v *classfile.ElementValue) {
	p.elementValue(v, false)
	p.println("")
	p.o.in(1)
	p.elementValue(v, true)
	p.o.in(-1)
}

func (p *printer) elementValue(v *classfile.ElementValue, resolve bool) {
	tag := string(rune(v.Tag))
	raw := tag + "#" + strconv.Itoa(int(v.Index))
	switch v.Tag {
	case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 's':
		if !resolve {
			p.print(raw)
			return
		}
		switch v.Tag {
		case 'B':
			p.print("(byte) " + p.value(v.Index))
		case 'C':
			p.print("'" + p.intConst(v.Index, func(n int32) string { return string(rune(uint16(n))) }) + "'")
		case 'S':
			p.print("(short) " + p.value(v.Index))
		case 'Z':
			p.print(p.intConst(v.Index, func(n int32) string {
				switch n {
				case 0:
					return "false"
				case 1:
					return "true"
				}
				return "#" + strconv.Itoa(int(v.Index))
			}))
		case 's':
			p.print(`"` + p.value(v.Index) + `"`)
		default:
			p.print(p.value(v.Index))
		}
	case 'e':
		if !resolve {
			p.print(raw + ".#" + strconv.Itoa(int(v.Const)))
			return
		}
		p.index(v.Index, true)
		p.print(".")
		p.index(v.Const, true)
	case 'c':
		if !resolve {
			p.print(raw)
			return
		}
		p.print("class ")
		p.index(v.Index, true)
	case '@':
		p.print("@")
		if v.Annotation != nil {
			p.annotationText(v.Annotation, resolve)
		}
	case '[':
		p.print("[")
		for i := range v.Array {
			if i > 0 {
				p.print(",")
			}
			p.elementValue(&v.Array[i], resolve)
		}
		p.print("]")
	default:
		p.print(raw)
	}
}

// intConst formats an Integer constant (how boolean and char element
// values are stored), or names the index when it is not one.
func (p *printer) intConst(i uint16, f func(int32) string) string {
	if e := p.entry(i); e != nil && e.Tag == classfile.TagInteger {
		return f(e.Int())
	}
	return "#" + strconv.Itoa(int(i))
}

// Target type names as javap prints a type annotation's position.
var targetNames = map[uint8]string{
	classfile.TargetClassTypeParameter: "CLASS_TYPE_PARAMETER", classfile.TargetMethodTypeParameter: "METHOD_TYPE_PARAMETER",
	classfile.TargetClassExtends: "CLASS_EXTENDS", classfile.TargetClassTypeParameterBound: "CLASS_TYPE_PARAMETER_BOUND",
	classfile.TargetMethodTypeParameterBound: "METHOD_TYPE_PARAMETER_BOUND", classfile.TargetField: "FIELD",
	classfile.TargetMethodReturn: "METHOD_RETURN", classfile.TargetMethodReceiver: "METHOD_RECEIVER",
	classfile.TargetMethodFormalParameter: "METHOD_FORMAL_PARAMETER", classfile.TargetThrows: "THROWS",
	classfile.TargetLocalVariable: "LOCAL_VARIABLE", classfile.TargetResourceVariable: "RESOURCE_VARIABLE",
	classfile.TargetExceptionParameter: "EXCEPTION_PARAMETER", classfile.TargetInstanceof: "INSTANCEOF",
	classfile.TargetNew: "NEW", classfile.TargetConstructorReference: "CONSTRUCTOR_REFERENCE",
	classfile.TargetMethodReference: "METHOD_REFERENCE", classfile.TargetCast: "CAST",
	classfile.TargetConstructorInvocationArg: "CONSTRUCTOR_INVOCATION_TYPE_ARGUMENT",
	classfile.TargetMethodInvocationArg:      "METHOD_INVOCATION_TYPE_ARGUMENT",
	classfile.TargetConstructorReferenceArg:  "CONSTRUCTOR_REFERENCE_TYPE_ARGUMENT",
	classfile.TargetMethodReferenceTypeArg:   "METHOD_REFERENCE_TYPE_ARGUMENT",
}

var pathKinds = [...]string{"ARRAY", "INNER_TYPE", "WILDCARD", "TYPE_ARGUMENT"}

func (p *printer) typeAnnotation(t *classfile.TypeAnnotation) {
	p.annotationText(&t.Annotation, false)
	p.print(": ")
	p.typePosition(t)
	p.println("")
	p.o.in(1)
	p.annotationText(&t.Annotation, true)
	p.o.in(-1)
}

func (p *printer) typePosition(t *classfile.TypeAnnotation) {
	name, ok := targetNames[t.TargetType]
	if !ok {
		name = fmt.Sprintf("UNKNOWN(0x%02x)", t.TargetType)
	}
	p.print(name)
	itoa := func(n uint16) string { return strconv.Itoa(int(n)) }
	switch t.TargetType {
	case classfile.TargetInstanceof, classfile.TargetNew, classfile.TargetConstructorReference, classfile.TargetMethodReference:
		p.print(", offset=" + itoa(t.Offset))
	case classfile.TargetLocalVariable, classfile.TargetResourceVariable:
		p.print(", {")
		for i, lv := range t.LocalVars {
			if i > 0 {
				p.print("; ")
			}
			p.print("start_pc=" + itoa(lv.StartPC) + ", length=" + itoa(lv.Length) + ", index=" + itoa(lv.Slot))
		}
		p.print("}")
	case classfile.TargetExceptionParameter:
		p.print(", exception_index=" + itoa(t.Index))
	case classfile.TargetClassTypeParameter, classfile.TargetMethodTypeParameter, classfile.TargetMethodFormalParameter:
		p.print(", param_index=" + itoa(t.Index))
	case classfile.TargetClassTypeParameterBound, classfile.TargetMethodTypeParameterBound:
		p.print(", param_index=" + itoa(t.Index) + ", bound_index=" + strconv.Itoa(int(t.Bound)))
	case classfile.TargetClassExtends, classfile.TargetThrows:
		p.print(", type_index=" + strconv.Itoa(int(int16(t.Index))))
	case classfile.TargetCast, classfile.TargetConstructorInvocationArg, classfile.TargetMethodInvocationArg,
		classfile.TargetConstructorReferenceArg, classfile.TargetMethodReferenceTypeArg:
		p.print(", offset=" + itoa(t.Offset) + ", type_index=" + itoa(t.Index))
	}
	if len(t.Path) > 0 {
		var parts []string
		for _, e := range t.Path {
			k := "UNKNOWN"
			if int(e.Kind) < len(pathKinds) {
				k = pathKinds[e.Kind]
			}
			if e.Kind == 3 {
				k += "(" + strconv.Itoa(int(e.ArgIndex)) + ")"
			}
			parts = append(parts, k)
		}
		p.print(", location=[" + strings.Join(parts, ", ") + "]")
	}
}

func (p *printer) moduleAttribute(m *classfile.Module) {
	hexf := func(f classfile.AccessFlags) string { return strconv.FormatUint(uint64(f), 16) }
	itoa := func(i uint16) string { return strconv.Itoa(int(i)) }
	p.println("Module:")
	p.o.in(1)
	p.print("#" + itoa(m.NameIndex) + "," + hexf(m.Flags))
	p.o.tab()
	p.print("// " + p.value(m.NameIndex))
	for _, f := range []modifier{{classfile.AccOpen, " ACC_OPEN"}, {classfile.AccMandated, " ACC_MANDATED"}, {classfile.AccSynthetic, " ACC_SYNTHETIC"}} {
		if m.Flags&f.flag != 0 {
			p.print(f.word)
		}
	}
	p.println("")
	p.version(m.Version)

	p.count(len(m.Requires), "requires")
	p.o.in(1)
	for _, r := range m.Requires {
		p.print("#" + itoa(r.Module) + "," + hexf(r.Flags))
		p.o.tab()
		p.print("// " + p.value(r.Module))
		for _, f := range []modifier{{classfile.AccTransitive, " ACC_TRANSITIVE"}, {classfile.AccStaticPhase, " ACC_STATIC_PHASE"}, {classfile.AccSynthetic, " ACC_SYNTHETIC"}, {classfile.AccMandated, " ACC_MANDATED"}} {
			if r.Flags&f.flag != 0 {
				p.print(f.word)
			}
		}
		p.println("")
		p.version(r.Version)
	}
	p.o.in(-1)
	for _, t := range []struct {
		word string
		es   []classfile.ModuleExports
	}{{"exports", m.Exports}, {"opens", m.Opens}} {
		p.count(len(t.es), t.word)
		p.o.in(1)
		for _, e := range t.es {
			p.print("#" + itoa(e.Package) + "," + hexf(e.Flags))
			p.o.tab()
			p.print("// " + p.value(e.Package))
			if e.Flags&classfile.AccMandated != 0 {
				p.print(" ACC_MANDATED")
			}
			if e.Flags&classfile.AccSynthetic != 0 {
				p.print(" ACC_SYNTHETIC")
			}
			if len(e.To) == 0 {
				p.println("")
				continue
			}
			p.println(" to ... " + strconv.Itoa(len(e.To)))
			p.o.in(1)
			for _, to := range e.To {
				p.print("#" + itoa(to))
				p.o.tab()
				p.println("// ... to " + p.value(to))
			}
			p.o.in(-1)
		}
		p.o.in(-1)
	}
	p.count(len(m.Uses), "uses")
	p.o.in(1)
	for _, u := range m.Uses {
		p.print("#" + itoa(u))
		p.o.tab()
		p.println("// " + p.value(u))
	}
	p.o.in(-1)
	p.count(len(m.Provides), "provides")
	p.o.in(1)
	for _, pr := range m.Provides {
		p.print("#" + itoa(pr.Service))
		p.o.tab()
		p.println("// " + p.value(pr.Service) + " with ... " + strconv.Itoa(len(pr.With)))
		p.o.in(1)
		for _, w := range pr.With {
			p.print("#" + itoa(w))
			p.o.tab()
			p.println("// ... with " + p.value(w))
		}
		p.o.in(-1)
	}
	p.o.in(-1)
	p.o.in(-1)
}

func (p *printer) version(i uint16) {
	p.print("#" + strconv.Itoa(int(i)))
	if i != 0 {
		p.o.tab()
		p.print("// " + p.value(i))
	}
	p.println("")
}

func (p *printer) count(n int, word string) {
	p.print(strconv.Itoa(n))
	p.o.tab()
	p.println("// " + word)
}

// rawAttribute prints an attribute the classfile package does not model:
// the JDK's own module attributes in their javap form, anything else as a
// hex dump.
func (p *printer) rawAttribute(a *classfile.RawAttribute) {
	d := a.Info
	u2 := func(at int) (uint16, bool) {
		if at+2 > len(d) {
			return 0, false
		}
		return binary.BigEndian.Uint16(d[at:]), true
	}
	switch a.AttrName {
	case "ModuleTarget":
		if i, ok := u2(0); ok && len(d) == 2 {
			p.println("ModuleTarget:")
			p.o.in(1)
			p.print("target_platform: #" + strconv.Itoa(int(i)))
			if i != 0 {
				p.o.tab()
				p.print("// " + p.value(i))
			}
			p.println("")
			p.o.in(-1)
			return
		}
	case "ModuleResolution":
		if f, ok := u2(0); ok && len(d) == 2 {
			p.println("ModuleResolution:")
			p.o.in(1)
			p.print(strconv.FormatUint(uint64(f), 16))
			p.o.tab()
			p.print("// ")
			for _, n := range []struct {
				bit  uint16
				name string
			}{{1, " DO_NOT_RESOLVE_BY_DEFAULT"}, {2, " WARN_DEPRECATED"}, {4, " WARN_DEPRECATED_FOR_REMOVAL"}, {8, " WARN_INCUBATING"}} {
				if f&n.bit != 0 {
					p.print(n.name)
				}
			}
			p.println("")
			p.o.in(-1)
			return
		}
	case "ModuleHashes":
		if p.moduleHashes(d) {
			return
		}
	}
	reason := "unknown attribute"
	if javapReads[a.AttrName] {
		reason = javapFailure
	}
	p.print("  " + a.AttrName + ": length = 0x" + strings.ToUpper(strconv.FormatInt(int64(len(d)), 16)) + " (" + reason + ")")
	p.println("")
	p.print("   ")
	for i, b := range d {
		p.print(fmt.Sprintf("%02X", b))
		if (i+1)%16 == 0 {
			p.println("")
			p.print("   ")
		} else {
			p.print(" ")
		}
	}
	p.println("")
}

func (p *printer) moduleHashes(d []byte) bool {
	if len(d) < 4 {
		return false
	}
	alg := binary.BigEndian.Uint16(d)
	n := int(binary.BigEndian.Uint16(d[2:]))
	type entry struct {
		name uint16
		hash []byte
	}
	var es []entry
	at := 4
	for range n {
		if at+4 > len(d) {
			return false
		}
		name := binary.BigEndian.Uint16(d[at:])
		l := int(binary.BigEndian.Uint16(d[at+2:]))
		at += 4
		if at+l > len(d) {
			return false
		}
		es = append(es, entry{name, d[at : at+l]})
		at += l
	}
	if at != len(d) {
		return false
	}
	p.println("ModuleHashes:")
	p.o.in(1)
	p.print("algorithm: #" + strconv.Itoa(int(alg)))
	p.o.tab()
	s, _ := p.utf8(alg)
	p.println("// " + s)
	for _, e := range es {
		p.print("#" + strconv.Itoa(int(e.name)))
		p.o.tab()
		p.println("// " + p.moduleName(e.name))
		p.println("hash_length: " + strconv.Itoa(len(e.hash)))
		p.println("hash: [" + hex.EncodeToString(e.hash) + "]")
	}
	p.o.in(-1)
	return true
}

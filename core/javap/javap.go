// Package javap prints classes in the layout of the JDK's javap (as of
// OpenJDK 17): member declarations; with Code the disassembled bytecode;
// with Verbose the constant pool, flags and every attribute. Tests compare
// the output with the real javap's, line for line.
//
// The printer reproduces javap's own model of the text (indentation
// levels, a comment column relative to the indentation, spaces held back
// until something follows them) rather than fixed widths, so that one
// routine gives the right columns both at -c depth and at -v depth.
//
// It never fails on a malformed class: broken constant-pool references
// print as <invalid>, undecodable code is reported in the listing, and a
// generic signature that does not parse gives way to the descriptor (or
// the class header), as javap does for members.
package javap

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"dvmlab/core/classfile"
)

// Options are javap's -c, -v and -p.
type Options struct {
	Code    bool // -c: disassemble the code
	Verbose bool // -v: constant pool, flags and all attributes (code included)
	Private bool // -p: private members too (by default javap shows package, protected and public ones)
}

// Print writes the listing of c, as `javap [-c] [-v] [-p]` prints it for
// the class file, without the file lines of -v (see PrintFile).
func Print(w io.Writer, c *classfile.Class, opt Options) error {
	bw := bufio.NewWriter(w)
	p := newPrinter(bw, c, opt)
	p.class(nil)
	p.o.flush()
	return bw.Flush()
}

// PrintMethod writes one method of c, its declaration and what Print shows
// under it, at the indentation Print gives it.
func PrintMethod(w io.Writer, c *classfile.Class, m *classfile.Member, opt Options) error {
	bw := bufio.NewWriter(w)
	p := newPrinter(bw, c, opt)
	p.o.in(1)
	p.method(viewMember(c, m))
	p.o.pending = false
	p.o.flush()
	return bw.Flush()
}

type printer struct {
	o   *lineWriter
	c   *classfile.Class
	opt Options
	// method is the method being printed; -v needs its descriptor for
	// args_size.
	cur *classfile.Member
}

func newPrinter(w *bufio.Writer, c *classfile.Class, opt Options) *printer {
	return &printer{o: &lineWriter{w: w}, c: view(c), opt: opt}
}

func (p *printer) print(s string)   { p.o.print(s) }
func (p *printer) println(s string) { p.o.println(s) }

func signatureIndex(attrs []classfile.Attribute) (uint16, bool) {
	for _, a := range attrs {
		if s, ok := a.(*classfile.Signature); ok {
			return s.Index, true
		}
	}
	return 0, false
}

// signature parses the Signature attribute among attrs, if there is one
// and it is well formed.
func (p *printer) signature(attrs []classfile.Attribute) (*sigType, bool) {
	i, ok := signatureIndex(attrs)
	if !ok {
		return nil, false
	}
	s, ok := p.utf8(i)
	if !ok {
		return nil, false
	}
	return parseSignature(s)
}

// thisName is the class's name in source form; javap only swaps the
// slashes, so a nested class keeps its '$'.
func (p *printer) thisName() string {
	n, _ := p.className(p.c.This)
	return dotted(n)
}

// class prints the whole listing; file, when set, supplies the lines -v
// prints about the file.
func (p *printer) class(file *File) {
	c := p.c
	if p.opt.Verbose {
		if file != nil {
			p.println("Classfile " + file.Path)
		}
		// The rest of the preamble, "Compiled from" included, is indented
		// under -v whether or not the file is known.
		p.o.in(1)
		if file != nil {
			p.fileHeader(file)
		}
	}
	for _, a := range c.Attributes {
		if sf, ok := a.(*classfile.SourceFile); ok {
			s, _ := p.utf8(sf.Index)
			p.println(`Compiled from "` + s + `"`)
			break
		}
	}
	if p.opt.Verbose {
		p.o.in(-1)
	}

	p.writeModifiers(classModifiers(c.Access))
	isModule := c.Access&classfile.AccModule != 0
	var mod *classfile.Module
	if isModule {
		mod, _ = classfile.Attr(c.Attributes, classfile.AttrModule).(*classfile.Module)
	}
	if mod != nil {
		if mod.Flags&classfile.AccOpen != 0 {
			p.print("open ")
		}
		p.print("module ")
		p.print(dotted(p.moduleName(mod.NameIndex)))
		if mod.Version != 0 {
			v, _ := p.utf8(mod.Version)
			p.print("@" + v)
		}
	} else {
		if c.IsInterface() {
			p.print("interface ")
		} else {
			p.print("class ")
		}
		p.print(p.thisName())
	}
	p.classSupers()

	if p.opt.Verbose {
		p.println("")
		p.verboseClassHeader()
	} else {
		p.print(" ")
	}
	p.println("{")
	p.o.in(1)
	if isModule && !p.opt.Verbose {
		p.directives(mod)
	}
	for _, f := range c.Fields {
		p.field(f)
	}
	for _, m := range c.Methods {
		p.method(m)
	}
	p.o.pending = false
	p.o.in(-1)
	p.println("}")
	if p.opt.Verbose {
		p.attributes(c.Attributes)
	}
}

// classSupers prints the extends and implements clauses, from the generic
// signature when there is one.
func (p *printer) classSupers() {
	c := p.c
	sig, ok := p.signature(c.Attributes)
	if !ok {
		if !c.IsInterface() && c.Super != 0 {
			sn, _ := p.className(c.Super)
			if sn = dotted(sn); sn != "java.lang.Object" {
				p.print(" extends " + sn)
			}
		}
		for i, x := range c.Interfaces {
			switch {
			case i > 0:
				p.print(",")
			case c.IsInterface():
				p.print(" extends ")
			default:
				p.print(" implements ")
			}
			n, _ := p.className(x)
			p.print(dotted(n))
		}
		return
	}
	verbose := p.opt.Verbose
	if !sig.class {
		// javap's parser cannot tell a class signature holding only a
		// superclass from a field type, and prints it as a superclass.
		if !sig.method && (verbose || !sig.super.isObject()) {
			p.print(" extends " + sig.super.java(verbose))
		}
		return
	}
	var b strings.Builder
	writeList(&b, "<", sig.tparams, ">", true, verbose)
	if c.IsInterface() {
		writeList(&b, " extends ", sig.ifaces, "", true, verbose)
	} else {
		if sig.super != nil && (verbose || !sig.super.isObject()) {
			b.WriteString(" extends ")
			sig.super.write(&b, true, verbose)
		}
		writeList(&b, " implements ", sig.ifaces, "", true, verbose)
	}
	p.print(b.String())
}

func (p *printer) moduleName(i uint16) string {
	e := p.entry(i)
	if e == nil {
		return invalid
	}
	switch e.Tag {
	case classfile.TagModule:
		s, _ := p.utf8(e.A)
		return s
	case classfile.TagUtf8:
		return e.Str
	}
	return invalid
}

func (p *printer) packageName(i uint16) string {
	if e := p.entry(i); e != nil && e.Tag == classfile.TagPackage {
		s, _ := p.utf8(e.A)
		return s
	}
	return invalid
}

// directives prints a module declaration's body (JVMS §4.7.25) as javap
// does without -v.
func (p *printer) directives(m *classfile.Module) {
	if m == nil {
		return
	}
	for _, r := range m.Requires {
		p.print("requires")
		if r.Flags&classfile.AccStaticPhase != 0 {
			p.print(" static")
		}
		if r.Flags&classfile.AccTransitive != 0 {
			p.print(" transitive")
		}
		p.print(" " + p.moduleName(r.Module))
		p.println(";")
	}
	targets := func(word string, es []classfile.ModuleExports) {
		for _, e := range es {
			p.print(word + " " + dotted(p.packageName(e.Package)))
			for i, t := range e.To {
				if i == 0 {
					p.println(" to")
					p.o.in(1)
				} else {
					p.println(",")
				}
				p.print(p.moduleName(t))
			}
			p.println(";")
			if len(e.To) > 0 {
				p.o.in(-1)
			}
		}
	}
	targets("exports", m.Exports)
	targets("opens", m.Opens)
	for _, u := range m.Uses {
		n, _ := p.className(u)
		p.println("uses " + dotted(n) + ";")
	}
	for _, pr := range m.Provides {
		n, _ := p.className(pr.Service)
		p.print("provides  " + dotted(n))
		for i, w := range pr.With {
			if i == 0 {
				p.println(" with")
				p.o.in(1)
			} else {
				p.println(",")
			}
			n, _ := p.className(w)
			p.print(dotted(n))
		}
		p.println(";")
		if len(pr.With) > 0 {
			p.o.in(-1)
		}
	}
}

// shown is javap's access filter: without -p, private members are left
// out; everything else is shown.
func (p *printer) shown(a classfile.AccessFlags) bool {
	return p.opt.Private || a&classfile.AccPrivate == 0
}

func (p *printer) writeModifiers(mods []string) {
	for _, m := range mods {
		p.print(m + " ")
	}
}

type modifier struct {
	flag classfile.AccessFlags
	word string
}

// Modifier words in javap's order, per kind of holder. A flag that means
// something else for the kind (ACC_SUPER on a class, ACC_BRIDGE on a
// method) has no word.
var (
	classMods  = []modifier{{classfile.AccPublic, "public"}, {classfile.AccFinal, "final"}, {classfile.AccAbstract, "abstract"}}
	fieldMods  = []modifier{{classfile.AccPublic, "public"}, {classfile.AccPrivate, "private"}, {classfile.AccProtected, "protected"}, {classfile.AccStatic, "static"}, {classfile.AccFinal, "final"}, {classfile.AccVolatile, "volatile"}, {classfile.AccTransient, "transient"}}
	methodMods = []modifier{{classfile.AccPublic, "public"}, {classfile.AccPrivate, "private"}, {classfile.AccProtected, "protected"}, {classfile.AccStatic, "static"}, {classfile.AccFinal, "final"}, {classfile.AccSynchronized, "synchronized"}, {classfile.AccNative, "native"}, {classfile.AccAbstract, "abstract"}, {classfile.AccStrict, "strictfp"}}
	innerMods  = []modifier{{classfile.AccPublic, "public"}, {classfile.AccPrivate, "private"}, {classfile.AccProtected, "protected"}, {classfile.AccStatic, "static"}, {classfile.AccFinal, "final"}, {classfile.AccAbstract, "abstract"}}
)

func modifiers(a classfile.AccessFlags, table []modifier) []string {
	var out []string
	for _, m := range table {
		if a&m.flag != 0 {
			out = append(out, m.word)
		}
	}
	return out
}

// classModifiers leaves out abstract for an interface, where it is
// implied (JVMS §4.1: ACC_INTERFACE requires ACC_ABSTRACT).
func classModifiers(a classfile.AccessFlags) []string {
	if a&classfile.AccInterface != 0 {
		a &^= classfile.AccAbstract
	}
	return modifiers(a, classMods)
}

func (p *printer) field(f *classfile.Member) {
	if !p.shown(f.Access) {
		return
	}
	p.writeModifiers(modifiers(f.Access, fieldMods))
	desc, _ := p.utf8(f.DescIndex)
	if sig, ok := p.signature(f.Attributes); ok && !sig.method && !sig.class {
		p.print(dotted(sig.super.String()))
	} else {
		p.print(fieldDesc(desc))
	}
	name, _ := p.utf8(f.NameIndex)
	p.print(" " + name)
	p.println(";")
	p.o.in(1)
	if p.opt.Verbose {
		p.println("descriptor: " + desc)
		p.flags(f.Access, classfile.FieldFlags)
		p.attributes(f.Attributes)
	}
	p.o.in(-1)
	if p.opt.Verbose || p.opt.Code {
		p.println("")
	}
}

// Default methods were introduced with class file version 52.0 (JVMS
// §4.6); before it javap has no "default" to print.
const defaultMajor = 52

func (p *printer) method(m *classfile.Member) {
	if !p.shown(m.Access) {
		return
	}
	c := p.c
	p.cur = m
	name, _ := p.utf8(m.NameIndex)
	desc, _ := p.utf8(m.DescIndex)
	sig, hasSig := p.signature(m.Attributes)
	if hasSig && !sig.method {
		hasSig = false
	}

	mods := modifiers(m.Access, methodMods)
	if c.IsInterface() && m.Access&classfile.AccAbstract == 0 && name != "<clinit>" && c.Major >= defaultMajor &&
		m.Access&(classfile.AccStatic|classfile.AccPrivate) == 0 {
		mods = append(mods, "default")
	}
	p.writeModifiers(mods)
	if hasSig && len(sig.tparams) > 0 {
		var b strings.Builder
		writeList(&b, "<", sig.tparams, ">", true, p.opt.Verbose)
		p.print(b.String() + " ")
	}

	var params []string
	ret := ""
	descOK := true
	if hasSig {
		for _, t := range sig.params {
			params = append(params, t.String())
		}
		ret = sig.ret.String()
	} else {
		params, ret, descOK = methodDesc(desc)
	}
	plist := "(" + strings.Join(params, ", ") + ")"
	if !descOK {
		plist = desc
	}
	plist = dotted(varargs(m.Access, plist))
	switch name {
	case "<init>":
		p.print(p.thisName())
		p.print(plist)
	case "<clinit>":
		p.print("{}")
	default:
		if descOK {
			p.print(dotted(ret) + " ")
		}
		p.print(name)
		p.print(plist)
	}

	if ex, ok := classfile.Attr(m.Attributes, classfile.AttrExceptions).(*classfile.Exceptions); ok {
		p.print(" throws ")
		if hasSig && len(sig.throws) > 0 {
			// javap prints a generic throws clause without turning
			// slashes into dots; so do we.
			for i, t := range sig.throws {
				if i > 0 {
					p.print(", ")
				}
				p.print(t.String())
			}
		} else {
			for i, x := range ex.Classes {
				if i > 0 {
					p.print(", ")
				}
				n, _ := p.className(x)
				p.print(dotted(n))
			}
		}
	}
	p.println(";")

	p.o.in(1)
	if p.opt.Verbose {
		p.println("descriptor: " + desc)
		p.flags(m.Access, classfile.MethodFlags)
		p.attributes(m.Attributes)
	} else if code := m.Code(); code != nil && p.opt.Code {
		p.println("Code:")
		p.instructions(code)
		p.exceptionTable(code)
	}
	p.o.in(-1)
	p.o.pending = p.opt.Code || p.opt.Verbose
}

// varargs turns the last "[]" of a parameter list into "...", as javap
// does for ACC_VARARGS methods.
func varargs(a classfile.AccessFlags, params string) string {
	if a&classfile.AccVarargs == 0 {
		return params
	}
	if i := strings.LastIndex(params, "[]"); i > 0 {
		return params[:i] + "..." + params[i+2:]
	}
	return params
}

// argsSize is javap's args_size: the number of parameters, plus one for
// the receiver of an instance method. (It counts parameters, not local
// slots, so a long counts once.)
func argsSize(desc string, static bool) string {
	params, _, ok := methodDesc(desc)
	if !ok {
		return invalid
	}
	n := len(params)
	if !static {
		n++
	}
	return strconv.Itoa(n)
}

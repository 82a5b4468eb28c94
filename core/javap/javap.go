// Package javap prints classes in the layout of the JDK's javap: member
// declarations, and with Code the disassembled bytecode, with Verbose the
// constant pool and attributes. It reads our own model only, and tests
// compare its output with the real javap's.
package javap

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
)

// Options are javap's -c, -v and -p.
type Options struct {
	Code    bool // -c
	Verbose bool // -v (implies Code)
	Private bool // -p: private members too
}

// Print writes the listing of class c.
func Print(w io.Writer, c *classfile.Class, opt Options) error {
	bw := bufio.NewWriter(w)
	p := &printer{w: bw, c: c, opt: opt}
	if opt.Verbose {
		p.opt.Code = true
		p.opt.Private = true
	}
	p.class()
	return bw.Flush()
}

type printer struct {
	w   *bufio.Writer
	c   *classfile.Class
	opt Options
}

func (p *printer) printf(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

func (p *printer) sourceFile() string {
	if sf, ok := classfile.Attr(p.c.Attributes, classfile.AttrSourceFile).(*classfile.SourceFile); ok {
		return p.c.Pool.Utf8(sf.Index)
	}
	return ""
}

func signatureOf(pool *classfile.ConstantPool, attrs []classfile.Attribute) string {
	if s, ok := classfile.Attr(attrs, classfile.AttrSignature).(*classfile.Signature); ok {
		return pool.Utf8(s.Index)
	}
	return ""
}

func (p *printer) class() {
	c := p.c
	if sf := p.sourceFile(); sf != "" {
		p.printf("Compiled from \"%s\"\n", sf)
	}
	if p.opt.Verbose {
		p.verboseHeader()
	}
	if c.Access.Has(classfile.AccModule) {
		p.printf("module %s {\n}\n", p.moduleName())
		return
	}
	var mods []string
	switch {
	case c.Access.Has(classfile.AccPublic):
		mods = append(mods, "public")
	}
	if c.Access.Has(classfile.AccFinal) {
		mods = append(mods, "final")
	}
	isIface := c.IsInterface()
	if c.Access.Has(classfile.AccAbstract) && !isIface {
		mods = append(mods, "abstract")
	}
	kind := "class"
	if isIface {
		kind = "interface"
	}
	name := classfile.BinaryName(c.Name())
	head := strings.Join(append(mods, kind, name), " ")
	super := classfile.BinaryName(c.SuperName())
	var ifaces []string
	for _, n := range c.InterfaceNames() {
		ifaces = append(ifaces, classfile.BinaryName(n))
	}
	// javap separates interfaces with ", " when it prints them from a
	// generic signature and with "," when from the interfaces table.
	ifaceSep := ","
	if sig := signatureOf(&c.Pool, c.Attributes); sig != "" {
		if tp, sup, ifs, ok := classSignature(sig); ok {
			head += tp
			super, ifaces = sup, ifs
			ifaceSep = ", "
		}
	}
	if isIface {
		if len(ifaces) > 0 {
			head += " extends " + strings.Join(ifaces, ifaceSep)
		}
	} else {
		if super != "" && super != "java.lang.Object" {
			head += " extends " + super
		}
		if len(ifaces) > 0 {
			head += " implements " + strings.Join(ifaces, ifaceSep)
		}
	}
	p.printf("%s\n", head+" {")
	// javap ends every field with a blank line when it shows code, and
	// separates methods by one (none after the last).
	blank := p.opt.Code || p.opt.Verbose
	for _, f := range c.Fields {
		if !p.shown(f.Access) {
			continue
		}
		p.field(f)
		if blank {
			p.printf("\n")
		}
	}
	first := true
	for _, m := range c.Methods {
		if !p.shown(m.Access) {
			continue
		}
		if !first && blank {
			p.printf("\n")
		}
		first = false
		p.method(m)
	}
	p.printf("}\n")
	if p.opt.Verbose {
		p.classAttributes()
	}
}

func (p *printer) moduleName() string {
	if m, ok := classfile.Attr(p.c.Attributes, classfile.AttrModule).(*classfile.Module); ok {
		if e := p.c.Pool.Get(m.NameIndex); e != nil {
			return p.c.Pool.Utf8(e.A)
		}
	}
	return "module-info"
}

// shown applies javap's default visibility: without -p, private members
// are hidden.
func (p *printer) shown(a classfile.AccessFlags) bool {
	return p.opt.Private || !a.Has(classfile.AccPrivate)
}

func accessWord(a classfile.AccessFlags) []string {
	switch {
	case a.Has(classfile.AccPublic):
		return []string{"public"}
	case a.Has(classfile.AccPrivate):
		return []string{"private"}
	case a.Has(classfile.AccProtected):
		return []string{"protected"}
	}
	return nil
}

func (p *printer) field(f *classfile.Member) {
	mods := accessWord(f.Access)
	for _, m := range []struct {
		flag classfile.AccessFlags
		word string
	}{{classfile.AccStatic, "static"}, {classfile.AccFinal, "final"}, {classfile.AccVolatile, "volatile"}, {classfile.AccTransient, "transient"}} {
		if f.Access.Has(m.flag) {
			mods = append(mods, m.word)
		}
	}
	t := typeName(p.c.MemberDesc(f))
	if sig := signatureOf(&p.c.Pool, f.Attributes); sig != "" {
		if g, ok := fieldSignature(sig); ok {
			t = g
		}
	}
	p.printf("  %s;\n", strings.Join(append(mods, t, p.c.MemberName(f)), " "))
	if p.opt.Verbose {
		p.memberVerbose(f, false)
	}
}

func (p *printer) method(m *classfile.Member) {
	c := p.c
	name := c.MemberName(m)
	desc := c.MemberDesc(m)
	if name == "<clinit>" {
		p.printf("  static {};\n")
	} else {
		p.printf("  %s;\n", p.methodDecl(m, name, desc))
	}
	if p.opt.Verbose {
		p.memberVerbose(m, true)
		return
	}
	if p.opt.Code {
		if code := m.Code(); code != nil {
			p.code(code)
		}
	}
}

func (p *printer) methodDecl(m *classfile.Member, name, desc string) string {
	c := p.c
	a := m.Access
	mods := accessWord(a)
	if a.Has(classfile.AccStatic) {
		mods = append(mods, "static")
	}
	if a.Has(classfile.AccFinal) {
		mods = append(mods, "final")
	}
	if a.Has(classfile.AccSynchronized) {
		mods = append(mods, "synchronized")
	}
	if a.Has(classfile.AccNative) {
		mods = append(mods, "native")
	}
	if a.Has(classfile.AccAbstract) {
		mods = append(mods, "abstract")
	}
	if a.Has(classfile.AccStrict) {
		mods = append(mods, "strictfp")
	}
	// An interface's non-abstract, non-static, non-private method is a
	// default method, and javap says so.
	if c.IsInterface() && !a.Has(classfile.AccAbstract) && !a.Has(classfile.AccStatic) && !a.Has(classfile.AccPrivate) && name != "<init>" {
		mods = append(mods, "default")
	}
	pdescs, rdesc, ok := splitMethodDesc(desc)
	if !ok {
		return strings.Join(append(mods, name+desc), " ")
	}
	params := make([]string, len(pdescs))
	for i, d := range pdescs {
		params[i] = typeName(d)
	}
	ret := typeName(rdesc)
	tparams := ""
	var throws []string
	if sig := signatureOf(&c.Pool, m.Attributes); sig != "" {
		if tp, ps, r, th, ok := methodSignature(sig); ok {
			tparams, params, ret, throws = tp, ps, r, th
		}
	}
	if len(throws) == 0 {
		if ex, ok := classfile.Attr(m.Attributes, classfile.AttrExceptions).(*classfile.Exceptions); ok {
			for _, i := range ex.Classes {
				throws = append(throws, classfile.BinaryName(c.Pool.ClassName(i)))
			}
		}
	}
	if a.Has(classfile.AccVarargs) && len(params) > 0 && strings.HasSuffix(params[len(params)-1], "[]") {
		last := params[len(params)-1]
		params[len(params)-1] = last[:len(last)-2] + "..."
	}
	var b strings.Builder
	for _, w := range mods {
		b.WriteString(w)
		b.WriteByte(' ')
	}
	if tparams != "" {
		b.WriteString(tparams)
		b.WriteByte(' ')
	}
	if name == "<init>" {
		b.WriteString(classfile.BinaryName(c.Name()))
	} else {
		b.WriteString(ret)
		b.WriteByte(' ')
		b.WriteString(name)
	}
	b.WriteString("(" + strings.Join(params, ", ") + ")")
	if len(throws) > 0 {
		b.WriteString(" throws " + strings.Join(throws, ", "))
	}
	return b.String()
}

// code prints a method's instructions and exception table as javap -c does.
func (p *printer) code(code *classfile.Code) {
	p.printf("    Code:\n")
	insns, err := bytecode.Decode(code.Code)
	if err != nil {
		p.printf("      error: %v\n", err)
		return
	}
	for i := range insns {
		p.instruction(&insns[i])
	}
	if len(code.Handlers) > 0 {
		p.printf("    Exception table:\n")
		p.printf("       from    to  target type\n")
		for _, h := range code.Handlers {
			t := "any"
			if h.CatchType != 0 {
				t = "Class " + quoteName(p.c.Pool.ClassName(h.CatchType))
			}
			p.printf("     %5d %5d %5d   %s\n", h.StartPC, h.EndPC, h.HandlerPC, t)
		}
	}
}

// commentColumn is where javap starts the "//" comment of an instruction.
const commentColumn = 44

var atypes = map[int]string{4: "boolean", 5: "char", 6: "float", 7: "double", 8: "byte", 9: "short", 10: "int", 11: "long"}

func (p *printer) instruction(in *bytecode.Instruction) {
	name := in.Op.String()
	if in.Wide {
		name += "_w"
	}
	line := fmt.Sprintf("%8d: %-13s", in.Offset, name)
	operand, comment := "", ""
	switch in.Op {
	case bytecode.Bipush, bytecode.Sipush:
		operand = fmt.Sprint(in.Const)
	case bytecode.Iinc:
		operand = fmt.Sprintf("%d, %d", in.Index, in.Const)
	case bytecode.Newarray:
		t, ok := atypes[in.Index]
		if !ok {
			t = fmt.Sprint(in.Index)
		}
		operand = " " + t
	case bytecode.Iload, bytecode.Lload, bytecode.Fload, bytecode.Dload, bytecode.Aload,
		bytecode.Istore, bytecode.Lstore, bytecode.Fstore, bytecode.Dstore, bytecode.Astore, bytecode.Ret:
		operand = fmt.Sprint(in.Index)
	case bytecode.Invokeinterface:
		operand = fmt.Sprintf("#%d,  %d", in.Index, in.Const)
		comment = p.constComment(uint16(in.Index))
	case bytecode.Invokedynamic:
		operand = fmt.Sprintf("#%d,  0", in.Index)
		comment = p.constComment(uint16(in.Index))
	case bytecode.Multianewarray:
		operand = fmt.Sprintf("#%d,  %d", in.Index, in.Const)
		comment = p.constComment(uint16(in.Index))
	case bytecode.Ldc, bytecode.LdcW, bytecode.Ldc2W, bytecode.Getstatic, bytecode.Putstatic, bytecode.Getfield,
		bytecode.Putfield, bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic,
		bytecode.New, bytecode.Anewarray, bytecode.Checkcast, bytecode.Instanceof:
		operand = fmt.Sprintf("#%d", in.Index)
		comment = p.constComment(uint16(in.Index))
	case bytecode.Tableswitch, bytecode.Lookupswitch:
		p.switchBlock(line, in)
		return
	default:
		if in.Op.IsBranchOp() {
			operand = fmt.Sprint(in.Target)
		}
	}
	if operand == "" {
		p.printf("%s\n", strings.TrimRight(line, " "))
		return
	}
	line += " " + operand
	if comment != "" {
		if len(line) < commentColumn {
			line += strings.Repeat(" ", commentColumn-len(line))
		} else {
			line += " "
		}
		line += "// " + comment
	}
	p.printf("%s\n", line)
}

func (p *printer) switchBlock(line string, in *bytecode.Instruction) {
	sw := in.Switch
	if in.Op == bytecode.Tableswitch {
		p.printf("%s { // %d to %d\n", line, sw.Low, sw.High)
		for i, t := range sw.Targets {
			p.printf("%22d: %d\n", int64(sw.Low)+int64(i), t)
		}
	} else {
		p.printf("%s { // %d\n", line, len(sw.Keys))
		for i, k := range sw.Keys {
			p.printf("%22d: %d\n", k, sw.Targets[i])
		}
	}
	p.printf("%22s: %d\n", "default", sw.Default)
	p.printf("%11s\n", "}")
}

// PrintMethod writes one method of c: its declaration and, with Code, its
// code, as Print would show it.
func PrintMethod(w io.Writer, c *classfile.Class, m *classfile.Member, opt Options) error {
	bw := bufio.NewWriter(w)
	p := &printer{w: bw, c: c, opt: opt}
	p.method(m)
	return bw.Flush()
}

package classfile

import (
	"encoding/binary"
	"fmt"
)

// FormatError reports malformed class-file input: the byte offset where the
// problem was found, the structure being read and why.
type FormatError struct {
	Offset int
	Where  string
	Msg    string
	// trailing: the structure was complete before the end of its body.
	trailing bool
}

func (e *FormatError) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("class file offset %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("class file offset %d: %s: %s", e.Offset, e.Where, e.Msg)
}

// location is where an attribute appears; it decides which attribute names
// are interpreted. See JVMS §4.7, Table 4.7-C.
type location uint8

const (
	locClass location = iota
	locField
	locMethod
	locCode
	locRecordComponent
)

var locationNames = [...]string{"class", "field", "method", "Code", "record component"}

// reader is a bounds-checked cursor over the class bytes. Errors are sticky:
// after the first one every read returns zero, so parsing code stays linear
// and checks once per structure.
type reader struct {
	b     []byte
	off   int
	base  int // offset of b[0] in the whole class file, for error messages
	err   *FormatError
	where func() string
}

func (r *reader) fail(format string, args ...any) {
	if r.err != nil {
		return
	}
	w := ""
	if r.where != nil {
		w = r.where()
	}
	r.err = &FormatError{Offset: r.base + r.off, Where: w, Msg: fmt.Sprintf(format, args...)}
	r.off = len(r.b)
}

func (r *reader) need(n int, what string) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || len(r.b)-r.off < n {
		r.fail("truncated %s: need %d bytes, %d left", what, n, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *reader) u1(what string) uint8 {
	if !r.need(1, what) {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) u2(what string) uint16 {
	if !r.need(2, what) {
		return 0
	}
	v := binary.BigEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v
}

func (r *reader) u4(what string) uint32 {
	if !r.need(4, what) {
		return 0
	}
	v := binary.BigEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

func (r *reader) bytes(n int, what string) []byte {
	if !r.need(n, what) {
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

// count reads a u2 count of items at least minSize bytes each, refusing counts
// the remaining input cannot hold so that absurd counts never allocate.
func (r *reader) count(minSize int, what string) int {
	n := int(r.u2(what))
	if r.err == nil && n*minSize > len(r.b)-r.off {
		r.fail("%s %d cannot fit in the %d bytes left", what, n, len(r.b)-r.off)
		return 0
	}
	return n
}

// u2s reads a u2 count followed by that many u2 values.
func (r *reader) u2s(what string) []uint16 {
	n := r.count(2, what)
	if n == 0 {
		return nil
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = binary.BigEndian.Uint16(r.b[r.off:])
		r.off += 2
	}
	return out
}

// Parse reads a class file. The result shares no memory with data except the
// code arrays and raw attribute bodies, which alias it; callers that reuse
// data must copy it first. See JVMS §4.1.
func Parse(data []byte) (*Class, error) {
	p := parser{r: reader{b: data}}
	c := p.class()
	if p.r.err != nil {
		return nil, p.r.err
	}
	return c, nil
}

type parser struct {
	r      reader
	c      *Class
	what   string // member kind being read, for error context
	idx    int    // member index
	attr   string // attribute being read
	static bool   // the field being read is static (the JVM reads ConstantValue only then)
}

func (p *parser) class() *Class {
	c := p.header()
	r := &p.r
	if r.err != nil {
		return nil
	}
	c.Fields = p.members("field", locField)
	c.Methods = p.members("method", locMethod)
	p.what, p.idx = "", 0
	c.Attributes = p.attributes(locClass)
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d extra bytes after the end of the class", len(r.b)-r.off)
	}
	return c
}

// header reads everything before the fields: magic, versions, the constant
// pool, access flags, this and super, and the interfaces. See JVMS §4.1.
func (p *parser) header() *Class {
	r := &p.r
	r.where = p.context
	c := &Class{}
	p.c = c
	if m := r.u4("magic"); r.err == nil && m != Magic {
		r.off -= 4
		r.fail("bad magic 0x%08X, want 0xCAFEBABE", m)
	}
	c.Minor = r.u2("minor_version")
	c.Major = r.u2("major_version")
	p.constantPool()
	c.Access = AccessFlags(r.u2("access_flags"))
	c.This = r.u2("this_class")
	c.Super = r.u2("super_class")
	p.what = "interfaces"
	c.Interfaces = r.u2s("interfaces_count")
	p.what = ""
	if r.err != nil {
		return c
	}
	if _, err := c.Pool.Lookup(c.This, TagClass); err != nil {
		r.off -= 4 + 2*len(c.Interfaces) + 2
		r.fail("this_class: %v", err)
	}
	return c
}

func (p *parser) context() string {
	s := ""
	switch p.what {
	case "":
	case "constant pool", "field", "method":
		s = fmt.Sprintf("%s #%d", p.what, p.idx)
	default:
		s = p.what
	}
	if p.attr != "" {
		if s != "" {
			s += ", "
		}
		s += "attribute " + p.attr
	}
	return s
}

// constantPool reads the pool and checks that every reference inside it points
// at an entry of the right kind, so the rest of the model can trust it.
// See JVMS §4.4.
func (p *parser) constantPool() {
	r := &p.r
	n := int(r.u2("constant_pool_count"))
	if r.err != nil {
		return
	}
	if n == 0 {
		r.fail("constant_pool_count is 0")
		return
	}
	// Each entry takes at least 3 bytes in the file.
	if (n-1)*3 > len(r.b)-r.off {
		r.fail("constant_pool_count %d cannot fit in the %d bytes left", n, len(r.b)-r.off)
		return
	}
	// Room to grow: services add a few entries, and a full copy of the pool
	// for each first addition would cost more than the spare slots.
	e := make([]Constant, n, n+n/8+8)
	var text string // the input as a string, made on first use
	p.what = "constant pool"
	for i := 1; i < n && r.err == nil; i++ {
		p.idx = i
		c := &e[i]
		c.Tag = Tag(r.u1("tag"))
		switch c.Tag {
		case TagUtf8:
			l := int(r.u2("Utf8 length"))
			start := r.off
			b := r.bytes(l, "Utf8 bytes")
			if r.err != nil {
				break
			}
			if isPlainASCII(b) {
				// Most names are plain ASCII: cut them from one copy of the
				// input rather than allocating a string each.
				if text == "" {
					text = string(r.b)
				}
				c.Str = text[start : start+l]
				break
			}
			var canonical bool
			c.Str, canonical = decodeMUTF8(b)
			if !canonical {
				c.raw = b
			}
		case TagInteger, TagFloat:
			c.U32 = r.u4("value")
		case TagLong, TagDouble:
			c.U64 = uint64(r.u4("high_bytes"))<<32 | uint64(r.u4("low_bytes"))
			if i+1 >= n {
				r.fail("%s at the last index takes two slots", c.Tag)
			}
			i++ // the next slot is unusable; its Tag stays 0
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			c.A = r.u2("index")
		case TagFieldref, TagMethodref, TagInterfaceMethodref, TagNameAndType, TagDynamic, TagInvokeDynamic:
			c.A = r.u2("first index")
			c.B = r.u2("second index")
		case TagMethodHandle:
			c.Kind = r.u1("reference_kind")
			c.A = r.u2("reference_index")
		default:
			r.off--
			r.fail("unknown tag %d", c.Tag)
		}
	}
	p.c.Pool.Entries = e
	if r.err == nil {
		p.checkPool()
	}
	p.what = ""
}

func (p *parser) checkPool() {
	pool := &p.c.Pool
	bad := func(i int, format string, args ...any) {
		p.idx = i
		p.r.fail(format, args...)
	}
	want := func(i int, field string, ref uint16, tags ...Tag) bool {
		c := pool.Get(ref)
		if c == nil {
			bad(i, "%s %d is out of range or unusable", field, ref)
			return false
		}
		for _, t := range tags {
			if c.Tag == t {
				return true
			}
		}
		bad(i, "%s %d is %s, want %s", field, ref, c.Tag, tags[0])
		return false
	}
	for i := 1; i < len(pool.Entries); i++ {
		c := &pool.Entries[i]
		switch c.Tag {
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			want(i, "name index", c.A, TagUtf8)
		case TagFieldref, TagMethodref, TagInterfaceMethodref:
			_ = want(i, "class_index", c.A, TagClass) && want(i, "name_and_type_index", c.B, TagNameAndType)
		case TagNameAndType:
			_ = want(i, "name_index", c.A, TagUtf8) && want(i, "descriptor_index", c.B, TagUtf8)
		case TagDynamic, TagInvokeDynamic:
			want(i, "name_and_type_index", c.B, TagNameAndType)
		case TagMethodHandle:
			switch c.Kind {
			case RefGetField, RefGetStatic, RefPutField, RefPutStatic:
				want(i, "reference_index", c.A, TagFieldref)
			case RefInvokeVirtual, RefNewInvokeSpecial:
				want(i, "reference_index", c.A, TagMethodref)
			case RefInvokeStatic, RefInvokeSpecial:
				want(i, "reference_index", c.A, TagMethodref, TagInterfaceMethodref)
			case RefInvokeInterface:
				want(i, "reference_index", c.A, TagInterfaceMethodref)
			default:
				bad(i, "reference_kind %d is not 1-9", c.Kind)
			}
		}
		if p.r.err != nil {
			// Point the offset at the pool, not at where scanning stopped.
			p.r.err.Msg = "constant pool #" + fmt.Sprint(i) + ": " + p.r.err.Msg
			p.r.err.Where = ""
			return
		}
	}
}

func (p *parser) members(kind string, loc location) []*Member {
	r := &p.r
	p.what = kind + "s"
	n := r.count(8, kind+"s_count")
	if r.err != nil || n == 0 {
		return nil
	}
	out := make([]*Member, n)
	ms := make([]Member, n)
	p.what = kind
	for i := range out {
		p.idx = i
		m := &ms[i]
		m.Access = AccessFlags(r.u2("access_flags"))
		m.NameIndex = r.u2("name_index")
		m.DescIndex = r.u2("descriptor_index")
		if r.err != nil {
			return nil
		}
		if _, err := p.c.Pool.Lookup(m.NameIndex, TagUtf8); err != nil {
			r.off -= 4
			r.fail("name_index: %v", err)
			return nil
		}
		if _, err := p.c.Pool.Lookup(m.DescIndex, TagUtf8); err != nil {
			r.off -= 2
			r.fail("descriptor_index: %v", err)
			return nil
		}
		p.static = m.Access.Has(AccStatic)
		m.Attributes = p.attributes(loc)
		p.static = false
		out[i] = m
	}
	return out
}

func (p *parser) attributes(loc location) []Attribute {
	r := &p.r
	n := r.count(6, "attributes_count")
	if r.err != nil || n == 0 {
		return nil
	}
	out := make([]Attribute, 0, n)
	saved := p.attr
	defer func() { p.attr = saved }()
	for i := 0; i < n; i++ {
		start := r.off
		ni := r.u2("attribute_name_index")
		length := r.u4("attribute_length")
		if r.err != nil {
			return nil
		}
		name, err := p.c.Pool.Lookup(ni, TagUtf8)
		if err != nil {
			r.off = start
			r.fail("attribute_name_index: %v", err)
			return nil
		}
		if uint64(length) > uint64(len(r.b)-r.off) {
			r.off = start + 2
			p.attr = name.Str
			r.fail("attribute_length %d runs past the end (%d bytes left)", length, len(r.b)-r.off-4)
			return nil
		}
		body := r.b[r.off : r.off+int(length) : r.off+int(length)]
		bodyOff := r.base + r.off
		r.off += int(length)
		p.attr = name.Str
		a := p.attribute(loc, name.Str, body, bodyOff)
		a.header().NameIndex = ni
		out = append(out, a)
		p.attr = saved
	}
	return out
}

// attribute interprets one attribute body when the JVM reads that attribute
// at loc in a class of this version (see rules.go), and keeps it raw
// otherwise. A body that does not decode is kept raw too, with the reason:
// whether the JVM refuses the class for it is the format checker's call
// (Check), not the reader's, so that any class can be read and written back.
func (p *parser) attribute(loc location, name string, body []byte, base int) Attribute {
	rule, ok := ruleFor(loc, name)
	if !ok || p.c.Major < rule.since || (rule.staticOnly && !p.static) {
		return &RawAttribute{AttrName: name, Info: body}
	}
	a, err := p.decode(name, body, base, true)
	if err != nil {
		return &RawAttribute{AttrName: name, Info: body, err: err}
	}
	return a
}

// decode parses body as the attribute the JVMS names name, wherever it is.
// With exact, contents shorter than the body are an error, as they are to
// the JVM; without, the rest is ignored, as javap ignores it.
func (p *parser) decode(name string, body []byte, base int, exact bool) (Attribute, *FormatError) {
	sub := parser{r: reader{b: body, base: base}, c: p.c, what: p.what, idx: p.idx, attr: name, static: p.static}
	sub.r.where = sub.context
	a := sub.attributeBody(name)
	if a == nil && sub.r.err == nil {
		sub.r.fail("not an attribute the JVMS defines")
	}
	if exact && sub.r.err == nil && sub.r.off != len(body) {
		sub.r.fail("attribute_length is %d but the contents take %d bytes", len(body), sub.r.off)
		sub.r.err.trailing = true
	}
	if sub.r.err != nil {
		return nil, sub.r.err
	}
	return a, nil
}

// DecodeRaw interprets a raw attribute by its name alone, whatever its
// location and the class's version, reading only as much of the body as the
// structure takes; it returns the attribute and the number of bytes used.
// javap reads attributes this way.
func (c *Class) DecodeRaw(a *RawAttribute) (Attribute, int, error) {
	sub := parser{r: reader{b: a.Info}, c: c, attr: a.AttrName}
	sub.r.where = sub.context
	d := sub.attributeBody(a.AttrName)
	if sub.r.err != nil {
		return nil, 0, sub.r.err
	}
	if d == nil {
		return nil, 0, fmt.Errorf("%s is not an attribute the JVMS defines", a.AttrName)
	}
	if h := d.header(); h != nil {
		h.NameIndex = a.NameIndex
	}
	return d, sub.r.off, nil
}

// attributeBody parses the attribute named name, or returns nil if the JVMS
// defines no such attribute.
func (p *parser) attributeBody(name string) Attribute {
	r := &p.r
	switch name {
	case AttrSynthetic:
		return &Synthetic{}
	case AttrDeprecated:
		return &Deprecated{}
	case AttrSignature:
		return &Signature{Index: r.u2("signature_index")}
	case AttrRuntimeVisibleAnnotations, AttrRuntimeInvisibleAnnotations:
		return &Annotations{Visible: name == AttrRuntimeVisibleAnnotations, Annotations: p.annotations()}
	case AttrRuntimeVisibleTypeAnnotations, AttrRuntimeInvisibleTypeAnnotations:
		return &TypeAnnotations{Visible: name == AttrRuntimeVisibleTypeAnnotations, Annotations: p.typeAnnotations()}
	case AttrConstantValue:
		return &ConstantValue{ValueIndex: r.u2("constantvalue_index")}
	}
	if a := p.classAttribute(name); a != nil || r.err != nil {
		return a
	}
	if a := p.methodAttribute(name); a != nil || r.err != nil {
		return a
	}
	return p.codeAttribute(name)
}

func (p *parser) classAttribute(name string) Attribute {
	r := &p.r
	switch name {
	case AttrSourceFile:
		return &SourceFile{Index: r.u2("sourcefile_index")}
	case AttrInnerClasses:
		n := r.count(8, "number_of_classes")
		a := &InnerClasses{Classes: make([]InnerClass, n)}
		for i := range a.Classes {
			ic := &a.Classes[i]
			ic.Inner = r.u2("inner_class_info_index")
			ic.Outer = r.u2("outer_class_info_index")
			ic.InnerName = r.u2("inner_name_index")
			ic.Access = AccessFlags(r.u2("inner_class_access_flags"))
		}
		return a
	case AttrEnclosingMethod:
		return &EnclosingMethod{Class: r.u2("class_index"), Method: r.u2("method_index")}
	case AttrSourceDebugExtension:
		return &SourceDebugExtension{Data: r.bytes(len(r.b), "debug_extension")}
	case AttrBootstrapMethods:
		n := r.count(4, "num_bootstrap_methods")
		a := &BootstrapMethods{Methods: make([]BootstrapMethod, n)}
		for i := range a.Methods {
			a.Methods[i].Ref = r.u2("bootstrap_method_ref")
			a.Methods[i].Args = r.u2s("num_bootstrap_arguments")
		}
		return a
	case AttrModule:
		return p.module()
	case AttrModulePackages:
		return &ModulePackages{Packages: r.u2s("package_count")}
	case AttrModuleMainClass:
		return &ModuleMainClass{MainClass: r.u2("main_class_index")}
	case AttrNestHost:
		return &NestHost{HostClass: r.u2("host_class_index")}
	case AttrNestMembers:
		return &NestMembers{Classes: r.u2s("number_of_classes")}
	case AttrPermittedSubclasses:
		return &PermittedSubclasses{Classes: r.u2s("number_of_classes")}
	case AttrRecord:
		n := r.count(6, "components_count")
		a := &Record{Components: make([]RecordComponent, n)}
		for i := range a.Components {
			rc := &a.Components[i]
			rc.NameIndex = r.u2("name_index")
			rc.DescIndex = r.u2("descriptor_index")
			rc.Attributes = p.attributes(locRecordComponent)
		}
		return a
	}
	return nil
}

func (p *parser) module() *Module {
	r := &p.r
	m := &Module{}
	m.NameIndex = r.u2("module_name_index")
	m.Flags = AccessFlags(r.u2("module_flags"))
	m.Version = r.u2("module_version_index")
	n := r.count(6, "requires_count")
	m.Requires = make([]ModuleRequires, n)
	for i := range m.Requires {
		q := &m.Requires[i]
		q.Module = r.u2("requires_index")
		q.Flags = AccessFlags(r.u2("requires_flags"))
		q.Version = r.u2("requires_version_index")
	}
	m.Exports = p.moduleExports("exports_count")
	m.Opens = p.moduleExports("opens_count")
	m.Uses = r.u2s("uses_count")
	n = r.count(4, "provides_count")
	m.Provides = make([]ModuleProvides, n)
	for i := range m.Provides {
		m.Provides[i].Service = r.u2("provides_index")
		m.Provides[i].With = r.u2s("provides_with_count")
	}
	return m
}

func (p *parser) moduleExports(what string) []ModuleExports {
	r := &p.r
	n := r.count(6, what)
	out := make([]ModuleExports, n)
	for i := range out {
		out[i].Package = r.u2("package index")
		out[i].Flags = AccessFlags(r.u2("flags"))
		out[i].To = r.u2s("to_count")
	}
	return out
}

func (p *parser) methodAttribute(name string) Attribute {
	r := &p.r
	switch name {
	case AttrCode:
		a := &Code{}
		a.MaxStack = r.u2("max_stack")
		a.MaxLocals = r.u2("max_locals")
		n := r.u4("code_length")
		if r.err == nil && (n == 0 || n > 65535) {
			r.off -= 4
			r.fail("code_length %d is not in 1..65535", n)
		}
		a.Code = r.bytes(int(n), "code")
		h := r.count(8, "exception_table_length")
		if h > 0 {
			a.Handlers = make([]ExceptionHandler, h)
			for i := range a.Handlers {
				e := &a.Handlers[i]
				e.StartPC = r.u2("start_pc")
				e.EndPC = r.u2("end_pc")
				e.HandlerPC = r.u2("handler_pc")
				e.CatchType = r.u2("catch_type")
			}
		}
		a.Attributes = p.attributes(locCode)
		return a
	case AttrExceptions:
		return &Exceptions{Classes: r.u2s("number_of_exceptions")}
	case AttrRuntimeVisibleParameterAnnotations, AttrRuntimeInvisibleParameterAnnotations:
		n := int(r.u1("num_parameters"))
		a := &ParameterAnnotations{Visible: name == AttrRuntimeVisibleParameterAnnotations, Parameters: make([][]Annotation, n)}
		for i := range a.Parameters {
			a.Parameters[i] = p.annotations()
		}
		return a
	case AttrAnnotationDefault:
		return &AnnotationDefault{Value: p.elementValue(0)}
	case AttrMethodParameters:
		n := int(r.u1("parameters_count"))
		if r.err == nil && n*4 > len(r.b)-r.off {
			r.fail("parameters_count %d cannot fit in the %d bytes left", n, len(r.b)-r.off)
		}
		a := &MethodParameters{Params: make([]MethodParameter, n)}
		for i := range a.Params {
			a.Params[i].NameIndex = r.u2("name_index")
			a.Params[i].Access = AccessFlags(r.u2("access_flags"))
		}
		return a
	}
	return nil
}

func (p *parser) codeAttribute(name string) Attribute {
	r := &p.r
	switch name {
	case AttrLineNumberTable:
		n := r.count(4, "line_number_table_length")
		a := &LineNumberTable{Lines: make([]LineNumber, n)}
		for i := range a.Lines {
			a.Lines[i].StartPC = r.u2("start_pc")
			a.Lines[i].Line = r.u2("line_number")
		}
		return a
	case AttrLocalVariableTable, AttrLocalVariableTypeTable:
		n := r.count(10, "local_variable_table_length")
		a := &LocalVariableTable{Types: name == AttrLocalVariableTypeTable, Vars: make([]LocalVariable, n)}
		for i := range a.Vars {
			v := &a.Vars[i]
			v.StartPC = r.u2("start_pc")
			v.Length = r.u2("length")
			v.NameIndex = r.u2("name_index")
			v.DescIndex = r.u2("descriptor_index")
			v.Slot = r.u2("index")
		}
		return a
	case AttrStackMapTable:
		return p.stackMapTable()
	}
	return nil
}

// stackMapTable parses frames keeping each frame_type byte, so the compressed
// form chosen by the compiler survives a round trip. See JVMS §4.7.4.
func (p *parser) stackMapTable() *StackMapTable {
	r := &p.r
	n := r.count(1, "number_of_entries")
	a := &StackMapTable{Frames: make([]StackMapFrame, n)}
	for i := range a.Frames {
		f := &a.Frames[i]
		f.Type = r.u1("frame_type")
		switch t := f.Type; {
		case t <= FrameSameMax:
			f.OffsetDelta = uint16(t)
		case t <= FrameSameLocals1Max:
			f.OffsetDelta = uint16(t - frameSameLocals1Offset)
			f.Stack = p.verificationTypes(1)
		case t < frameReservedMaxPlus1:
			r.off--
			r.fail("frame %d: reserved frame_type %d", i, t)
		case t == FrameSameLocals1Ext:
			f.OffsetDelta = r.u2("offset_delta")
			f.Stack = p.verificationTypes(1)
		case t <= FrameChopMax, t == FrameSameExt:
			f.OffsetDelta = r.u2("offset_delta")
		case t <= FrameAppendMax:
			f.OffsetDelta = r.u2("offset_delta")
			f.Locals = p.verificationTypes(int(t) - 251)
		default:
			f.OffsetDelta = r.u2("offset_delta")
			f.Locals = p.verificationTypes(r.count(1, "number_of_locals"))
			f.Stack = p.verificationTypes(r.count(1, "number_of_stack_items"))
		}
		if r.err != nil {
			return nil
		}
	}
	return a
}

func (p *parser) verificationTypes(n int) []VerificationType {
	r := &p.r
	if n == 0 || r.err != nil {
		return nil
	}
	out := make([]VerificationType, n)
	for i := range out {
		v := &out[i]
		v.Tag = r.u1("verification_type_info tag")
		switch v.Tag {
		case VTTop, VTInteger, VTFloat, VTDouble, VTLong, VTNull, VTUninitializedThis:
		case VTObject:
			v.Data = r.u2("cpool_index")
		case VTUninitialized:
			v.Data = r.u2("offset")
		default:
			r.off--
			r.fail("unknown verification type tag %d", v.Tag)
		}
	}
	return out
}

// annotations reads num_annotations and the annotations. See JVMS §4.7.16.
func (p *parser) annotations() []Annotation {
	r := &p.r
	n := r.count(4, "num_annotations")
	if n == 0 {
		return nil
	}
	out := make([]Annotation, n)
	for i := range out {
		out[i] = p.annotation(0)
	}
	return out
}

// maxAnnotationDepth bounds nesting so hostile input cannot exhaust the stack.
const maxAnnotationDepth = 256

func (p *parser) annotation(depth int) Annotation {
	r := &p.r
	a := Annotation{TypeIndex: r.u2("type_index")}
	n := r.count(3, "num_element_value_pairs")
	if n > 0 {
		a.Pairs = make([]ElementPair, n)
		for i := range a.Pairs {
			a.Pairs[i].NameIndex = r.u2("element_name_index")
			a.Pairs[i].Value = p.elementValue(depth + 1)
		}
	}
	return a
}

func (p *parser) elementValue(depth int) ElementValue {
	r := &p.r
	if depth > maxAnnotationDepth {
		r.fail("element values nested deeper than %d", maxAnnotationDepth)
		return ElementValue{}
	}
	v := ElementValue{Tag: r.u1("element_value tag")}
	switch v.Tag {
	case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 's', 'c':
		v.Index = r.u2("const_value_index")
	case 'e':
		v.Index = r.u2("type_name_index")
		v.Const = r.u2("const_name_index")
	case '@':
		a := p.annotation(depth + 1)
		v.Annotation = &a
	case '[':
		n := r.count(3, "num_values")
		if n > 0 {
			v.Array = make([]ElementValue, n)
			for i := range v.Array {
				v.Array[i] = p.elementValue(depth + 1)
			}
		}
	default:
		if r.err == nil {
			r.off--
			r.fail("unknown element_value tag %q", v.Tag)
		}
	}
	return v
}

// typeAnnotations reads type annotations. See JVMS §4.7.20.
func (p *parser) typeAnnotations() []TypeAnnotation {
	r := &p.r
	n := r.count(6, "num_annotations")
	if n == 0 {
		return nil
	}
	out := make([]TypeAnnotation, n)
	for i := range out {
		t := &out[i]
		t.TargetType = r.u1("target_type")
		switch t.TargetType {
		case TargetClassTypeParameter, TargetMethodTypeParameter:
			t.Index = uint16(r.u1("type_parameter_index"))
		case TargetClassExtends:
			t.Index = r.u2("supertype_index")
		case TargetClassTypeParameterBound, TargetMethodTypeParameterBound:
			t.Index = uint16(r.u1("type_parameter_index"))
			t.Bound = r.u1("bound_index")
		case TargetField, TargetMethodReturn, TargetMethodReceiver:
		case TargetMethodFormalParameter:
			t.Index = uint16(r.u1("formal_parameter_index"))
		case TargetThrows:
			t.Index = r.u2("throws_type_index")
		case TargetLocalVariable, TargetResourceVariable:
			m := r.count(6, "table_length")
			t.LocalVars = make([]LocalVarTarget, m)
			for j := range t.LocalVars {
				t.LocalVars[j] = LocalVarTarget{StartPC: r.u2("start_pc"), Length: r.u2("length"), Slot: r.u2("index")}
			}
		case TargetExceptionParameter:
			t.Index = r.u2("exception_table_index")
		case TargetInstanceof, TargetNew, TargetConstructorReference, TargetMethodReference:
			t.Offset = r.u2("offset")
		case TargetCast, TargetConstructorInvocationArg, TargetMethodInvocationArg,
			TargetConstructorReferenceArg, TargetMethodReferenceTypeArg:
			t.Offset = r.u2("offset")
			t.Index = uint16(r.u1("type_argument_index"))
		default:
			r.off--
			r.fail("unknown type annotation target_type 0x%02X", t.TargetType)
			return nil
		}
		pl := int(r.u1("path_length"))
		if pl > 0 && r.need(2*pl, "type_path") {
			t.Path = make([]TypePathEntry, pl)
			for j := range t.Path {
				t.Path[j] = TypePathEntry{Kind: r.u1("type_path_kind"), ArgIndex: r.u1("type_argument_index")}
			}
		}
		t.Annotation = p.annotation(0)
	}
	return out
}

// ClassHeader is what a class says of itself before its members: enough to answer
// hierarchy questions without parsing fields, methods and attributes.
type ClassHeader struct {
	Name       string
	Super      string // "" for java/lang/Object and module-info
	Interfaces []string
	Access     AccessFlags
	Major      uint16
}

// ParseHeader reads the constant pool and the class header only.
func ParseHeader(data []byte) (*ClassHeader, error) {
	p := parser{r: reader{b: data}}
	c := p.header()
	if p.r.err != nil {
		return nil, p.r.err
	}
	return &ClassHeader{Name: c.Name(), Super: c.SuperName(), Interfaces: c.InterfaceNames(), Access: c.Access, Major: c.Major}, nil
}

package classfile

import (
	"encoding/binary"
	"fmt"

	"dvmlab/internal/slab"
)

// Attribute is one attribute_info. The set of kinds is sealed: every attribute
// the JVMS defines has a type here, and anything else is a *RawAttribute.
// See JVMS §4.7.
type Attribute interface {
	// Name is the attribute's name as it appears in the class file.
	Name() string
	header() *Header
}

// Header is embedded in every attribute. NameIndex is the attribute_name_index
// the attribute was read with; 0 for an attribute built in code, in which case
// the writer interns the name.
type Header struct{ NameIndex uint16 }

func (h *Header) header() *Header { return h }

// Attribute names. See JVMS §4.7, Table 4.7-A.
const (
	AttrConstantValue                        = "ConstantValue"
	AttrCode                                 = "Code"
	AttrStackMapTable                        = "StackMapTable"
	AttrExceptions                           = "Exceptions"
	AttrInnerClasses                         = "InnerClasses"
	AttrEnclosingMethod                      = "EnclosingMethod"
	AttrSynthetic                            = "Synthetic"
	AttrSignature                            = "Signature"
	AttrSourceFile                           = "SourceFile"
	AttrSourceDebugExtension                 = "SourceDebugExtension"
	AttrLineNumberTable                      = "LineNumberTable"
	AttrLocalVariableTable                   = "LocalVariableTable"
	AttrLocalVariableTypeTable               = "LocalVariableTypeTable"
	AttrDeprecated                           = "Deprecated"
	AttrRuntimeVisibleAnnotations            = "RuntimeVisibleAnnotations"
	AttrRuntimeInvisibleAnnotations          = "RuntimeInvisibleAnnotations"
	AttrRuntimeVisibleParameterAnnotations   = "RuntimeVisibleParameterAnnotations"
	AttrRuntimeInvisibleParameterAnnotations = "RuntimeInvisibleParameterAnnotations"
	AttrRuntimeVisibleTypeAnnotations        = "RuntimeVisibleTypeAnnotations"
	AttrRuntimeInvisibleTypeAnnotations      = "RuntimeInvisibleTypeAnnotations"
	AttrAnnotationDefault                    = "AnnotationDefault"
	AttrBootstrapMethods                     = "BootstrapMethods"
	AttrMethodParameters                     = "MethodParameters"
	AttrModule                               = "Module"
	AttrModulePackages                       = "ModulePackages"
	AttrModuleMainClass                      = "ModuleMainClass"
	AttrNestHost                             = "NestHost"
	AttrNestMembers                          = "NestMembers"
	AttrRecord                               = "Record"
	AttrPermittedSubclasses                  = "PermittedSubclasses"
)

// RawAttribute is an attribute this package does not interpret: one the JVMS
// does not define, or a defined one found where the JVMS does not expect it
// (which the JVM ignores, so we keep it untouched). See JVMS §4.7.1.
type RawAttribute struct {
	Header
	AttrName string
	Info     []byte
	// err is why an attribute the JVM reads here did not decode; nil for
	// one it does not read (unknown, misplaced, or too new for the version).
	err error
}

func (a *RawAttribute) Name() string { return a.AttrName }

// Malformed returns why the reader kept an attribute the JVM reads at this
// place and version raw: its contents do not decode. It is nil for an
// attribute the JVM skips there.
func (a *RawAttribute) Malformed() error { return a.err }

// ConstantValue: the value of a constant field. See JVMS §4.7.2.
type ConstantValue struct {
	Header
	ValueIndex uint16
}

func (*ConstantValue) Name() string { return AttrConstantValue }

// Exceptions: the checked exceptions a method declares. See JVMS §4.7.5.
type Exceptions struct {
	Header
	Classes []uint16
}

func (*Exceptions) Name() string { return AttrExceptions }

// InnerClasses. See JVMS §4.7.6.
type InnerClasses struct {
	Header
	Classes []InnerClass
}

func (*InnerClasses) Name() string { return AttrInnerClasses }

// InnerClass is one entry of InnerClasses.
type InnerClass struct {
	Inner, Outer, InnerName uint16
	Access                  AccessFlags
}

// EnclosingMethod. See JVMS §4.7.7.
type EnclosingMethod struct {
	Header
	Class, Method uint16
}

func (*EnclosingMethod) Name() string { return AttrEnclosingMethod }

// Synthetic. See JVMS §4.7.8.
type Synthetic struct{ Header }

func (*Synthetic) Name() string { return AttrSynthetic }

// Signature: a generic signature. See JVMS §4.7.9.
type Signature struct {
	Header
	Index uint16
}

func (*Signature) Name() string { return AttrSignature }

// SourceFile. See JVMS §4.7.10.
type SourceFile struct {
	Header
	Index uint16
}

func (*SourceFile) Name() string { return AttrSourceFile }

// SourceDebugExtension. See JVMS §4.7.11.
type SourceDebugExtension struct {
	Header
	Data []byte
}

func (*SourceDebugExtension) Name() string { return AttrSourceDebugExtension }

// Deprecated. See JVMS §4.7.15.
type Deprecated struct{ Header }

func (*Deprecated) Name() string { return AttrDeprecated }

// BootstrapMethods. See JVMS §4.7.23.
type BootstrapMethods struct {
	Header
	Methods []BootstrapMethod
}

func (*BootstrapMethods) Name() string { return AttrBootstrapMethods }

// BootstrapMethod is one bootstrap_methods entry.
type BootstrapMethod struct {
	Ref  uint16 // MethodHandle entry
	Args []uint16
}

// MethodParameters. See JVMS §4.7.24.
type MethodParameters struct {
	Header
	Params []MethodParameter
}

func (*MethodParameters) Name() string { return AttrMethodParameters }

// MethodParameter is one parameters entry; NameIndex 0 means no name.
type MethodParameter struct {
	NameIndex uint16
	Access    AccessFlags
}

// NestHost. See JVMS §4.7.28.
type NestHost struct {
	Header
	HostClass uint16
}

func (*NestHost) Name() string { return AttrNestHost }

// NestMembers. See JVMS §4.7.29.
type NestMembers struct {
	Header
	Classes []uint16
}

func (*NestMembers) Name() string { return AttrNestMembers }

// Record. See JVMS §4.7.30.
type Record struct {
	Header
	Components []RecordComponent
}

func (*Record) Name() string { return AttrRecord }

// RecordComponent is one component_info.
type RecordComponent struct {
	NameIndex  uint16
	DescIndex  uint16
	Attributes []Attribute
}

// PermittedSubclasses. See JVMS §4.7.31.
type PermittedSubclasses struct {
	Header
	Classes []uint16
}

func (*PermittedSubclasses) Name() string { return AttrPermittedSubclasses }

func (p *parser) attributes(loc location) []Attribute {
	r := &p.r
	n := r.count(6, "attributes_count")
	if r.err != nil || n == 0 {
		return nil
	}
	out := slab.Carve(&p.sl.attrs, n)[:0]
	// The attribute being read names errors; put back after each. After
	// an error nothing else is reported (errors are sticky), so a return
	// on failure need not put it back.
	saved := r.attr
	for i := 0; i < n; i++ {
		start := r.off
		ni := r.u2("attribute_name_index")
		length := r.u4("attribute_length")
		if r.err != nil {
			return nil
		}
		var name *Constant
		if e := p.c.Pool.Entries; int(ni) < len(e) && e[ni].Tag == TagUtf8 {
			name = &e[ni]
		} else {
			_, err := p.c.Pool.Lookup(ni, TagUtf8)
			r.off = start
			r.fail("attribute_name_index: %v", err)
			return nil
		}
		if uint64(length) > uint64(len(r.b)-r.off) {
			r.off = start + 2
			r.attr = name.Str
			r.fail("attribute_length %d runs past the end (%d bytes left)", length, len(r.b)-r.off-4)
			return nil
		}
		body := r.b[r.off : r.off+int(length) : r.off+int(length)]
		bodyOff := r.base + r.off
		r.off += int(length)
		r.attr = name.Str
		a := p.attribute(loc, p.kindOf(ni, name.Str), name.Str, body, bodyOff)
		a.header().NameIndex = ni
		out = append(out, a)
		r.attr = saved
	}
	return out
}

// attribute interprets one attribute body when the JVM reads that attribute
// at loc in a class of this version (see rules.go), and keeps it raw
// otherwise. A body that does not decode is kept raw too, with the reason:
// whether the JVM refuses the class for it is the format checker's call
// (Check), not the reader's, so that any class can be read and written back.
func (p *parser) attribute(loc location, k attrKind, name string, body []byte, base int) Attribute {
	rule, ok := ruleOf(loc, k)
	if !ok || p.c.Major < rule.since || (rule.staticOnly && !p.static) {
		a := slab.One(&p.sl.raws)
		a.AttrName, a.Info = name, body
		return a
	}
	a, err := p.decode(k, name, body, base, true)
	if err != nil {
		raw := slab.One(&p.sl.raws)
		raw.AttrName, raw.Info, raw.err = name, body, err
		return raw
	}
	return a
}

// decode parses body as the attribute the JVMS names name, wherever it is.
// With exact, contents shorter than the body are an error, as they are to
// the JVM; without, the rest is ignored, as javap ignores it.
//
// The body is read with p itself, its reader pointed at the body and put
// back after: attributes are the most numerous structures of a class file,
// and a parser of their own would not share the class's slabs.
func (p *parser) decode(k attrKind, name string, body []byte, base int, exact bool) (Attribute, *FormatError) {
	// Only the cursor and the attribute's name change: what and idx stay,
	// and no error is pending (the caller would have stopped).
	r := &p.r
	b, off, rbase, attr := r.b, r.off, r.base, r.attr
	r.b, r.off, r.base, r.attr = body, 0, base, name
	a := p.attributeBodyOf(k)
	if a == nil && r.err == nil {
		r.fail("not an attribute the JVMS defines")
	}
	if exact && r.err == nil && r.off != len(body) {
		r.fail("attribute_length is %d but the contents take %d bytes", len(body), r.off)
		r.err.trailing = true
	}
	err := r.err
	r.b, r.off, r.base, r.attr, r.err = b, off, rbase, attr, nil
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DecodeRaw interprets a raw attribute by its name alone, whatever its
// location and the class's version, reading only as much of the body as the
// structure takes; it returns the attribute and the number of bytes used.
// javap reads attributes this way.
func (c *Class) DecodeRaw(a *RawAttribute) (Attribute, int, error) {
	sub := parser{r: reader{b: a.Info, attr: a.AttrName}, c: c}
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
	return p.attributeBodyOf(attrKindOf(name))
}

// attributeBodyOf parses the attribute of kind k; nil for kindUnknown.
func (p *parser) attributeBodyOf(k attrKind) Attribute {
	r := &p.r
	switch k {
	case kindConstantValue:
		return &ConstantValue{ValueIndex: r.u2("constantvalue_index")}
	case kindCode:
		return p.code()
	case kindStackMapTable:
		return p.stackMapTable()
	case kindExceptions:
		a := slab.One(&p.sl.excs)
		a.Classes = p.u2s("number_of_exceptions")
		return a
	case kindInnerClasses:
		return p.innerClasses()
	case kindEnclosingMethod:
		return &EnclosingMethod{Class: r.u2("class_index"), Method: r.u2("method_index")}
	case kindSynthetic:
		return &Synthetic{}
	case kindSignature:
		a := slab.One(&p.sl.sigs)
		a.Index = r.u2("signature_index")
		return a
	case kindSourceFile:
		return &SourceFile{Index: r.u2("sourcefile_index")}
	case kindSourceDebugExtension:
		return &SourceDebugExtension{Data: r.bytes(len(r.b), "debug_extension")}
	case kindLineNumberTable:
		return p.lineNumberTable()
	case kindLocalVariableTable, kindLocalVariableTypeTable:
		return p.localVariableTable(k == kindLocalVariableTypeTable)
	case kindDeprecated:
		return &Deprecated{}
	case kindRuntimeVisibleAnnotations, kindRuntimeInvisibleAnnotations:
		return &Annotations{Visible: k == kindRuntimeVisibleAnnotations, Annotations: p.annotations()}
	case kindRuntimeVisibleParameterAnnotations, kindRuntimeInvisibleParameterAnnotations:
		return p.parameterAnnotations(k == kindRuntimeVisibleParameterAnnotations)
	case kindRuntimeVisibleTypeAnnotations, kindRuntimeInvisibleTypeAnnotations:
		return &TypeAnnotations{Visible: k == kindRuntimeVisibleTypeAnnotations, Annotations: p.typeAnnotations()}
	case kindAnnotationDefault:
		return &AnnotationDefault{Value: p.elementValue(0)}
	case kindBootstrapMethods:
		return p.bootstrapMethods()
	case kindMethodParameters:
		return p.methodParameters()
	case kindModule:
		return p.module()
	case kindModulePackages:
		return &ModulePackages{Packages: p.u2s("package_count")}
	case kindModuleMainClass:
		return &ModuleMainClass{MainClass: r.u2("main_class_index")}
	case kindNestHost:
		return &NestHost{HostClass: r.u2("host_class_index")}
	case kindNestMembers:
		return &NestMembers{Classes: p.u2s("number_of_classes")}
	case kindRecord:
		return p.record()
	case kindPermittedSubclasses:
		return &PermittedSubclasses{Classes: p.u2s("number_of_classes")}
	}
	return nil
}

func (w *writer) internNames() error {
	// A rewrite typically adds the same attribute (a StackMapTable) to many
	// methods: look each name up in the pool once.
	var interned map[string]uint16
	var walk func(attrs []Attribute) error
	walk = func(attrs []Attribute) error {
		for _, a := range attrs {
			h := a.header()
			if h.NameIndex == 0 {
				name := a.Name()
				i, ok := interned[name]
				if !ok {
					var err error
					if i, err = w.c.Pool.AddUtf8(name); err != nil {
						return err
					}
					if interned == nil {
						interned = map[string]uint16{}
					}
					interned[name] = i
				}
				h.NameIndex = i
			}
			switch a := a.(type) {
			case *Code:
				if err := walk(a.Attributes); err != nil {
					return err
				}
			case *Record:
				for i := range a.Components {
					if err := walk(a.Components[i].Attributes); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	if err := walk(w.c.Attributes); err != nil {
		return err
	}
	for _, ms := range [][]*Member{w.c.Fields, w.c.Methods} {
		for _, m := range ms {
			if err := walk(m.Attributes); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *writer) attributes(attrs []Attribute) {
	w.count("attributes", len(attrs))
	for _, a := range attrs {
		w.u2(a.header().NameIndex)
		at := len(w.b)
		w.u4(0)
		w.attributeBody(a)
		n := len(w.b) - at - 4
		if uint64(n) > 0xFFFFFFFF && w.err == nil {
			w.err = fmt.Errorf("attribute %s: %d bytes do not fit in a u4", a.Name(), n)
		}
		binary.BigEndian.PutUint32(w.b[at:], uint32(n))
	}
}

func (w *writer) attributeBody(a Attribute) {
	switch a := a.(type) {
	case *RawAttribute:
		w.b = append(w.b, a.Info...)
	case *ConstantValue:
		w.u2(a.ValueIndex)
	case *Code:
		w.code(a)
	case *StackMapTable:
		w.stackMapTable(a)
	case *Exceptions:
		w.u2s("exceptions", a.Classes)
	case *InnerClasses:
		w.innerClasses(a)
	case *EnclosingMethod:
		w.u2(a.Class)
		w.u2(a.Method)
	case *Synthetic, *Deprecated:
	case *Signature:
		w.u2(a.Index)
	case *SourceFile:
		w.u2(a.Index)
	case *SourceDebugExtension:
		w.b = append(w.b, a.Data...)
	case *LineNumberTable:
		w.lineNumberTable(a)
	case *LocalVariableTable:
		w.localVariableTable(a)
	case *Annotations:
		w.annotations(a.Annotations)
	case *ParameterAnnotations:
		w.parameterAnnotations(a)
	case *TypeAnnotations:
		w.typeAnnotations(a.Annotations)
	case *AnnotationDefault:
		w.elementValue(&a.Value)
	case *BootstrapMethods:
		w.bootstrapMethods(a)
	case *MethodParameters:
		w.methodParameters(a)
	case *Module:
		w.module(a)
	case *ModulePackages:
		w.u2s("packages", a.Packages)
	case *ModuleMainClass:
		w.u2(a.MainClass)
	case *NestHost:
		w.u2(a.HostClass)
	case *NestMembers:
		w.u2s("nest members", a.Classes)
	case *PermittedSubclasses:
		w.u2s("permitted subclasses", a.Classes)
	case *Record:
		w.record(a)
	default:
		if w.err == nil {
			w.err = fmt.Errorf("attribute %s: unknown type %T", a.Name(), a)
		}
	}
}

// innerClasses reads InnerClasses. See JVMS §4.7.6.
func (p *parser) innerClasses() *InnerClasses {
	r := &p.r
	n := r.count(8, "number_of_classes")
	a := &InnerClasses{Classes: slab.Carve(&p.sl.inners, n)}
	// count saw the n entries there: read them without a check each.
	b := r.b[r.off : r.off+8*n]
	for i := range a.Classes {
		o := 8 * i
		a.Classes[i] = InnerClass{u16(b, o), u16(b, o+2), u16(b, o+4), AccessFlags(u16(b, o+6))}
	}
	r.off += 8 * n
	return a
}

func (w *writer) innerClasses(a *InnerClasses) {
	w.count("inner classes", len(a.Classes))
	for _, c := range a.Classes {
		w.u2(c.Inner)
		w.u2(c.Outer)
		w.u2(c.InnerName)
		w.u2(uint16(c.Access))
	}
}

// bootstrapMethods reads BootstrapMethods. See JVMS §4.7.23.
func (p *parser) bootstrapMethods() *BootstrapMethods {
	r := &p.r
	n := r.count(4, "num_bootstrap_methods")
	a := &BootstrapMethods{Methods: make([]BootstrapMethod, n)}
	for i := range a.Methods {
		a.Methods[i].Ref = r.u2("bootstrap_method_ref")
		a.Methods[i].Args = p.u2s("num_bootstrap_arguments")
	}
	return a
}

func (w *writer) bootstrapMethods(a *BootstrapMethods) {
	w.count("bootstrap methods", len(a.Methods))
	for _, m := range a.Methods {
		w.u2(m.Ref)
		w.u2s("bootstrap arguments", m.Args)
	}
}

// methodParameters reads MethodParameters. See JVMS §4.7.24.
func (p *parser) methodParameters() *MethodParameters {
	r := &p.r
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

func (w *writer) methodParameters(a *MethodParameters) {
	w.count1("method parameters", len(a.Params))
	for _, p := range a.Params {
		w.u2(p.NameIndex)
		w.u2(uint16(p.Access))
	}
}

// record reads Record and its components' attributes. See JVMS §4.7.30.
func (p *parser) record() *Record {
	r := &p.r
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

func (w *writer) record(a *Record) {
	w.count("record components", len(a.Components))
	for _, c := range a.Components {
		w.u2(c.NameIndex)
		w.u2(c.DescIndex)
		w.attributes(c.Attributes)
	}
}

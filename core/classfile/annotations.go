package classfile

import (
	"fmt"
)

// Annotations: RuntimeVisibleAnnotations or, when Visible is false,
// RuntimeInvisibleAnnotations. See JVMS §4.7.16 and §4.7.17.
type Annotations struct {
	Header
	Visible     bool
	Annotations []Annotation
}

func (a *Annotations) Name() string {
	if a.Visible {
		return AttrRuntimeVisibleAnnotations
	}
	return AttrRuntimeInvisibleAnnotations
}

// Annotation is one annotation structure. See JVMS §4.7.16.
type Annotation struct {
	TypeIndex uint16
	Pairs     []ElementPair
}

// ElementPair is one element_value_pair.
type ElementPair struct {
	NameIndex uint16
	Value     ElementValue
}

// ElementValue is one element_value. See JVMS §4.7.16.1. By Tag:
//
//	B C D F I J S Z s   Index: the constant
//	e                   Index: type name, Const: constant name
//	c                   Index: return descriptor
//	@                   Annotation
//	[                   Array
type ElementValue struct {
	Tag        uint8
	Index      uint16
	Const      uint16
	Annotation *Annotation
	Array      []ElementValue
}

// ParameterAnnotations: RuntimeVisibleParameterAnnotations or, when Visible is
// false, RuntimeInvisibleParameterAnnotations. See JVMS §4.7.18 and §4.7.19.
type ParameterAnnotations struct {
	Header
	Visible    bool
	Parameters [][]Annotation
}

func (a *ParameterAnnotations) Name() string {
	if a.Visible {
		return AttrRuntimeVisibleParameterAnnotations
	}
	return AttrRuntimeInvisibleParameterAnnotations
}

// TypeAnnotations: RuntimeVisibleTypeAnnotations or, when Visible is false,
// RuntimeInvisibleTypeAnnotations. See JVMS §4.7.20 and §4.7.21.
type TypeAnnotations struct {
	Header
	Visible     bool
	Annotations []TypeAnnotation
}

func (a *TypeAnnotations) Name() string {
	if a.Visible {
		return AttrRuntimeVisibleTypeAnnotations
	}
	return AttrRuntimeInvisibleTypeAnnotations
}

// Type annotation target types. See JVMS §4.7.20, Tables 4.7.20-A to -C.
const (
	TargetClassTypeParameter       = 0x00
	TargetMethodTypeParameter      = 0x01
	TargetClassExtends             = 0x10
	TargetClassTypeParameterBound  = 0x11
	TargetMethodTypeParameterBound = 0x12
	TargetField                    = 0x13
	TargetMethodReturn             = 0x14
	TargetMethodReceiver           = 0x15
	TargetMethodFormalParameter    = 0x16
	TargetThrows                   = 0x17
	TargetLocalVariable            = 0x40
	TargetResourceVariable         = 0x41
	TargetExceptionParameter       = 0x42
	TargetInstanceof               = 0x43
	TargetNew                      = 0x44
	TargetConstructorReference     = 0x45
	TargetMethodReference          = 0x46
	TargetCast                     = 0x47
	TargetConstructorInvocationArg = 0x48
	TargetMethodInvocationArg      = 0x49
	TargetConstructorReferenceArg  = 0x4A
	TargetMethodReferenceTypeArg   = 0x4B
)

// TypeAnnotation is one type_annotation. Which target fields are meaningful
// depends on TargetType:
//
//	type_parameter_target          Index (type_parameter_index)
//	supertype_target               Index (supertype_index, u2)
//	type_parameter_bound_target    Index (type_parameter_index), Bound
//	empty_target                   -
//	formal_parameter_target        Index (formal_parameter_index)
//	throws_target                  Index (throws_type_index, u2)
//	localvar_target                LocalVars
//	catch_target                   Index (exception_table_index, u2)
//	offset_target                  Offset
//	type_argument_target           Offset, Index (type_argument_index)
type TypeAnnotation struct {
	TargetType uint8
	Index      uint16
	Bound      uint8
	Offset     uint16
	LocalVars  []LocalVarTarget
	Path       []TypePathEntry
	Annotation Annotation
}

// LocalVarTarget is one entry of a localvar_target table.
type LocalVarTarget struct{ StartPC, Length, Slot uint16 }

// TypePathEntry is one step of a type_path.
type TypePathEntry struct{ Kind, ArgIndex uint8 }

// AnnotationDefault. See JVMS §4.7.22.
type AnnotationDefault struct {
	Header
	Value ElementValue
}

func (*AnnotationDefault) Name() string { return AttrAnnotationDefault }

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

func (w *writer) annotations(as []Annotation) {
	w.count("annotations", len(as))
	for i := range as {
		w.annotation(&as[i])
	}
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

func (w *writer) annotation(a *Annotation) {
	w.u2(a.TypeIndex)
	w.count("element value pairs", len(a.Pairs))
	for i := range a.Pairs {
		w.u2(a.Pairs[i].NameIndex)
		w.elementValue(&a.Pairs[i].Value)
	}
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

func (w *writer) elementValue(v *ElementValue) {
	w.u1(v.Tag)
	switch v.Tag {
	case 'e':
		w.u2(v.Index)
		w.u2(v.Const)
	case '@':
		if v.Annotation == nil {
			w.err = fmt.Errorf("element value '@' without an annotation")
			return
		}
		w.annotation(v.Annotation)
	case '[':
		w.count("array element values", len(v.Array))
		for i := range v.Array {
			w.elementValue(&v.Array[i])
		}
	default:
		w.u2(v.Index)
	}
}

// parameterAnnotations reads Runtime(In)VisibleParameterAnnotations. See
// JVMS §4.7.18.
func (p *parser) parameterAnnotations(visible bool) *ParameterAnnotations {
	n := int(p.r.u1("num_parameters"))
	a := &ParameterAnnotations{Visible: visible, Parameters: make([][]Annotation, n)}
	for i := range a.Parameters {
		a.Parameters[i] = p.annotations()
	}
	return a
}

func (w *writer) parameterAnnotations(a *ParameterAnnotations) {
	w.count1("parameter annotations", len(a.Parameters))
	for _, p := range a.Parameters {
		w.annotations(p)
	}
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

func (w *writer) typeAnnotations(as []TypeAnnotation) {
	w.count("type annotations", len(as))
	for i := range as {
		t := &as[i]
		w.u1(t.TargetType)
		switch t.TargetType {
		case TargetClassTypeParameter, TargetMethodTypeParameter, TargetMethodFormalParameter:
			w.u1(uint8(t.Index))
		case TargetClassExtends, TargetThrows, TargetExceptionParameter:
			w.u2(t.Index)
		case TargetClassTypeParameterBound, TargetMethodTypeParameterBound:
			w.u1(uint8(t.Index))
			w.u1(t.Bound)
		case TargetField, TargetMethodReturn, TargetMethodReceiver:
		case TargetLocalVariable, TargetResourceVariable:
			w.count("localvar targets", len(t.LocalVars))
			for _, l := range t.LocalVars {
				w.u2(l.StartPC)
				w.u2(l.Length)
				w.u2(l.Slot)
			}
		case TargetInstanceof, TargetNew, TargetConstructorReference, TargetMethodReference:
			w.u2(t.Offset)
		default:
			w.u2(t.Offset)
			w.u1(uint8(t.Index))
		}
		w.count1("type path", len(t.Path))
		for _, p := range t.Path {
			w.u1(p.Kind)
			w.u1(p.ArgIndex)
		}
		w.annotation(&t.Annotation)
	}
}

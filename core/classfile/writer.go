package classfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Write serializes c. A class that Parse returned and nobody changed comes out
// byte-identical; attributes built in code (NameIndex 0) get their names
// interned, appended to the pool. See JVMS §4.1.
func (c *Class) Write() ([]byte, error) {
	return c.AppendTo(make([]byte, 0, 4096))
}

// AppendTo appends the serialized class to dst.
func (c *Class) AppendTo(dst []byte) ([]byte, error) {
	w := writer{c: c}
	// Names of new attributes must be in the pool before the pool is written.
	if err := w.internNames(); err != nil {
		return nil, err
	}
	w.b = dst
	w.u4(Magic)
	w.u2(c.Minor)
	w.u2(c.Major)
	w.pool()
	w.u2(uint16(c.Access))
	w.u2(c.This)
	w.u2(c.Super)
	w.u2s("interfaces", c.Interfaces)
	w.members("fields", c.Fields)
	w.members("methods", c.Methods)
	w.attributes(c.Attributes)
	if w.err != nil {
		return nil, fmt.Errorf("write %s: %w", c.Name(), w.err)
	}
	return w.b, nil
}

type writer struct {
	c   *Class
	b   []byte
	err error
}

func (w *writer) u1(v uint8)  { w.b = append(w.b, v) }
func (w *writer) u2(v uint16) { w.b = binary.BigEndian.AppendUint16(w.b, v) }
func (w *writer) u4(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }

func (w *writer) count(what string, n int) {
	if n > 0xFFFF && w.err == nil {
		w.err = fmt.Errorf("%s: %d entries do not fit in a u2 count", what, n)
	}
	w.u2(uint16(n))
}

func (w *writer) count1(what string, n int) {
	if n > 0xFF && w.err == nil {
		w.err = fmt.Errorf("%s: %d entries do not fit in a u1 count", what, n)
	}
	w.u1(uint8(n))
}

func (w *writer) u2s(what string, v []uint16) {
	w.count(what, len(v))
	for _, x := range v {
		w.u2(x)
	}
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

// pool writes the constant pool. See JVMS §4.4.
func (w *writer) pool() {
	e := w.c.Pool.Entries
	if len(e) == 0 {
		w.u2(1) // an empty pool still counts its unused entry 0
		return
	}
	w.count("constant_pool_count", len(e))
	for i := 1; i < len(e); i++ {
		c := &e[i]
		if c.Tag == 0 {
			continue // the second slot of a Long or Double
		}
		w.u1(uint8(c.Tag))
		switch c.Tag {
		case TagUtf8:
			if c.raw != nil {
				if s, _ := decodeMUTF8(c.raw); s == c.Str {
					w.u2(uint16(len(c.raw)))
					w.b = append(w.b, c.raw...)
					continue
				}
			}
			// Encode first and fill the length in after: one pass, not two.
			at := len(w.b)
			w.u2(0)
			w.b = appendMUTF8(w.b, c.Str)
			n := len(w.b) - at - 2
			if n > 0xFFFF && w.err == nil {
				w.err = fmt.Errorf("constant pool #%d: Utf8 of %d bytes exceeds 65535", i, n)
			}
			w.b[at], w.b[at+1] = byte(n>>8), byte(n)
		case TagInteger, TagFloat:
			w.u4(c.U32)
		case TagLong, TagDouble:
			w.u4(uint32(c.U64 >> 32))
			w.u4(uint32(c.U64))
			i++
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			w.u2(c.A)
		case TagMethodHandle:
			w.u1(c.Kind)
			w.u2(c.A)
		default:
			w.u2(c.A)
			w.u2(c.B)
		}
	}
}

func (w *writer) members(what string, ms []*Member) {
	w.count(what, len(ms))
	for _, m := range ms {
		w.u2(uint16(m.Access))
		w.u2(m.NameIndex)
		w.u2(m.DescIndex)
		w.attributes(m.Attributes)
	}
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
		w.u2(a.MaxStack)
		w.u2(a.MaxLocals)
		if (len(a.Code) == 0 || len(a.Code) > 65535) && w.err == nil {
			w.err = fmt.Errorf("Code: code_length %d is not in 1..65535", len(a.Code))
		}
		w.u4(uint32(len(a.Code)))
		w.b = append(w.b, a.Code...)
		w.count("exception_table", len(a.Handlers))
		for _, h := range a.Handlers {
			w.u2(h.StartPC)
			w.u2(h.EndPC)
			w.u2(h.HandlerPC)
			w.u2(h.CatchType)
		}
		w.attributes(a.Attributes)
	case *StackMapTable:
		w.stackMapTable(a)
	case *Exceptions:
		w.u2s("exceptions", a.Classes)
	case *InnerClasses:
		w.count("inner classes", len(a.Classes))
		for _, c := range a.Classes {
			w.u2(c.Inner)
			w.u2(c.Outer)
			w.u2(c.InnerName)
			w.u2(uint16(c.Access))
		}
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
		w.count("line numbers", len(a.Lines))
		for _, l := range a.Lines {
			w.u2(l.StartPC)
			w.u2(l.Line)
		}
	case *LocalVariableTable:
		w.count("local variables", len(a.Vars))
		for _, v := range a.Vars {
			w.u2(v.StartPC)
			w.u2(v.Length)
			w.u2(v.NameIndex)
			w.u2(v.DescIndex)
			w.u2(v.Slot)
		}
	case *Annotations:
		w.annotations(a.Annotations)
	case *ParameterAnnotations:
		w.count1("parameter annotations", len(a.Parameters))
		for _, p := range a.Parameters {
			w.annotations(p)
		}
	case *TypeAnnotations:
		w.typeAnnotations(a.Annotations)
	case *AnnotationDefault:
		w.elementValue(&a.Value)
	case *BootstrapMethods:
		w.count("bootstrap methods", len(a.Methods))
		for _, m := range a.Methods {
			w.u2(m.Ref)
			w.u2s("bootstrap arguments", m.Args)
		}
	case *MethodParameters:
		w.count1("method parameters", len(a.Params))
		for _, p := range a.Params {
			w.u2(p.NameIndex)
			w.u2(uint16(p.Access))
		}
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
		w.count("record components", len(a.Components))
		for _, c := range a.Components {
			w.u2(c.NameIndex)
			w.u2(c.DescIndex)
			w.attributes(c.Attributes)
		}
	default:
		if w.err == nil {
			w.err = fmt.Errorf("attribute %s: unknown type %T", a.Name(), a)
		}
	}
}

// stackMapTable writes each frame in the form its Type names. See JVMS §4.7.4.
func (w *writer) stackMapTable(a *StackMapTable) {
	w.count("stack map frames", len(a.Frames))
	for i := range a.Frames {
		f := &a.Frames[i]
		w.u1(f.Type)
		switch t := f.Type; {
		case t <= FrameSameMax:
		case t <= FrameSameLocals1Max:
			w.verificationTypes(f.Stack)
		case t == FrameSameLocals1Ext:
			w.u2(f.OffsetDelta)
			w.verificationTypes(f.Stack)
		case t <= FrameSameExt:
			w.u2(f.OffsetDelta)
		case t <= FrameAppendMax:
			w.u2(f.OffsetDelta)
			w.verificationTypes(f.Locals)
		default:
			w.u2(f.OffsetDelta)
			w.count("frame locals", len(f.Locals))
			w.verificationTypes(f.Locals)
			w.count("frame stack", len(f.Stack))
			w.verificationTypes(f.Stack)
		}
	}
}

func (w *writer) verificationTypes(vs []VerificationType) {
	for _, v := range vs {
		w.u1(v.Tag)
		if v.Tag == VTObject || v.Tag == VTUninitialized {
			w.u2(v.Data)
		}
	}
}

func (w *writer) module(m *Module) {
	w.u2(m.NameIndex)
	w.u2(uint16(m.Flags))
	w.u2(m.Version)
	w.count("requires", len(m.Requires))
	for _, r := range m.Requires {
		w.u2(r.Module)
		w.u2(uint16(r.Flags))
		w.u2(r.Version)
	}
	for _, list := range [][]ModuleExports{m.Exports, m.Opens} {
		w.count("exports/opens", len(list))
		for _, e := range list {
			w.u2(e.Package)
			w.u2(uint16(e.Flags))
			w.u2s("exports to", e.To)
		}
	}
	w.u2s("uses", m.Uses)
	w.count("provides", len(m.Provides))
	for _, p := range m.Provides {
		w.u2(p.Service)
		w.u2s("provides with", p.With)
	}
}

func (w *writer) annotations(as []Annotation) {
	w.count("annotations", len(as))
	for i := range as {
		w.annotation(&as[i])
	}
}

func (w *writer) annotation(a *Annotation) {
	w.u2(a.TypeIndex)
	w.count("element value pairs", len(a.Pairs))
	for i := range a.Pairs {
		w.u2(a.Pairs[i].NameIndex)
		w.elementValue(&a.Pairs[i].Value)
	}
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

// Equal reports whether writing c gives exactly data; a convenience for
// round-trip checks.
func (c *Class) Equal(data []byte) bool {
	out, err := c.Write()
	return err == nil && bytes.Equal(out, data)
}

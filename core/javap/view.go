package javap

import "dvmlab/core/classfile"

// javap reads every attribute by its name alone, wherever it stands and
// whatever the class's version, and reads only as much of a body as the
// structure takes. The classfile model keeps raw what the JVM does not read
// (a StackMapTable below version 50, a Signature below 49, a ConstantValue
// on an instance field) and what does not decode; view gives the printer
// the class as javap sees it.

// view returns c with every raw attribute that javap would decode decoded;
// c itself when there is none. Attributes that do not decode stay raw.
func view(c *classfile.Class) *classfile.Class {
	if !anyDecodable(c) {
		return c
	}
	v := *c
	v.Attributes = viewAttrs(c, c.Attributes)
	v.Fields = viewMembers(c, c.Fields)
	v.Methods = viewMembers(c, c.Methods)
	return &v
}

func viewMembers(c *classfile.Class, ms []*classfile.Member) []*classfile.Member {
	out := make([]*classfile.Member, len(ms))
	for i, m := range ms {
		out[i] = viewMember(c, m)
	}
	return out
}

func viewMember(c *classfile.Class, m *classfile.Member) *classfile.Member {
	v := *m
	v.Attributes = viewAttrs(c, m.Attributes)
	return &v
}

func viewAttrs(c *classfile.Class, as []classfile.Attribute) []classfile.Attribute {
	out := make([]classfile.Attribute, len(as))
	for i, a := range as {
		switch a := a.(type) {
		case *classfile.RawAttribute:
			out[i] = a
			if d, _, err := c.DecodeRaw(a); err == nil {
				out[i] = d
				if code, ok := d.(*classfile.Code); ok {
					code.Attributes = viewAttrs(c, code.Attributes)
				}
			}
		case *classfile.Code:
			code := *a
			code.Attributes = viewAttrs(c, a.Attributes)
			out[i] = &code
		case *classfile.Record:
			r := *a
			r.Components = make([]classfile.RecordComponent, len(a.Components))
			for j, rc := range a.Components {
				rc.Attributes = viewAttrs(c, rc.Attributes)
				r.Components[j] = rc
			}
			out[i] = &r
		default:
			out[i] = a
		}
	}
	return out
}

func anyDecodable(c *classfile.Class) bool {
	var any func([]classfile.Attribute) bool
	any = func(as []classfile.Attribute) bool {
		for _, a := range as {
			switch a := a.(type) {
			case *classfile.RawAttribute:
				if javapReads[a.AttrName] {
					return true
				}
			case *classfile.Code:
				if any(a.Attributes) {
					return true
				}
			case *classfile.Record:
				for _, rc := range a.Components {
					if any(rc.Attributes) {
						return true
					}
				}
			}
		}
		return false
	}
	if any(c.Attributes) {
		return true
	}
	for _, ms := range [][]*classfile.Member{c.Fields, c.Methods} {
		for _, m := range ms {
			if any(m.Attributes) {
				return true
			}
		}
	}
	return false
}

// javapReads names the attributes javap's attribute factory knows; one of
// them that does not decode is shown as a hex dump with the reason javap
// gives, the exception its reflective constructor call ends in.
var javapReads = map[string]bool{
	classfile.AttrAnnotationDefault: true, classfile.AttrBootstrapMethods: true, "CharacterRangeTable": true,
	classfile.AttrCode: true, "CompilationID": true, classfile.AttrConstantValue: true, classfile.AttrDeprecated: true,
	classfile.AttrEnclosingMethod: true, classfile.AttrExceptions: true, classfile.AttrInnerClasses: true,
	classfile.AttrLineNumberTable: true, classfile.AttrLocalVariableTable: true, classfile.AttrLocalVariableTypeTable: true,
	classfile.AttrMethodParameters: true, classfile.AttrModule: true, "ModuleHashes": true, classfile.AttrModuleMainClass: true,
	classfile.AttrModulePackages: true, "ModuleResolution": true, "ModuleTarget": true, classfile.AttrNestHost: true,
	classfile.AttrNestMembers: true, classfile.AttrRecord: true, classfile.AttrRuntimeInvisibleAnnotations: true,
	classfile.AttrRuntimeInvisibleParameterAnnotations: true, classfile.AttrRuntimeInvisibleTypeAnnotations: true,
	classfile.AttrRuntimeVisibleAnnotations: true, classfile.AttrRuntimeVisibleParameterAnnotations: true,
	classfile.AttrRuntimeVisibleTypeAnnotations: true, classfile.AttrPermittedSubclasses: true, classfile.AttrSignature: true,
	classfile.AttrSourceDebugExtension: true, classfile.AttrSourceFile: true, "SourceID": true, "StackMap": true,
	classfile.AttrStackMapTable: true, classfile.AttrSynthetic: true,
}

// javapFailure is the reason javap shows for an attribute it knows but
// could not read.
const javapFailure = "java.lang.reflect.InvocationTargetException"

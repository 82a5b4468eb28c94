package classfile

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

// Code: a method's bytecode. See JVMS §4.7.3.
type Code struct {
	Header
	MaxStack   uint16
	MaxLocals  uint16
	Code       []byte
	Handlers   []ExceptionHandler
	Attributes []Attribute
}

func (*Code) Name() string { return AttrCode }

// ExceptionHandler is one exception_table entry. CatchType 0 catches everything.
type ExceptionHandler struct {
	StartPC, EndPC, HandlerPC uint16
	CatchType                 uint16
}

// StackMapTable: verification frames. See JVMS §4.7.4.
type StackMapTable struct {
	Header
	Frames []StackMapFrame
}

func (*StackMapTable) Name() string { return AttrStackMapTable }

// Frame kinds, by the range of frame_type they occupy. See JVMS §4.7.4.
const (
	FrameSameMax           = 63  // same_frame: 0-63
	FrameSameLocals1Max    = 127 // same_locals_1_stack_item_frame: 64-127
	FrameSameLocals1Ext    = 247 // same_locals_1_stack_item_frame_extended
	FrameChopMin           = 248 // chop_frame: 248-250
	FrameChopMax           = 250
	FrameSameExt           = 251 // same_frame_extended
	FrameAppendMin         = 252 // append_frame: 252-254
	FrameAppendMax         = 254
	FrameFull              = 255 // full_frame
	frameReservedMaxPlus1  = 247
	frameSameLocals1Offset = 64
)

// StackMapFrame is one stack_map_frame. Type is the frame_type byte as read,
// which fixes the compressed form; OffsetDelta is the offset delta whether it
// was encoded in Type or stored explicitly. Locals holds the appended locals
// of an append frame or all locals of a full frame; Stack the one stack item
// of a same_locals_1 frame or the whole stack of a full frame.
type StackMapFrame struct {
	Type        uint8
	OffsetDelta uint16
	Locals      []VerificationType
	Stack       []VerificationType
}

// Verification type tags. See JVMS §4.7.4.
const (
	VTTop               = 0
	VTInteger           = 1
	VTFloat             = 2
	VTDouble            = 3
	VTLong              = 4
	VTNull              = 5
	VTUninitializedThis = 6
	VTObject            = 7
	VTUninitialized     = 8
)

// VerificationType is one verification_type_info. Data is the Class pool
// index of an Object type or the offset of the new of an Uninitialized type.
type VerificationType struct {
	Tag  uint8
	Data uint16
}

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

// LineNumberTable. See JVMS §4.7.12.
type LineNumberTable struct {
	Header
	Lines []LineNumber
}

func (*LineNumberTable) Name() string { return AttrLineNumberTable }

// LineNumber maps a code offset to a source line.
type LineNumber struct{ StartPC, Line uint16 }

// LocalVariableTable, and LocalVariableTypeTable when Types is set (then Desc
// is a signature). See JVMS §4.7.13 and §4.7.14.
type LocalVariableTable struct {
	Header
	Types bool
	Vars  []LocalVariable
}

func (a *LocalVariableTable) Name() string {
	if a.Types {
		return AttrLocalVariableTypeTable
	}
	return AttrLocalVariableTable
}

// LocalVariable is one local_variable_table entry.
type LocalVariable struct {
	StartPC, Length uint16
	NameIndex       uint16
	DescIndex       uint16
	Slot            uint16
}

// Deprecated. See JVMS §4.7.15.
type Deprecated struct{ Header }

func (*Deprecated) Name() string { return AttrDeprecated }

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

// Module. See JVMS §4.7.25.
type Module struct {
	Header
	NameIndex uint16 // Module entry
	Flags     AccessFlags
	Version   uint16 // Utf8 entry or 0
	Requires  []ModuleRequires
	Exports   []ModuleExports
	Opens     []ModuleExports
	Uses      []uint16 // Class entries
	Provides  []ModuleProvides
}

func (*Module) Name() string { return AttrModule }

// ModuleRequires is one requires entry.
type ModuleRequires struct {
	Module  uint16 // Module entry
	Flags   AccessFlags
	Version uint16 // Utf8 entry or 0
}

// ModuleExports is one exports or opens entry.
type ModuleExports struct {
	Package uint16 // Package entry
	Flags   AccessFlags
	To      []uint16 // Module entries
}

// ModuleProvides is one provides entry.
type ModuleProvides struct {
	Service uint16   // Class entry
	With    []uint16 // Class entries
}

// ModulePackages. See JVMS §4.7.26.
type ModulePackages struct {
	Header
	Packages []uint16
}

func (*ModulePackages) Name() string { return AttrModulePackages }

// ModuleMainClass. See JVMS §4.7.27.
type ModuleMainClass struct {
	Header
	MainClass uint16
}

func (*ModuleMainClass) Name() string { return AttrModuleMainClass }

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

package classfile

// slabs hands out the small tables and attribute structures of one class
// from shared chunks. A class's attributes are made together and normally
// dropped together, and one allocation per chunk costs far less than one
// per table (JVMS §4.7: a method has a Code attribute, and that a line
// table, a local table and a stack map of its own, each a handful of
// entries).
type slabs struct {
	vts        []VerificationType
	lines      []LineNumber
	vars       []LocalVariable
	attrs      []Attribute
	codes      []Code
	lnts       []LineNumberTable
	lvts       []LocalVariableTable
	smts       []StackMapTable
	frames     []StackMapFrame
	handlers   []ExceptionHandler
	u2s        []uint16
	raws       []RawAttribute
	sigs       []Signature
	excs       []Exceptions
	inners     []InnerClass
	members    []Member
	memberPtrs []*Member
}

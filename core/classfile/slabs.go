package classfile

// slabs hands out the small tables and attribute structures of one class
// from shared chunks. A class's attributes are made together and normally
// dropped together, and one allocation per chunk costs far less than one
// per table (JVMS §4.7: a method has a Code attribute, and that a line
// table, a local table and a stack map of its own, each a handful of
// entries).
type slabs struct {
	vts   []VerificationType
	lines []LineNumber
	vars  []LocalVariable
	attrs []Attribute
	codes []Code
	lnts  []LineNumberTable
	lvts  []LocalVariableTable
	smts  []StackMapTable
}

// carve returns n zeroed elements cut from *slab, starting a new chunk when
// the current one is short. The result is capped at n, so that appending
// to it reallocates rather than running into its neighbour.
func carve[T any](slab *[]T, n int) []T {
	if n == 0 {
		return make([]T, 0) // as make would: empty, not nil
	}
	s := *slab
	if cap(s)-len(s) < n {
		// Chunks double from a few elements, so that small classes waste
		// little and large ones allocate rarely.
		c := min(max(2*cap(s), 8), 512)
		s = make([]T, 0, max(n, c))
	}
	out := s[len(s) : len(s)+n : len(s)+n]
	*slab = s[:len(s)+n]
	return out
}

// one returns a pointer to one zeroed element cut from *slab.
func one[T any](slab *[]T) *T { return &carve(slab, 1)[0] }

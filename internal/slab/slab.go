// Package slab hands out small slices from shared chunks. The class-file
// reader and frame computation make many tables of a handful of entries
// each (JVMS §4.7: per method a Code attribute, its line, local-variable
// and stack-map tables), made together and dropped together with their
// class: one allocation per chunk costs far less than one per table.
package slab

// Carve returns n zeroed elements cut from *s, starting a new chunk when
// the current one is short. The result is capped at n, so that appending
// to it reallocates rather than running into its neighbour; for n = 0 it is
// empty and not nil, as make would give.
func Carve[T any](s *[]T, n int) []T {
	if n == 0 {
		return make([]T, 0)
	}
	c := *s
	if cap(c)-len(c) < n {
		// Chunks double from a few elements, so that small classes waste
		// little and large ones allocate rarely.
		c = make([]T, 0, max(n, min(max(2*cap(c), 8), 512)))
	}
	out := c[len(c) : len(c)+n : len(c)+n]
	*s = c[:len(c)+n]
	return out
}

// One returns a pointer to one zeroed element cut from *s.
func One[T any](s *[]T) *T { return &Carve(s, 1)[0] }

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
	if cap(*s)-len(*s) < n {
		// Chunks double from a few elements, so that small classes waste
		// little and large ones allocate rarely.
		*s = make([]T, 0, max(n, min(max(2*cap(*s), 8), 512)))
	}
	l := len(*s)
	// Reslicing *s in place stores only its length: no write barrier
	// while the collector runs, as storing a whole slice would pass.
	*s = (*s)[:l+n]
	return (*s)[l : l+n : l+n]
}

// One returns a pointer to one zeroed element cut from *s.
func One[T any](s *[]T) *T { return &Carve(s, 1)[0] }

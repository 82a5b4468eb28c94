package slab

import "testing"

func TestCarve(t *testing.T) {
	var s []int
	a := Carve(&s, 3)
	b := Carve(&s, 2)
	if len(a) != 3 || cap(a) != 3 || len(b) != 2 || cap(b) != 2 {
		t.Fatalf("lengths/caps %d/%d %d/%d, want 3/3 2/2", len(a), cap(a), len(b), cap(b))
	}
	a = append(a, 7) // must reallocate, not write into b
	if b[0] != 0 {
		t.Fatalf("append to one carved slice wrote into its neighbour: %v", b)
	}
	if z := Carve(&s, 0); z == nil || len(z) != 0 {
		t.Fatalf("Carve(0) = %#v, want empty and not nil", z)
	}
	big := Carve(&s, 1000) // larger than a chunk
	if len(big) != 1000 {
		t.Fatalf("len %d", len(big))
	}
	p := One(&s)
	*p = 5
	if q := One(&s); *q != 0 || p == q {
		t.Fatal("One gave a used or shared element")
	}
}

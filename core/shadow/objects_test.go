package shadow

import "testing"

// TestObjectTablePages: objects on one page and on others, found through
// the last page found and through the map; a page emptied is dropped
// (and forgotten as the last one) and made again when a later object
// falls on it.
func TestObjectTablePages(t *testing.T) {
	tab := newObjectTable()
	tag := func(seq uint64) uint64 { return seq<<classBits | 5 }
	seqs := []uint64{1, 2, 1<<pageBits + 3, 7, 3<<pageBits + 1, 1<<pageBits + 4}
	for _, s := range seqs {
		tab.put(tag(s), &ShadowObject{ID: tag(s)})
	}
	for _, s := range seqs {
		if o := tab.get(tag(s)); o == nil || o.ID != tag(s) {
			t.Fatalf("get(%d) = %v", s, o)
		}
	}
	if o := tab.get(tag(8)); o != nil {
		t.Errorf("get(8) = %v, never put", o)
	}
	for _, s := range []uint64{1<<pageBits + 3, 1<<pageBits + 4} {
		if o := tab.remove(tag(s)); o == nil || o.ID != tag(s) {
			t.Fatalf("remove(%d) = %v", s, o)
		}
	}
	if len(tab.pages) != 2 || tab.get(tag(1<<pageBits+3)) != nil {
		t.Fatalf("after emptying page 1: %d pages, get %v", len(tab.pages), tab.get(tag(1<<pageBits+3)))
	}
	tab.put(tag(1<<pageBits+9), &ShadowObject{ID: tag(1<<pageBits + 9)})
	if o := tab.get(tag(1<<pageBits + 9)); o == nil || len(tab.pages) != 3 {
		t.Errorf("page 1 made again: get %v, %d pages", o, len(tab.pages))
	}
	if o := tab.get(tag(2)); o == nil || o.ID != tag(2) {
		t.Errorf("get(2) = %v after other pages changed", o)
	}
	c := uint64(classFlag | 9)
	tab.put(c, &ShadowObject{ID: c})
	if tab.get(c) == nil || tab.remove(c) == nil || tab.get(c) != nil {
		t.Errorf("class object: not kept and removed")
	}
}

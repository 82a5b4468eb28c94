package shadow

// objectTable maps tags to shadow objects. A run names millions of objects
// whose tags carry an increasing sequence number, so the table is pages of
// consecutive sequence numbers, dropped when every object on them has died,
// instead of one hash map that every event probes at random.
type objectTable struct {
	pages   map[uint64]*objectPage
	classes map[uint64]*ShadowObject // class objects: their tags carry no sequence
	// last is the page found last, and lastNo its number: consecutive
	// events mostly name objects made about the same time.
	last   *objectPage
	lastNo uint64
}

const pageBits = 14

type objectPage struct {
	slot [1 << pageBits]*ShadowObject
	live int
}

func newObjectTable() *objectTable {
	return &objectTable{pages: map[uint64]*objectPage{}, classes: map[uint64]*ShadowObject{}}
}

func (t *objectTable) get(tag uint64) *ShadowObject {
	if tag&classFlag != 0 {
		return t.classes[tag]
	}
	seq := tag >> classBits
	p := t.page(seq >> pageBits)
	if p == nil {
		return nil
	}
	return p.slot[seq&(1<<pageBits-1)]
}

// page returns page number no, nil if it has no objects.
func (t *objectTable) page(no uint64) *objectPage {
	if t.last != nil && t.lastNo == no {
		return t.last
	}
	p := t.pages[no]
	if p != nil {
		t.last, t.lastNo = p, no
	}
	return p
}

func (t *objectTable) put(tag uint64, o *ShadowObject) {
	if tag&classFlag != 0 {
		t.classes[tag] = o
		return
	}
	seq := tag >> classBits
	p := t.page(seq >> pageBits)
	if p == nil {
		p = &objectPage{}
		t.pages[seq>>pageBits] = p
	}
	if p.slot[seq&(1<<pageBits-1)] == nil {
		p.live++
	}
	p.slot[seq&(1<<pageBits-1)] = o
}

// remove forgets tag and returns its object, nil if it was not there.
func (t *objectTable) remove(tag uint64) *ShadowObject {
	if tag&classFlag != 0 {
		o := t.classes[tag]
		delete(t.classes, tag)
		return o
	}
	seq := tag >> classBits
	p := t.page(seq >> pageBits)
	if p == nil {
		return nil
	}
	i := seq & (1<<pageBits - 1)
	o := p.slot[i]
	if o != nil {
		p.slot[i] = nil
		if p.live--; p.live == 0 {
			// A page may empty before its last sequence numbers are used
			// (objects tagged later on it); it is made again then.
			delete(t.pages, seq>>pageBits)
			if t.last == p {
				t.last = nil
			}
		}
	}
	return o
}

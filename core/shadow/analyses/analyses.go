// Package analyses holds ShadowVM analyses written against the Shadow API:
// the allocation counter by site (the ShadowVM paper's Figure 4, extended
// to every allocating instruction), a method-call profiler, and the field
// immutability analysis of the paper's case study (fia.go).
package analyses

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"

	"dvmlab/core/bytecode"
	"dvmlab/core/shadow"
)

// New returns the analysis called name, with hooks restricted to scope
// ("" for everything).
func New(name, scope string) (shadow.Analysis, error) {
	switch name {
	case "alloc":
		return &Alloc{Scope: scope}, nil
	case "calls":
		return &Calls{Scope: scope}, nil
	case "fia":
		return &FIA{Scope: scope}, nil
	}
	return nil, fmt.Errorf("unknown analysis %q (%v)", name, Names())
}

// Names lists the analyses.
func Names() []string { return []string{"alloc", "calls", "fia"} }

// Alloc counts allocations by site and allocated class. Its hook sends the
// new object itself, as Figure 4 does, so the class comes from the shadow
// object; every site is its own ordering group.
type Alloc struct {
	Scope string

	mu     sync.Mutex
	counts map[allocKey]int64
}

// allocKey counts by the class itself, not its name, so that counting
// hashes two pointers; Rows names them.
type allocKey struct {
	site  *shadow.Site
	class *shadow.ShadowClass // nil: the class the instruction names
}

// Name implements shadow.Analysis.
func (a *Alloc) Name() string { return "alloc" }

// Hooks implements shadow.Analysis.
func (a *Alloc) Hooks() []*shadow.Hook {
	return []*shadow.Hook{{
		Name:      "alloc",
		Marker:    shadow.Marker{Kind: shadow.After, Ops: []bytecode.Opcode{bytecode.New, bytecode.Newarray, bytecode.Anewarray, bytecode.Multianewarray}},
		Scope:     a.Scope,
		Args:      []shadow.Arg{{Kind: shadow.StackValue}, {Kind: shadow.SiteID}},
		GroupBy:   shadow.GroupSite,
		InProcess: shadow.SiteID,
		Handle:    a.onAlloc,
	}}
}

func (a *Alloc) onAlloc(e *shadow.Event) {
	obj, _ := e.Args[0].(*shadow.ShadowObject)
	site, _ := e.Args[1].(*shadow.Site)
	if site == nil {
		return
	}
	k := allocKey{site: site}
	if obj != nil {
		k.class = obj.Class
	}
	a.mu.Lock()
	if a.counts == nil {
		a.counts = map[allocKey]int64{}
	}
	a.counts[k]++
	a.mu.Unlock()
}

// Counts implements shadow.InProcessCounter: in process, the class is the
// one the instruction names.
func (a *Alloc) Counts(counts []int64, reg *shadow.Registry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.counts = map[allocKey]int64{}
	for id, n := range counts {
		if s := reg.Site(id); s != nil && n > 0 {
			a.counts[allocKey{site: s}] += n
		}
	}
}

// ObjectFree implements shadow.Analysis.
func (a *Alloc) ObjectFree(*shadow.ShadowObject) {}

// ThreadEnd implements shadow.Analysis.
func (a *Alloc) ThreadEnd(*shadow.ShadowThread) {}

// VMDeath implements shadow.Analysis.
func (a *Alloc) VMDeath() {}

// AllocRow is one line of the allocation table.
type AllocRow struct {
	Site  string // internal/ClassName.method(descriptor)@offset
	Class string
	Count int64
}

// Rows returns the table sorted by site, then class.
func (a *Alloc) Rows() []AllocRow {
	a.mu.Lock()
	defer a.mu.Unlock()
	// Classes of one name from several loaders make one row.
	byName := map[[2]string]int64{}
	for k, n := range a.counts {
		class := k.site.Operand
		if k.class != nil {
			class = k.class.Name
		}
		byName[[2]string{k.site.String(), class}] += n
	}
	out := make([]AllocRow, 0, len(byName))
	for k, n := range byName {
		out = append(out, AllocRow{Site: k[0], Class: k[1], Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Site != out[j].Site {
			return out[i].Site < out[j].Site
		}
		return out[i].Class < out[j].Class
	})
	return out
}

// Total is the number of allocations counted.
func (a *Alloc) Total() int64 {
	var t int64
	for _, r := range a.Rows() {
		t += r.Count
	}
	return t
}

// WriteCSV implements shadow.CSVWriter: site,class,count.
func (a *Alloc) WriteCSV(w io.Writer, _ *shadow.Registry) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"site", "class", "count"})
	for _, r := range a.Rows() {
		cw.Write([]string{r.Site, r.Class, strconv.FormatInt(r.Count, 10)})
	}
	cw.Flush()
	return cw.Error()
}

// Calls counts calls per method, at method entry.
type Calls struct {
	Scope string

	mu     sync.Mutex
	counts map[*shadow.Method]int64
}

// Name implements shadow.Analysis.
func (c *Calls) Name() string { return "calls" }

// Hooks implements shadow.Analysis.
func (c *Calls) Hooks() []*shadow.Hook {
	return []*shadow.Hook{{
		Name:      "entry",
		Marker:    shadow.Marker{Kind: shadow.MethodEntry},
		Scope:     c.Scope,
		Args:      []shadow.Arg{{Kind: shadow.MethodID}},
		GroupBy:   shadow.GroupSite,
		InProcess: shadow.MethodID,
		Handle: func(e *shadow.Event) {
			m, _ := e.Args[0].(*shadow.Method)
			if m == nil {
				return
			}
			c.mu.Lock()
			if c.counts == nil {
				c.counts = map[*shadow.Method]int64{}
			}
			c.counts[m]++
			c.mu.Unlock()
		},
	}}
}

// Counts implements shadow.InProcessCounter.
func (c *Calls) Counts(counts []int64, reg *shadow.Registry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = map[*shadow.Method]int64{}
	for id, n := range counts {
		if m := reg.Method(id); m != nil && n > 0 {
			c.counts[m] += n
		}
	}
}

// ObjectFree implements shadow.Analysis.
func (c *Calls) ObjectFree(*shadow.ShadowObject) {}

// ThreadEnd implements shadow.Analysis.
func (c *Calls) ThreadEnd(*shadow.ShadowThread) {}

// VMDeath implements shadow.Analysis.
func (c *Calls) VMDeath() {}

// WriteCSV implements shadow.CSVWriter: method,calls, most called first.
func (c *Calls) WriteCSV(w io.Writer, _ *shadow.Registry) error {
	c.mu.Lock()
	type row struct {
		m string
		n int64
	}
	var rows []row
	for m, n := range c.counts {
		rows = append(rows, row{m.String(), n})
	}
	c.mu.Unlock()
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].n != rows[j].n {
			return rows[i].n > rows[j].n
		}
		return rows[i].m < rows[j].m
	})
	cw := csv.NewWriter(w)
	cw.Write([]string{"method", "calls"})
	for _, r := range rows {
		cw.Write([]string{r.m, strconv.FormatInt(r.n, 10)})
	}
	cw.Flush()
	return cw.Error()
}

package analyses

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/shadow"
)

// FIA is the field immutability analysis of Sewe et al., the case study of
// the ShadowVM paper (GPCE'13 §7): every allocation, every field read and
// write (instance and static), and the dynamic extent of every constructor
// and static initializer, with per field a state machine:
//
//   - immutable: every write happened inside the dynamic extent of a
//     constructor of the object written (for a static field, of its
//     class's static initializer), on the thread running it; a field read
//     but never written (it keeps the VM's implicit zero) is immutable;
//   - stationary: some write happened outside, but on every object all of
//     them came before the object's first read of the field;
//   - mutable: on some object a write outside came after a read, the
//     implicit zero included.
//
// Per allocation site it counts the objects, and those that had any field
// written outside their constructors.
type FIA struct {
	Scope string

	mu sync.Mutex
	// fields numbers each declared field once; stats are by that number,
	// so per-object state holds small integers, not names.
	fields map[fieldKey]int32
	stats  []*fieldStat
	// resolved maps a field reference's registry id to its field's number
	// plus one (0: not resolved yet).
	resolved []int32
	sites    map[siteKey]*siteStat
	threads  map[uint64]*ctorStack
	// lastStack is the constructor stack of thread lastThread, the one
	// of the previous event: events come in runs of one thread's.
	lastStack  *ctorStack
	lastThread uint64
	decl       map[string]*classfile.Class // parsed for resolution; nil: not available
	reg        *shadow.Registry
	// perThread counts allocations by thread and site, for matching
	// objects across implementations (the paper's Table 4); named are the
	// in-process analysis's, whose threads come as names.
	perThread map[threadSite]int64
	named     map[namedThreadSite]int64
	// early counts allocations before VM init (Event.Live false).
	early int64
}

// Verdict is a field's state.
type Verdict int

const (
	Immutable Verdict = iota
	Stationary
	Mutable
)

func (v Verdict) String() string {
	return [...]string{"immutable", "stationary", "mutable"}[v]
}

type fieldKey struct {
	class, name string
	static      bool
}

type fieldStat struct {
	key                        fieldKey
	verdict                    Verdict
	writes, ctorWrites, reads  int64
	staticRead, staticOutWrite bool // the one "object" of a static field
}

// siteKey is a site and the class of the objects made there: cls, or
// the class the instruction names where the object's class is unknown.
type siteKey struct {
	site *shadow.Site
	cls  *shadow.ShadowClass
}

func (k siteKey) class() string {
	if k.cls != nil {
		return k.cls.Name
	}
	return k.site.Operand
}

type siteStat struct{ objects, mutated int64 }

// threadSite is kept by pointers, whose hashing costs nothing; the
// tables merge them by thread name and site name.
type threadSite struct {
	thread *shadow.ShadowThread
	site   *shadow.Site
	early  bool // before VM init
}

type namedThreadSite struct {
	thread string
	site   *shadow.Site
}

// objState is an object's shadow state. A run keeps it for every object
// alive in the observed VM, so it is small (48 bytes): the bits of the
// first four fields the object had read or written outside its
// constructors inline, those of any more beside, each as the field's
// number shifted left by two and its bits (1 read, 2 written outside
// the object's constructors), searched in order: an object rarely has
// more than a few.
type objState struct {
	site    *siteStat
	inline  [4]uint32
	more    *[]uint32
	n       uint8 // inline entries used
	mutated bool
}

// maxFields bounds the field numbers an entry holds; a run numbers the
// fields its classes declare, some thousands.
const maxFields = 1 << 30

// bits returns the bits of field number f.
func (s *objState) bits(f int32) uint8 {
	for _, e := range s.inline[:s.n] {
		if int32(e>>2) == f {
			return uint8(e & 3)
		}
	}
	if s.more != nil {
		for _, e := range *s.more {
			if int32(e>>2) == f {
				return uint8(e & 3)
			}
		}
	}
	return 0
}

// set adds bits to field number f's.
func (s *objState) set(f int32, bits uint8) {
	for i := range s.inline[:s.n] {
		if int32(s.inline[i]>>2) == f {
			s.inline[i] |= uint32(bits)
			return
		}
	}
	e := uint32(f)<<2 | uint32(bits)
	if int(s.n) < len(s.inline) {
		s.inline[s.n] = e
		s.n++
		return
	}
	if s.more == nil {
		s.more = new([]uint32)
	}
	for i, m := range *s.more {
		if int32(m>>2) == f {
			(*s.more)[i] |= uint32(bits)
			return
		}
	}
	*s.more = append(*s.more, e)
}

type frame struct {
	method *shadow.Method
	obj    *shadow.ShadowObject // nil until this is initialized
	clinit bool
}

type ctorStack struct{ frames []frame }

type fiaStateKey struct{}

// Name implements shadow.Analysis.
func (a *FIA) Name() string { return "fia" }

// Hooks implements shadow.Analysis. Every hook is in ordering group 0, so
// that under per-group ordering the analysis sees one total order, as
// under global ordering. Scope restricts the field and allocation hooks;
// constructor and static-initializer extents are observed everywhere.
// Each hook names the method of java/lang/ShadowFIA that is its in-process
// equivalent; the arguments marked InProcessOnly are what that one needs
// and the analysis server has in its registry.
func (a *FIA) Hooks() []*shadow.Hook {
	h := func(name string, m shadow.Marker, scope string, handle func(*shadow.Event), args ...shadow.Arg) *shadow.Hook {
		return &shadow.Hook{Name: name, Marker: m, Scope: scope, Args: args, GroupBy: shadow.GroupFixed, Handle: handle,
			InProcess: shadow.SiteID, InProcessMethod: name}
	}
	obj := func(d int) shadow.Arg { return shadow.Arg{Kind: shadow.StackValue, Depth: d} }
	field := shadow.Arg{Kind: shadow.FieldID}
	fieldName := shadow.Arg{Kind: shadow.FieldNameID, InProcessOnly: true}
	className := shadow.Arg{Kind: shadow.ClassNameID, InProcessOnly: true}
	meth := shadow.Arg{Kind: shadow.MethodID}
	this := shadow.Arg{Kind: shadow.Receiver}
	ops := func(o ...bytecode.Opcode) []bytecode.Opcode { return o }
	return []*shadow.Hook{
		h("alloc", shadow.Marker{Kind: shadow.After, Ops: ops(bytecode.New, bytecode.Newarray, bytecode.Anewarray, bytecode.Multianewarray)},
			a.Scope, a.onAlloc, obj(0), shadow.Arg{Kind: shadow.SiteID}),
		h("getfield", shadow.Marker{Kind: shadow.Before, Ops: ops(bytecode.Getfield)}, a.Scope, a.onGetfield, obj(0), field, fieldName),
		h("putfield", shadow.Marker{Kind: shadow.Before, Ops: ops(bytecode.Putfield)}, a.Scope, a.onPutfield, obj(1), field, fieldName),
		h("getstatic", shadow.Marker{Kind: shadow.Before, Ops: ops(bytecode.Getstatic)}, a.Scope, a.onGetstatic, field),
		h("putstatic", shadow.Marker{Kind: shadow.Before, Ops: ops(bytecode.Putstatic)}, a.Scope, a.onPutstatic, field, className),
		h("initEnter", shadow.Marker{Kind: shadow.MethodEntry}, initScope, a.onEnter, meth),
		h("initialized", shadow.Marker{Kind: shadow.Initialized}, initScope, a.onInitialized, this, meth),
		h("initExit", shadow.Marker{Kind: shadow.MethodExit}, initScope, a.onExit, this, meth),
		h("clinitEnter", shadow.Marker{Kind: shadow.MethodEntry}, "*.<clinit>", a.onEnter, meth, className),
		h("clinitExit", shadow.Marker{Kind: shadow.MethodExit}, "*.<clinit>", a.onClinitExit, meth, className),
	}
}

// initScope is every constructor but java.lang.Object's: Object declares
// no field, and its constructor runs inside every other's extent, so its
// three events per object would tell the analysis nothing (and would make
// every object known by a JDK type).
const initScope = "*.<init>,-java/lang/Object.<init>"

func (a *FIA) onClinitExit(e *shadow.Event) {
	m, _ := e.Args[0].(*shadow.Method)
	if m == nil {
		return
	}
	s := a.begin(e)
	defer a.mu.Unlock()
	for i := len(s.frames) - 1; i >= 0; i-- {
		if f := s.frames[i]; f.clinit && f.method.Class == m.Class {
			s.frames = s.frames[:i]
			return
		}
	}
}

// InProcessClass implements shadow.InProcessAnalysis.
func (a *FIA) InProcessClass() string { return "java/lang/ShadowFIA" }

// Counts implements shadow.InProcessCounter: it reads the in-process
// analysis's results (the layout ShadowFIA.dump documents) into the same
// tables. Verdicts of field references that resolve to one field are
// merged, the strongest winning.
func (a *FIA) Counts(d []int64, reg *shadow.Registry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.init()
	a.reg = reg
	if len(d) < 4 || d[0] != 0x464941 {
		return
	}
	k := 1
	next := func() int64 {
		if k >= len(d) {
			return 0
		}
		k++
		return d[k-1]
	}
	for n := next(); n > 0; n-- {
		id, v, w, cw, r := next(), next(), next(), next(), next()
		f := reg.Field(int(id))
		if f == nil {
			continue
		}
		// Static or not is not in the dump; a static's owner never
		// declares an instance field of its name, so resolution agrees.
		_, st := a.field(f, false)
		if Verdict(v) > st.verdict && v <= int64(Mutable) {
			st.verdict = Verdict(v)
		}
		st.writes += w
		st.ctorWrites += cw
		st.reads += r
	}
	for n := next(); n > 0; n-- {
		id, objs, mut := next(), next(), next()
		s := reg.Site(int(id))
		if s == nil {
			continue
		}
		key := siteKey{site: s}
		st := a.sites[key]
		if st == nil {
			st = &siteStat{}
			a.sites[key] = st
		}
		st.objects += objs
		st.mutated += mut
	}
	for n := next(); n > 0; n-- {
		id, c, l := next(), next(), next()
		name := make([]rune, 0, l)
		for ; l > 0; l-- {
			name = append(name, rune(next()))
		}
		if s := reg.Site(int(id)); s != nil {
			a.named[namedThreadSite{thread: string(name), site: s}] += c
		}
	}
}

func (a *FIA) init() {
	if a.fields == nil {
		a.fields = map[fieldKey]int32{}
		a.sites = map[siteKey]*siteStat{}
		a.threads = map[uint64]*ctorStack{}
		a.decl = map[string]*classfile.Class{}
		a.perThread = map[threadSite]int64{}
		a.named = map[namedThreadSite]int64{}
	}
}

// Bind implements shadow.RegistryBinder: field references are resolved
// against the classes the observed VM offered.
func (a *FIA) Bind(reg *shadow.Registry) {
	a.mu.Lock()
	a.reg = reg
	a.mu.Unlock()
}

func (a *FIA) stack(t *shadow.ShadowThread) *ctorStack {
	if a.lastStack != nil && a.lastThread == t.ID {
		return a.lastStack
	}
	s := a.threads[t.ID]
	if s == nil {
		s = &ctorStack{}
		a.threads[t.ID] = s
	}
	a.lastStack, a.lastThread = s, t.ID
	return s
}

// begin locks the analysis for an event, for the caller to unlock, and
// returns the constructor stack of the event's thread.
func (a *FIA) begin(e *shadow.Event) *ctorStack {
	a.mu.Lock()
	a.init()
	return a.stack(e.Thread)
}

func (a *FIA) onEnter(e *shadow.Event) {
	m, _ := e.Args[0].(*shadow.Method)
	if m == nil || (m.Name != "<init>" && m.Name != "<clinit>") {
		return
	}
	s := a.begin(e)
	defer a.mu.Unlock()
	s.frames = append(s.frames, frame{method: m, clinit: m.Name == "<clinit>"})
}

// onInitialized binds the innermost unbound frame of the constructor to
// the object it initializes.
func (a *FIA) onInitialized(e *shadow.Event) {
	o, _ := e.Args[0].(*shadow.ShadowObject)
	m, _ := e.Args[1].(*shadow.Method)
	if o == nil || m == nil {
		return
	}
	s := a.begin(e)
	defer a.mu.Unlock()
	for i := len(s.frames) - 1; i >= 0; i-- {
		if f := &s.frames[i]; f.method == m && f.obj == nil && !f.clinit {
			f.obj = o
			return
		}
	}
}

// onExit pops the frame of the method exited, and any a constructor left
// by throwing above it (constructors have no exit hook by exception).
func (a *FIA) onExit(e *shadow.Event) {
	o, _ := e.Args[0].(*shadow.ShadowObject)
	m, _ := e.Args[1].(*shadow.Method)
	if m == nil || (m.Name != "<init>" && m.Name != "<clinit>") {
		return
	}
	s := a.begin(e)
	defer a.mu.Unlock()
	for i := len(s.frames) - 1; i >= 0; i-- {
		f := s.frames[i]
		if f.method == m && (f.clinit || f.obj == nil || o == nil || f.obj == o) {
			s.frames = s.frames[:i]
			return
		}
	}
}

func (a *FIA) onAlloc(e *shadow.Event) {
	o, _ := e.Args[0].(*shadow.ShadowObject)
	site, _ := e.Args[1].(*shadow.Site)
	if site == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.init()
	k := siteKey{site: site}
	if o != nil {
		k.cls = o.Class
	}
	st := a.sites[k]
	if st == nil {
		st = &siteStat{}
		a.sites[k] = st
	}
	st.objects++
	a.perThread[threadSite{e.Thread, site, !e.Live}]++
	if !e.Live {
		a.early++
	}
	if o == nil {
		return
	}
	os := a.objState(o)
	os.site = st
	if os.mutated {
		st.mutated++
	}
}

func (a *FIA) objState(o *shadow.ShadowObject) *objState {
	if s, ok := o.State(fiaStateKey{}).(*objState); ok {
		return s
	}
	s := &objState{}
	o.SetState(fiaStateKey{}, s)
	return s
}

// field returns the number and statistics of the field a reference
// resolves to; the first access to a reference resolves it for good.
func (a *FIA) field(f *shadow.Field, static bool) (int32, *fieldStat) {
	if f.ID >= 0 && f.ID < len(a.resolved) {
		if n := a.resolved[f.ID]; n > 0 {
			return n - 1, a.stats[n-1]
		}
	}
	k := fieldKey{class: a.declaring(f.Owner, f.Name, f.Desc, static, 0), name: f.Name, static: static}
	n, ok := a.fields[k]
	if !ok {
		if len(a.stats) >= maxFields {
			panic(fmt.Sprintf("fia: more than %d fields", maxFields))
		}
		n = int32(len(a.stats))
		a.fields[k] = n
		a.stats = append(a.stats, &fieldStat{key: k})
	}
	if f.ID >= 0 {
		for f.ID >= len(a.resolved) {
			a.resolved = append(a.resolved, 0)
		}
		a.resolved[f.ID] = n + 1
	}
	return n, a.stats[n]
}

// declaring resolves a field reference to the class that declares the
// field (JVMS §5.4.3.2: the class itself, its superinterfaces, then its
// superclass), from the classes the observed VM offered; the owner the
// reference names when they are not at hand.
func (a *FIA) declaring(owner, name, desc string, static bool, depth int) string {
	if depth > 64 {
		return owner
	}
	c := a.class(owner)
	if c == nil {
		return owner
	}
	for _, f := range c.Fields {
		if c.MemberName(f) == name && c.MemberDesc(f) == desc {
			return owner
		}
	}
	for _, i := range c.InterfaceNames() {
		if d := a.declaring(i, name, desc, static, depth+1); d != i || a.declares(i, name, desc) {
			return d
		}
	}
	if s := c.SuperName(); s != "" {
		if d := a.declaring(s, name, desc, static, depth+1); d != s || a.declares(s, name, desc) {
			return d
		}
	}
	return owner
}

func (a *FIA) declares(class, name, desc string) bool {
	c := a.class(class)
	if c == nil {
		return false
	}
	for _, f := range c.Fields {
		if c.MemberName(f) == name && c.MemberDesc(f) == desc {
			return true
		}
	}
	return false
}

func (a *FIA) class(name string) *classfile.Class {
	if c, ok := a.decl[name]; ok {
		return c
	}
	var c *classfile.Class
	if a.reg != nil {
		if b := a.reg.ClassBytesNamed(name); b != nil {
			if p, err := classfile.Parse(b); err == nil {
				c = p
			}
		}
	}
	a.decl[name] = c
	return c
}

// inConstructor reports whether o is under construction on the thread.
func (s *ctorStack) inConstructor(o *shadow.ShadowObject) bool {
	for i := len(s.frames) - 1; i >= 0; i-- {
		if s.frames[i].obj == o {
			return true
		}
	}
	return false
}

func (s *ctorStack) inInitializer(class string) bool {
	for i := len(s.frames) - 1; i >= 0; i-- {
		if f := s.frames[i]; f.clinit && f.method.Class == class {
			return true
		}
	}
	return false
}

// uninitializedWrite reports whether a write whose object came as null
// is one to this before super() (the only uninitialized object putfield
// may write, JVMS §4.10.1.9 putfield): the innermost frame is an unbound
// constructor of the field's class.
func (s *ctorStack) uninitializedWrite(class string) bool {
	if len(s.frames) == 0 {
		return false
	}
	f := s.frames[len(s.frames)-1]
	return !f.clinit && f.obj == nil && f.method.Class == class
}

// access begins the event of a field access: the field argument i of e
// names, resolved to its declaring class and with its statistics, the
// analysis locked for the caller to unlock; f nil (nothing locked) if e
// names no field.
func (a *FIA) access(e *shadow.Event, i int, static bool) (f *shadow.Field, n int32, st *fieldStat) {
	f, _ = e.Args[i].(*shadow.Field)
	if f == nil {
		return nil, 0, nil
	}
	a.mu.Lock()
	a.init()
	n, st = a.field(f, static)
	return f, n, st
}

func (a *FIA) onGetfield(e *shadow.Event) {
	o, _ := e.Args[0].(*shadow.ShadowObject)
	if o == nil {
		return
	}
	f, n, st := a.access(e, 1, false)
	if f == nil {
		return
	}
	defer a.mu.Unlock()
	st.reads++
	a.objState(o).set(n, 1)
}

func (a *FIA) onPutfield(e *shadow.Event) {
	o, _ := e.Args[0].(*shadow.ShadowObject)
	f, n, st := a.access(e, 1, false)
	if f == nil {
		return
	}
	defer a.mu.Unlock()
	s := a.stack(e.Thread)
	if o == nil {
		if s.uninitializedWrite(st.key.class) || s.uninitializedWrite(f.Owner) {
			st.writes++
			st.ctorWrites++
		}
		return // otherwise a null receiver: the write throws
	}
	st.writes++
	if s.inConstructor(o) {
		st.ctorWrites++
		return
	}
	os := a.objState(o)
	if os.bits(n)&1 != 0 {
		st.verdict = Mutable
	} else if st.verdict < Stationary {
		st.verdict = Stationary
	}
	os.set(n, 2)
	if !os.mutated {
		os.mutated = true
		if os.site != nil {
			os.site.mutated++
		}
	}
}

func (a *FIA) onGetstatic(e *shadow.Event) {
	f, _, st := a.access(e, 0, true)
	if f == nil {
		return
	}
	defer a.mu.Unlock()
	st.reads++
	st.staticRead = true
}

func (a *FIA) onPutstatic(e *shadow.Event) {
	f, _, st := a.access(e, 0, true)
	if f == nil {
		return
	}
	defer a.mu.Unlock()
	st.writes++
	if a.stack(e.Thread).inInitializer(st.key.class) {
		st.ctorWrites++
		return
	}
	if st.staticRead {
		st.verdict = Mutable
	} else if st.verdict < Stationary {
		st.verdict = Stationary
	}
	st.staticOutWrite = true
}

// ObjectFree implements shadow.Analysis.
func (a *FIA) ObjectFree(*shadow.ShadowObject) {}

// ThreadEnd implements shadow.Analysis.
func (a *FIA) ThreadEnd(t *shadow.ShadowThread) {
	a.mu.Lock()
	delete(a.threads, t.ID)
	if a.lastThread == t.ID {
		a.lastStack = nil
	}
	a.mu.Unlock()
}

// VMDeath implements shadow.Analysis.
func (a *FIA) VMDeath() {}

// FieldRow is one line of the per-field table.
type FieldRow struct {
	Class, Field             string
	Verdict                  Verdict
	Writes, CtorWrites, Read int64
}

// SiteRow is one line of the per-site table.
type SiteRow struct {
	Site, Class      string
	Objects, Mutated int64
}

// Fields returns the per-field table, by class and field.
func (a *FIA) Fields() []FieldRow {
	a.mu.Lock()
	defer a.mu.Unlock()
	merged := map[[2]string]*FieldRow{}
	for _, st := range a.stats {
		k := st.key
		key := [2]string{k.class, k.name}
		r := merged[key]
		if r == nil {
			r = &FieldRow{Class: k.class, Field: k.name}
			merged[key] = r
		}
		if st.verdict > r.Verdict {
			r.Verdict = st.verdict
		}
		r.Writes += st.writes
		r.CtorWrites += st.ctorWrites
		r.Read += st.reads
	}
	return sortedRows(merged)
}

// sortedRows returns the rows of a table merged by a two-string key, in
// the keys' order.
func sortedRows[R any](merged map[[2]string]*R) []R {
	keys := make([][2]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	out := make([]R, len(keys))
	for i, k := range keys {
		out[i] = *merged[k]
	}
	return out
}

// Sites returns the per-site table, by site and class.
func (a *FIA) Sites() []SiteRow {
	a.mu.Lock()
	defer a.mu.Unlock()
	merged := map[[2]string]*SiteRow{}
	for k, st := range a.sites {
		key := [2]string{k.site.String(), k.class()}
		r := merged[key]
		if r == nil {
			r = &SiteRow{Site: key[0], Class: key[1]}
			merged[key] = r
		}
		r.Objects += st.objects
		r.Mutated += st.mutated
	}
	return sortedRows(merged)
}

// ThreadSiteCounts returns allocations by thread name and site (the key
// is "thread\tsite").
func (a *FIA) ThreadSiteCounts() map[string]int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int64, len(a.perThread)+len(a.named))
	for k, n := range a.perThread {
		out[k.thread.Name+"\t"+k.site.String()] += n
	}
	for k, n := range a.named {
		out[k.thread+"\t"+k.site.String()] += n
	}
	return out
}

// EarlyThreadSiteCounts is ThreadSiteCounts for the allocations before VM
// init alone.
func (a *FIA) EarlyThreadSiteCounts() map[string]int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int64{}
	for k, n := range a.perThread {
		if k.early {
			out[k.thread.Name+"\t"+k.site.String()] += n
		}
	}
	return out
}

// EarlyAllocations is the number of allocations observed before VM init,
// in the primordial and start phases (none in process).
func (a *FIA) EarlyAllocations() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.early
}

// Allocations is the number of allocations observed.
func (a *FIA) Allocations() int64 {
	var n int64
	for _, r := range a.Sites() {
		n += r.Objects
	}
	return n
}

// WriteCSV implements shadow.CSVWriter: the per-field table
// (class,field,verdict,writes,writes_in_constructor,reads).
func (a *FIA) WriteCSV(w io.Writer, _ *shadow.Registry) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"class", "field", "verdict", "writes", "writes_in_constructor", "reads"})
	for _, r := range a.Fields() {
		cw.Write([]string{r.Class, r.Field, r.Verdict.String(), strconv.FormatInt(r.Writes, 10),
			strconv.FormatInt(r.CtorWrites, 10), strconv.FormatInt(r.Read, 10)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteSitesCSV writes the per-site table
// (site,class,objects,objects_with_mutated_fields).
func (a *FIA) WriteSitesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"site", "class", "objects", "objects_with_mutated_fields"})
	for _, r := range a.Sites() {
		cw.Write([]string{r.Site, r.Class, strconv.FormatInt(r.Objects, 10), strconv.FormatInt(r.Mutated, 10)})
	}
	cw.Flush()
	return cw.Error()
}

// Verdicts returns "class.field" -> verdict for the fields of classes whose
// names start with prefix.
func (a *FIA) Verdicts(prefix string) map[string]Verdict {
	out := map[string]Verdict{}
	for _, r := range a.Fields() {
		if strings.HasPrefix(r.Class, prefix) {
			out[r.Class+"."+r.Field] = r.Verdict
		}
	}
	return out
}

// ParseVerdict reads a verdict's name.
func ParseVerdict(s string) (Verdict, error) {
	switch s {
	case "immutable":
		return Immutable, nil
	case "stationary":
		return Stationary, nil
	case "mutable":
		return Mutable, nil
	}
	return 0, fmt.Errorf("unknown verdict %q", s)
}

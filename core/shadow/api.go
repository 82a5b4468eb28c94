package shadow

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"dvmlab/core/classfile"
)

// Analysis is what runs on the analysis server: its hooks, whose Handle
// methods receive the events, and the lifecycle notifications. Under the
// per-thread and per-group ordering models Handle runs on several
// goroutines at once; an analysis guards what they share.
type Analysis interface {
	Name() string
	Hooks() []*Hook
	// ObjectFree follows every event that names o.
	ObjectFree(o *ShadowObject)
	// ThreadEnd follows every event of t.
	ThreadEnd(t *ShadowThread)
	// VMDeath is the last notification.
	VMDeath()
}

// CSVWriter is an analysis whose result is a table.
type CSVWriter interface {
	WriteCSV(w io.Writer, sites *Registry) error
}

// InProcessAnalysis is an analysis whose in-process equivalent is a Java
// class of its own, defined in java.base (java/lang) like the event stub:
// in process, each hook calls the class's static InProcessMethod with the
// hook's arguments (references as Object, primitives as themselves, ids as
// int), and the instrumentation leaves the class itself alone. The class
// declares "public static native byte[] hidden(byte[], Class)" (bound by
// the agent), may declare "static void vmInit()" (called at VM init) and
// declares "static long[] dump()", whose result reaches Counts at VM death.
// Its bytes are among the embedded classes (see build.sh).
type InProcessAnalysis interface {
	InProcessCounter
	InProcessClass() string
}

// InProcessCounter is an analysis with an in-process equivalent: hooks that
// count by their InProcess argument inside the observed VM. Counts receives
// the counts, indexed by that id, at VM death.
type InProcessCounter interface {
	Counts(counts []int64, sites *Registry)
}

// RegistryBinder is an analysis that looks classes up in the registry
// while events arrive (to resolve field references, say); the analysis
// server binds it before the first event.
type RegistryBinder interface {
	Bind(reg *Registry)
}

// Event is one notification of a hook.
type Event struct {
	Hook   *Hook
	Thread *ShadowThread
	// Args follow Hook.Args: *ShadowObject for references (nil for null),
	// int32, int64, float32, float64 or bool for primitives (byte, char
	// and short arrive as int32), *Site, *Method, *Field and *StaticClass
	// for ids.
	Args []any
	// Live says the event was committed after VM init (JVMTI VMInit),
	// when an in-process analysis starts; false in the primordial and
	// start phases.
	Live bool

	args  [4]any // Args' storage for the usual few
	nargs int
}

// ShadowThread is an observed thread.
type ShadowThread struct {
	ID   uint64
	Name string
}

// ShadowClass is a class of the observed VM, known by its class id.
type ShadowClass struct {
	ID uint32
	// Name is the internal name ("java/lang/String") or, for arrays, the
	// descriptor ("[I").
	Name   string
	Loader *ShadowObject // nil for the boot loader

	reg  *Registry
	once sync.Once
	file *classfile.Class
	err  error
}

// File parses the class's bytes as the instrumentation server received
// them (before instrumentation). Arrays and classes the server never saw
// have none.
func (c *ShadowClass) File() (*classfile.Class, error) {
	c.once.Do(func() {
		var loader uint64
		if c.Loader != nil {
			loader = c.Loader.ID
		}
		data := c.reg.classBytes(c.Name, loader)
		if data == nil {
			c.err = fmt.Errorf("no class file for %s", c.Name)
			return
		}
		c.file, c.err = classfile.Parse(data)
	})
	return c.file, c.err
}

// ShadowObject is an observed object, by its never-reused 64-bit id.
//
// A run names millions of objects and the server keeps each until the
// agent reports it freed, so it is small (64 bytes): the state the first
// analysis key names (usually the only one) is kept inline, the rest
// (more keys, a string's value) beside.
type ShadowObject struct {
	ID    uint64
	Class *ShadowClass

	mu         sync.Mutex
	key0, val0 any
	ext        *objectExt
}

// objectExt is what few objects have.
type objectExt struct {
	more map[any]any // state under keys after the first
	str  *string
}

// State returns the object's shadow state under key.
func (o *ShadowObject) State(key any) any {
	o.mu.Lock()
	defer o.mu.Unlock()
	if key != nil && o.key0 == key {
		return o.val0
	}
	if o.ext == nil {
		return nil
	}
	return o.ext.more[key]
}

// SetState sets the object's shadow state under key.
func (o *ShadowObject) SetState(key, v any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if key != nil && (o.key0 == nil || o.key0 == key) {
		o.key0, o.val0 = key, v
		return
	}
	if o.ext == nil {
		o.ext = &objectExt{}
	}
	if o.ext.more == nil {
		o.ext.more = map[any]any{}
	}
	o.ext.more[key] = v
}

// StringValue is a ShadowString's value: the agent sends it when a String is
// first given an identity.
func (o *ShadowObject) StringValue() (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ext == nil || o.ext.str == nil {
		return "", false
	}
	return *o.ext.str, true
}

// setString records a ShadowString's value.
func (o *ShadowObject) setString(v string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ext == nil {
		o.ext = &objectExt{}
	}
	o.ext.str = &v
}

func (o *ShadowObject) String() string {
	if o == nil {
		return "null"
	}
	name := "?"
	if o.Class != nil {
		name = o.Class.Name
	}
	return fmt.Sprintf("%s@%x", name, o.ID)
}

// StaticClass is an instrumented class, named by ClassID arguments.
type StaticClass struct {
	ID   int
	Name string
}

// Method is an instrumented method, named by MethodID arguments.
type Method struct {
	ID                int
	Class, Name, Desc string
}

func (m *Method) String() string { return m.Class + "." + m.Name + m.Desc }

// Site is an instrumented instruction, named by SiteID arguments.
type Site struct {
	ID     int
	Method *Method
	Offset int
	Op     string
	// Operand is the class a new, anewarray or multianewarray creates (its
	// descriptor for arrays), the owner.name of a field or method.
	Operand string
}

func (s *Site) String() string { return fmt.Sprintf("%s@%d", s.Method, s.Offset) }

// Field is a field named by FieldID arguments.
type Field struct {
	ID                int
	Owner, Name, Desc string
}

// Registry holds what the instrumentation server assigned ids to, and the
// classes it was offered; the analysis server resolves ids against it.
type Registry struct {
	mu      sync.RWMutex
	classes []*StaticClass
	methods []*Method
	sites   []*Site
	fields  []*Field
	// The analysis server looks an id up for nearly every event, while
	// the instrumentation server adds entries: lookups read the lists
	// as last published, without the lock (entries below a published
	// length never change).
	classView  view[*StaticClass]
	methodView view[*Method]
	siteView   view[*Site]
	fieldView  view[*Field]
	fieldAt    map[Field]*Field
	names      map[string]int
	bytes      map[classKey][]byte
	offered    int
}

type classKey struct {
	name   string
	loader uint64
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{fieldAt: map[Field]*Field{}, bytes: map[classKey][]byte{}, names: map[string]int{}}
}

func (r *Registry) addClass(name string) *StaticClass {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := &StaticClass{ID: len(r.classes), Name: name}
	r.classes = append(r.classes, c)
	r.classView.publish(r.classes)
	return c
}

func (r *Registry) addMethod(class, name, desc string) *Method {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := &Method{ID: len(r.methods), Class: class, Name: name, Desc: desc}
	r.methods = append(r.methods, m)
	r.methodView.publish(r.methods)
	return m
}

func (r *Registry) addSite(m *Method, off int, op, operand string) *Site {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &Site{ID: len(r.sites), Method: m, Offset: off, Op: op, Operand: operand}
	r.sites = append(r.sites, s)
	r.siteView.publish(r.sites)
	return s
}

func (r *Registry) field(owner, name, desc string) *Field {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := Field{Owner: owner, Name: name, Desc: desc}
	if f := r.fieldAt[k]; f != nil {
		return f
	}
	f := &Field{ID: len(r.fields), Owner: owner, Name: name, Desc: desc}
	r.fields = append(r.fields, f)
	r.fieldView.publish(r.fields)
	r.fieldAt[k] = f
	return f
}

// nameID interns a name (FieldNameID, ClassNameID).
func (r *Registry) nameID(s string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, ok := r.names[s]; ok {
		return id
	}
	id := len(r.names)
	r.names[s] = id
	return id
}

func (r *Registry) keepClass(name string, loader uint64, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.offered++
	k := classKey{name, loader}
	if _, ok := r.bytes[k]; !ok {
		r.bytes[k] = data
	}
}

func (r *Registry) classBytes(name string, loader uint64) []byte {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if b, ok := r.bytes[classKey{name, loader}]; ok {
		return b
	}
	return nil
}

// Offered is the number of classes the observed VM offered for
// instrumentation.
func (r *Registry) Offered() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.offered
}

// OfferedNames lists the names of the classes offered, once each.
func (r *Registry) OfferedNames() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for k := range r.bytes {
		out = append(out, k.name)
	}
	return out
}

// Site returns the site with id, or nil.
func (r *Registry) Site(id int) *Site {
	return r.siteView.at(id)
}

// Method returns the method with id, or nil.
func (r *Registry) Method(id int) *Method {
	return r.methodView.at(id)
}

// Class returns the instrumented class with id, or nil.
func (r *Registry) Class(id int) *StaticClass {
	return r.classView.at(id)
}

// Field returns the field with id, or nil.
func (r *Registry) Field(id int) *Field {
	return r.fieldView.at(id)
}

// Sites returns every site so far, in id order.
func (r *Registry) Sites() []*Site {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Site(nil), r.sites...)
}

// Methods returns every method so far, in id order.
func (r *Registry) Methods() []*Method {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Method(nil), r.methods...)
}

// ClassBytesNamed returns the bytes of a class offered under name, by the
// boot loader if it offered one, else by any loader; nil if none was.
// Analyses resolve field references with it (JVMS §5.4.3.2), where the
// loader that matters is not at hand.
func (r *Registry) ClassBytesNamed(name string) []byte {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if b, ok := r.bytes[classKey{name, 0}]; ok {
		return b
	}
	for k, b := range r.bytes {
		if k.name == name {
			return b
		}
	}
	return nil
}

// view is a list as its writer last published it, for readers that take
// no lock: the writer appends under its own lock and publishes the new
// length; what lies below a published length is never written again.
type view[T any] struct{ p atomic.Pointer[[]T] }

func (v *view[T]) publish(s []T) { v.p.Store(&s) }

// at returns element i, the zero value if there is none.
func (v *view[T]) at(i int) T {
	var zero T
	s := v.p.Load()
	if s == nil || i < 0 || i >= len(*s) {
		return zero
	}
	return (*s)[i]
}

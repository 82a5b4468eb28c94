package shadow

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"slices"
	"strings"
	"sync"
)

// Wire format, shared with agent/agent.c. Integers are little-endian (the
// agent writes them in the byte order of amd64 and of every JVM host it is
// built for here).
const (
	reqStub  = 'S'
	reqClass = 'L'

	msgThreadBuf = 'B'
	msgGroupBuf  = 'G'
	msgClass     = 'K'
	msgString    = 'S'
	msgThread    = 'T'
	msgFree      = 'F'
	msgThreadEnd = 'E'
	msgCounts    = 'I'
	msgStats     = 'X'
	msgDeath     = 'D'
	msgVMInit    = 'V'

	classBits = 22
	classMask = 1<<classBits - 1
	classFlag = 1 << 63
)

// maxMessage bounds a message's payload, so a corrupt length cannot make
// the server allocate without limit.
const maxMessage = 1 << 30

// serveInstrumentation answers the agent's requests until it hangs up.
func serveInstrumentation(conn net.Conn, inst *Instrumenter, stub string, stubBytes []byte) error {
	r := bufio.NewReaderSize(conn, 1<<16)
	w := bufio.NewWriterSize(conn, 1<<16)
	le := binary.LittleEndian
	for {
		kind, err := r.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch kind {
		case reqStub:
			var b []byte
			b = le.AppendUint16(b, uint16(len(stub)))
			b = append(b, stub...)
			b = le.AppendUint32(b, uint32(len(stubBytes)))
			b = append(b, stubBytes...)
			if _, err := w.Write(b); err != nil {
				return err
			}
		case reqClass:
			var head [10]byte
			if _, err := io.ReadFull(r, head[:]); err != nil {
				return err
			}
			loader := le.Uint64(head[:8])
			name := make([]byte, le.Uint16(head[8:]))
			if _, err := io.ReadFull(r, name); err != nil {
				return err
			}
			var n [4]byte
			if _, err := io.ReadFull(r, n[:]); err != nil {
				return err
			}
			size := le.Uint32(n[:])
			if size > maxMessage {
				return fmt.Errorf("class %s: %d bytes", name, size)
			}
			data := make([]byte, size)
			if _, err := io.ReadFull(r, data); err != nil {
				return err
			}
			out, _ := inst.Instrument(string(name), loader, data) // errors are kept by inst
			if _, err := w.Write(le.AppendUint32(nil, uint32(len(out)))); err != nil {
				return err
			}
			if _, err := w.Write(out); err != nil {
				return err
			}
		default:
			return fmt.Errorf("instrumentation request %q unknown", kind)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
}

// AnalysisStats counts what the analysis server received.
type AnalysisStats struct {
	Events     int64 // dispatched
	Threads    int
	Classes    int
	Objects    int64 // given an identity
	Frees      int64
	ThreadEnds int
	// Dropped are events the agent discarded because they began after VM
	// death (from daemon threads still running).
	Dropped int64
	// Offered is the number of classes the agent offered for
	// instrumentation.
	Offered int64
	Death   bool // the VM death notification arrived
	// TagNanos is the time the agent spent identifying the Tagged objects
	// it sent by JVMTI tags, IDNanos the IDs sent by the injected id field
	// (Config.IDField); measured only with Config.IdentifyTiming.
	TagNanos, Tagged, IDNanos, IDs int64
	// EarlyEvents are the events committed before VM init (JVMTI
	// VMInit): the primordial and start phases, which an in-process
	// analysis that starts at VM init does not see.
	EarlyEvents int64
	// Groups is the number of ordering groups that had events.
	Groups int
	// Panics are analysis methods that panicked; the server goes on.
	Panics []string
}

// session is the analysis server's side of one observed VM.
type session struct {
	an       Analysis
	hooks    []*Hook
	reg      *Registry
	ordering Ordering

	threads   map[uint64]*ShadowThread
	classes   map[uint32]*ShadowClass
	objects   *objectTable
	classOfCl *ShadowClass // java/lang/Class, for class objects

	d      *dispatcher
	stats  AnalysisStats
	groups map[int64]bool
	log    *logWriter // nil: no event log
	counts []int64
	mu     sync.Mutex // stats.Panics
	// live: the VM-init message arrived (msgVMInit)
	live bool
}

func newSession(an Analysis, hooks []*Hook, reg *Registry, ordering Ordering) *session {
	s := &session{an: an, hooks: hooks, reg: reg, ordering: ordering,
		groups: map[int64]bool{}, threads: map[uint64]*ShadowThread{}, classes: map[uint32]*ShadowClass{}, objects: newObjectTable()}
	s.d = newDispatcher(s)
	if b, ok := an.(RegistryBinder); ok {
		b.Bind(reg)
	}
	return s
}

// protocolError is a malformed message from the agent.
type protocolError struct{ msg string }

func (e *protocolError) Error() string { return "shadow wire: " + e.msg }

// serve reads the agent's messages until VM death or the connection ends.
// Every notification is delivered in order before it returns.
func (s *session) serve(conn io.Reader) error {
	r := bufio.NewReaderSize(conn, 1<<20)
	le := binary.LittleEndian
	defer s.d.close()
	var head [5]byte
	// One buffer for every payload: nothing keeps a message's bytes
	// once it is handled (names and values are copied out of it).
	var buf []byte
	for {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return s.death()
			}
			s.death()
			return fmt.Errorf("analysis connection: %w", err)
		}
		n := le.Uint32(head[1:])
		if n > maxMessage {
			s.death()
			return &protocolError{fmt.Sprintf("message %q of %d bytes", head[0], n)}
		}
		if int(n) > cap(buf) {
			buf = make([]byte, n)
		}
		p := buf[:n]
		if _, err := io.ReadFull(r, p); err != nil {
			s.death()
			return fmt.Errorf("analysis connection: %w", err)
		}
		if s.log != nil {
			s.log.message(head[:], p)
		}
		if err := s.message(head[0], p); err != nil {
			s.death()
			return err
		}
		if head[0] == msgDeath {
			return nil
		}
	}
}

func (s *session) death() error {
	if s.stats.Death {
		return nil
	}
	s.stats.Death = true
	s.d.barrier()
	s.safely("VMDeath", s.an.VMDeath)
	return nil
}

func (s *session) safely(what string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			s.panicked(what, r)
		}
	}()
	f()
}

// panicked records an analysis method's panic; the server goes on.
func (s *session) panicked(what string, r any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.stats.Panics) < 100 {
		s.stats.Panics = append(s.stats.Panics, fmt.Sprintf("%s: %v", what, r))
	}
}

func (s *session) message(kind byte, p []byte) error {
	le := binary.LittleEndian
	short := func() error { return &protocolError{fmt.Sprintf("message %q too short", kind)} }
	switch kind {
	case msgThreadBuf:
		if len(p) < 8 {
			return short()
		}
		t := s.threads[le.Uint64(p)]
		if t == nil {
			return &protocolError{fmt.Sprintf("events of unknown thread %d", le.Uint64(p))}
		}
		return s.events(p[8:], t, -1)
	case msgGroupBuf:
		if len(p) < 4 {
			return short()
		}
		g := int64(le.Uint32(p))
		if !s.groups[g] {
			s.groups[g] = true
			s.stats.Groups++
		}
		return s.events(p[4:], nil, g)
	case msgClass:
		if len(p) < 14 {
			return short()
		}
		id, loader, n := le.Uint32(p), le.Uint64(p[4:]), int(le.Uint16(p[12:]))
		if len(p) < 14+n {
			return short()
		}
		sig := string(p[14 : 14+n])
		name := sig
		if strings.HasPrefix(sig, "L") && strings.HasSuffix(sig, ";") {
			name = sig[1 : len(sig)-1]
		}
		c := &ShadowClass{ID: id, Name: name, reg: s.reg}
		if loader != 0 {
			c.Loader = s.object(loader)
		}
		s.classes[id] = c
		s.stats.Classes++
		if name == "java/lang/Class" {
			s.classOfCl = c
		}
	case msgString:
		if len(p) < 12 {
			return short()
		}
		n := int(le.Uint32(p[8:]))
		if len(p) < 12+n {
			return short()
		}
		v := string(p[12 : 12+n])
		if o := s.object(le.Uint64(p)); o != nil {
			o.setString(v)
		}
	case msgThread:
		if len(p) < 10 {
			return short()
		}
		n := int(le.Uint16(p[8:]))
		if len(p) < 10+n {
			return short()
		}
		t := &ShadowThread{ID: le.Uint64(p), Name: string(p[10 : 10+n])}
		s.threads[t.ID] = t
		s.stats.Threads++
	case msgFree:
		if len(p)%8 != 0 {
			return short()
		}
		var dead []*ShadowObject
		for i := 0; i < len(p); i += 8 {
			tag := le.Uint64(p[i:])
			o := s.objects.remove(tag)
			if o == nil {
				continue // tagged but never sent: the analysis never knew it
			}
			dead = append(dead, o)
		}
		s.stats.Frees += int64(len(dead))
		if len(dead) > 0 {
			s.d.lifecycle(nil, func() {
				for _, o := range dead {
					s.safely("ObjectFree", func() { s.an.ObjectFree(o) })
				}
			})
		}
	case msgThreadEnd:
		if len(p) < 8 {
			return short()
		}
		t := s.threads[le.Uint64(p)]
		if t == nil {
			return nil
		}
		delete(s.threads, t.ID)
		s.stats.ThreadEnds++
		s.d.lifecycle(t, func() { s.safely("ThreadEnd", func() { s.an.ThreadEnd(t) }) })
	case msgCounts:
		for i := 0; i+8 <= len(p); i += 8 {
			s.counts = append(s.counts, int64(le.Uint64(p[i:])))
		}
	case msgStats:
		if len(p) < 16 {
			return short()
		}
		s.stats.Dropped = int64(le.Uint64(p))
		s.stats.Offered = int64(le.Uint64(p[8:]))
		if len(p) >= 48 {
			s.stats.TagNanos, s.stats.Tagged = int64(le.Uint64(p[16:])), int64(le.Uint64(p[24:]))
			s.stats.IDNanos, s.stats.IDs = int64(le.Uint64(p[32:])), int64(le.Uint64(p[40:]))
		}
	case msgVMInit:
		s.live = true
	case msgDeath:
		return s.death()
	default:
		return &protocolError{fmt.Sprintf("unknown message %q", kind)}
	}
	return nil
}

// object returns the shadow object of tag, making it on first sight; the
// tag carries the class id.
func (s *session) object(tag uint64) *ShadowObject {
	if tag == 0 {
		return nil
	}
	if o := s.objects.get(tag); o != nil {
		return o
	}
	o := &ShadowObject{ID: tag}
	if tag&classFlag != 0 {
		o.Class = s.classOfCl
	} else {
		o.Class = s.classes[uint32(tag&classMask)]
	}
	s.objects.put(tag, o)
	s.stats.Objects++
	return o
}

// events decodes a buffer of events of thread t (nil: each event names its
// thread, as in group buffers) and hands them to the dispatcher.
func (s *session) events(p []byte, t *ShadowThread, group int64) error {
	le := binary.LittleEndian
	if len(p) > 0 && (t != nil || s.ordering != PerThread) {
		// Every event of the buffer goes to one queue: its batch grows
		// once, to the buffer's count.
		var th *ShadowThread
		if t == nil {
			th = s.threads[le.Uint64(p)]
		}
		if th != nil || t != nil {
			if th == nil {
				th = t
			}
			s.d.reserve(th, group, countEvents(p, t == nil))
		}
	}
	for len(p) > 0 {
		th := t
		if th == nil {
			if len(p) < 8 {
				return &protocolError{"event without its thread"}
			}
			th = s.threads[le.Uint64(p)]
			if th == nil {
				return &protocolError{fmt.Sprintf("event of unknown thread %d", le.Uint64(p))}
			}
			p = p[8:]
		}
		if len(p) < 4 {
			return &protocolError{"event without its hook"}
		}
		hid := int(le.Uint32(p))
		p = p[4:]
		if hid < 0 || hid >= len(s.hooks) {
			return &protocolError{fmt.Sprintf("event of unknown hook %d", hid)}
		}
		h := s.hooks[hid]
		ev := s.d.add(th, group)
		ev.Hook, ev.Thread, ev.Live = h, th, s.live
		if !s.live {
			s.stats.EarlyEvents++
		}
		args := ev.args[:0]
		for {
			if len(p) == 0 {
				return &protocolError{"event not terminated"}
			}
			typ := p[0]
			p = p[1:]
			if typ == 0 {
				break
			}
			size := argSize(typ)
			if size == 0 || len(p) < size {
				return &protocolError{fmt.Sprintf("argument of type %q", typ)}
			}
			var v any
			switch typ {
			case 'O':
				v = s.object(le.Uint64(p))
			case 'I':
				v = s.int32Arg(h, len(args), int32(le.Uint32(p)))
			case 'J':
				v = int64(le.Uint64(p))
			case 'F':
				v = math.Float32frombits(le.Uint32(p))
			case 'D':
				v = math.Float64frombits(le.Uint64(p))
			case 'Z':
				v = p[0] != 0
			}
			p = p[size:]
			args = append(args, v)
		}
		// Args is set where the event rests for good (dispatcher.flush):
		// the batch it is in may still move as it grows.
		ev.nargs = len(args)
		if len(args) > len(ev.args) {
			ev.Args = args
		}
		s.stats.Events++
	}
	s.d.flush()
	return nil
}

// countEvents counts the events of a buffer, up to the first malformed one
// (events reports it); withThread: each begins with its thread's id.
func countEvents(p []byte, withThread bool) int {
	n := 0
	for {
		if withThread {
			if len(p) < 8 {
				return n
			}
			p = p[8:]
		}
		if len(p) < 4 {
			return n
		}
		p = p[4:]
		for {
			if len(p) == 0 {
				return n
			}
			typ := p[0]
			p = p[1:]
			if typ == 0 {
				break
			}
			size := argSize(typ)
			if size == 0 || len(p) < size {
				return n
			}
			p = p[size:]
		}
		n++
	}
}

// int32Arg is an int argument of hook h at index i: the registry's entry
// for an id, else the int itself.
func (s *session) int32Arg(h *Hook, i int, id int32) any {
	if i < len(h.Args) {
		switch h.Args[i].Kind {
		case SiteID:
			return s.reg.Site(int(id))
		case MethodID:
			return s.reg.Method(int(id))
		case ClassID:
			return s.reg.Class(int(id))
		case FieldID:
			return s.reg.Field(int(id))
		}
	}
	return id
}

// argSize is the wire size of an argument of type typ, 0 if unknown.
func argSize(typ byte) int {
	switch typ {
	case 'O', 'J', 'D':
		return 8
	case 'I', 'F':
		return 4
	case 'Z':
		return 1
	}
	return 0
}

// dispatcher runs analysis methods under the ordering model.
type dispatcher struct {
	s       *session
	queues  map[uint64]chan []item
	pending map[uint64]*[]item
	// last and lastWork are the queue the previous event went to and its
	// pending work: a buffer's events usually all go to one.
	last     uint64
	lastWork *[]item
	wg       sync.WaitGroup
	// retired are the done channels of queues closed at their thread's
	// end whose dispatchers may still be running; barriers wait for them.
	done    map[uint64]chan struct{}
	retired []chan struct{}
}

func newDispatcher(s *session) *dispatcher {
	return &dispatcher{s: s, queues: map[uint64]chan []item{}, pending: map[uint64]*[]item{}, done: map[uint64]chan struct{}{}}
}

// key picks the queue of an event.
func (d *dispatcher) key(t *ShadowThread, group int64) uint64 {
	switch d.s.ordering {
	case PerThread:
		return t.ID
	case PerGroup:
		if group >= 0 {
			return uint64(group)
		}
		return 1<<63 | t.ID
	}
	return 0
}

// add returns a new event at the end of its queue's pending work, for the
// caller to fill. Events are kept by value in the batches the queues
// receive: one allocation per batch, not per event.
func (d *dispatcher) add(t *ShadowThread, group int64) *Event {
	k := d.key(t, group)
	w := d.lastWork
	if w == nil || k != d.last {
		w = d.pending[k]
		if w == nil {
			w = new([]item)
			d.pending[k] = w
		}
		d.last, d.lastWork = k, w
	}
	*w = append(*w, item{})
	return &(*w)[len(*w)-1].ev
}

// reserve makes room for n more events in the pending work of the queue
// of thread t and group.
func (d *dispatcher) reserve(t *ShadowThread, group int64, n int) {
	k := d.key(t, group)
	w := d.pending[k]
	if w == nil {
		w = new([]item)
		d.pending[k] = w
	}
	*w = slices.Grow(*w, n)
	d.last, d.lastWork = k, w
}

// item is one piece of a dispatcher's work: an event for its hook's
// Handle, or a function (a lifecycle notification, a barrier).
type item struct {
	ev Event
	fn func()
}

func (d *dispatcher) run(it *item) {
	if it.fn != nil {
		it.fn()
		return
	}
	// Not safely: a closure per event costs more than the event.
	defer func() {
		if r := recover(); r != nil {
			d.s.panicked(it.ev.Hook.Name, r)
		}
	}()
	it.ev.Hook.Handle(&it.ev)
}

// flush hands the pending work to the queues, starting a dispatcher for
// each queue on first use.
func (d *dispatcher) flush() {
	d.lastWork = nil
	for k, w := range d.pending {
		work := *w
		for i := range work {
			if ev := &work[i].ev; ev.nargs <= len(ev.args) && ev.Hook != nil {
				ev.Args = ev.args[:ev.nargs]
			}
		}
		q := d.queues[k]
		if q == nil {
			// A batch is a buffer of the agent's, some thousands of
			// events: a few in flight keep the analysis busy, and bound
			// the memory of a server whose analysis is behind.
			q = make(chan []item, 16)
			d.queues[k] = q
			done := make(chan struct{})
			d.done[k] = done
			d.wg.Add(1)
			go func() {
				defer d.wg.Done()
				defer close(done)
				for batch := range q {
					for i := range batch {
						d.run(&batch[i])
					}
				}
			}()
		}
		q <- work
		delete(d.pending, k)
	}
}

// barrier returns when every queue has run everything sent before it.
func (d *dispatcher) barrier() {
	d.flush()
	var wg sync.WaitGroup
	for _, q := range d.queues {
		wg.Add(1)
		q <- []item{{fn: wg.Done}}
	}
	wg.Wait()
	for _, done := range d.retired {
		<-done
	}
	d.retired = nil
}

// lifecycle delivers a death notification after every event that may name
// the entity: in the dying thread's own queue when the model keeps a
// thread's events in one queue, after all queues otherwise.
func (d *dispatcher) lifecycle(t *ShadowThread, f func()) {
	d.flush()
	switch {
	case d.s.ordering == Global:
		q := d.queues[0]
		if q == nil {
			f()
			return
		}
		q <- []item{{fn: f}}
	case d.s.ordering == PerThread && t != nil:
		q := d.queues[t.ID]
		if q == nil {
			f()
			return
		}
		q <- []item{{fn: f}}
		close(q) // the thread's id is never used again
		delete(d.queues, t.ID)
		d.retired = append(d.retired, d.done[t.ID])
		delete(d.done, t.ID)
	default:
		d.barrier()
		f()
	}
}

func (d *dispatcher) close() {
	d.flush()
	for k, q := range d.queues {
		close(q)
		delete(d.queues, k)
	}
	d.wg.Wait()
}

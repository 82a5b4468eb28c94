package shadow

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// An event log is what the analysis server received from one observed VM,
// message by message as on the wire, followed by what the instrumentation
// server assigned ids to. Replaying it runs an analysis offline, under any
// ordering model, without the JVM; the workbench loads it to show what a
// run produced.
const logMagic = "dvmlab shadow log 1\n"

// msgRegistry ends a log: the ids, as JSON. It never appears on the wire.
const msgRegistry = 'R'

// logTrailer is the JSON at the end of a log.
type logTrailer struct {
	Analysis string      `json:"analysis"`
	Ordering Ordering    `json:"ordering"`
	Hooks    []logHook   `json:"hooks"`
	Classes  []string    `json:"classes"`
	Methods  [][3]string `json:"methods"` // class, name, descriptor
	Sites    []logSite   `json:"sites"`
	Fields   [][3]string `json:"fields"` // owner, name, descriptor
	Offered  int         `json:"offered"`
}

type logHook struct {
	Name string    `json:"name"`
	Args []ArgKind `json:"args"`
}

type logSite struct {
	Method  int    `json:"method"`
	Offset  int    `json:"offset"`
	Op      string `json:"op"`
	Operand string `json:"operand,omitempty"`
}

// logWriter tees the wire into a log; safe for the one reader goroutine
// and the final trailer.
type logWriter struct {
	mu  sync.Mutex
	w   *bufio.Writer
	err error
}

func newLogWriter(w io.Writer) *logWriter {
	lw := &logWriter{w: bufio.NewWriterSize(w, 1<<16)}
	_, lw.err = lw.w.WriteString(logMagic)
	return lw
}

func (l *logWriter) message(head, payload []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	if _, l.err = l.w.Write(head); l.err == nil {
		_, l.err = l.w.Write(payload)
	}
}

func (l *logWriter) finish(an string, ord Ordering, hooks []*Hook, reg *Registry) error {
	t := logTrailer{Analysis: an, Ordering: ord}
	for _, h := range hooks {
		lh := logHook{Name: h.Name}
		for _, a := range h.Args {
			lh.Args = append(lh.Args, a.Kind)
		}
		t.Hooks = append(t.Hooks, lh)
	}
	reg.mu.RLock()
	for _, c := range reg.classes {
		t.Classes = append(t.Classes, c.Name)
	}
	for _, m := range reg.methods {
		t.Methods = append(t.Methods, [3]string{m.Class, m.Name, m.Desc})
	}
	for _, s := range reg.sites {
		t.Sites = append(t.Sites, logSite{Method: s.Method.ID, Offset: s.Offset, Op: s.Op, Operand: s.Operand})
	}
	for _, f := range reg.fields {
		t.Fields = append(t.Fields, [3]string{f.Owner, f.Name, f.Desc})
	}
	t.Offered = reg.offered
	reg.mu.RUnlock()
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	head := []byte{msgRegistry, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(head[1:], uint32(len(data)))
	l.message(head, data)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	return l.w.Flush()
}

// Log is a recorded run.
type Log struct {
	Analysis string
	Ordering Ordering // the one it was recorded under
	Hooks    []string
	Registry *Registry
	wire     []byte
	argKinds [][]ArgKind
}

// ReadLogFile reads a log written by Config.Log.
func ReadLogFile(path string) (*Log, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	l, err := ParseLog(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// IsLog reports whether data starts like a log.
func IsLog(head []byte) bool { return bytes.HasPrefix(head, []byte(logMagic)) }

// ParseLog reads a log from memory. A log cut short (the recording JVM or
// server died) keeps the messages before the cut but has no ids: it is
// refused, since events cannot be named without them.
func ParseLog(data []byte) (*Log, error) {
	if !IsLog(data) {
		return nil, errors.New("not a dvmlab shadow log")
	}
	p := data[len(logMagic):]
	wireEnd := 0
	for off := 0; ; {
		if off == len(p) {
			return nil, errors.New("shadow log: no registry at the end (the recording was cut short)")
		}
		if len(p)-off < 5 {
			return nil, fmt.Errorf("shadow log: cut short at byte %d, inside a message header", len(logMagic)+off)
		}
		n := int(binary.LittleEndian.Uint32(p[off+1:]))
		if n < 0 || n > len(p)-off-5 {
			return nil, fmt.Errorf("shadow log: cut short or corrupt at byte %d: a message claims %d bytes, %d left", len(logMagic)+off, n, len(p)-off-5)
		}
		if p[off] == msgRegistry {
			wireEnd = off
			var t logTrailer
			if err := json.Unmarshal(p[off+5:off+5+n], &t); err != nil {
				return nil, fmt.Errorf("shadow log: registry: %w", err)
			}
			return t.log(p[:wireEnd])
		}
		off += 5 + n
	}
}

func (t *logTrailer) log(wire []byte) (*Log, error) {
	reg := NewRegistry()
	for _, c := range t.Classes {
		reg.addClass(c)
	}
	for _, m := range t.Methods {
		reg.addMethod(m[0], m[1], m[2])
	}
	methods := reg.Methods()
	for i, s := range t.Sites {
		if s.Method < 0 || s.Method >= len(methods) {
			return nil, fmt.Errorf("shadow log: site %d names method %d of %d", i, s.Method, len(methods))
		}
		reg.addSite(methods[s.Method], s.Offset, s.Op, s.Operand)
	}
	for _, f := range t.Fields {
		reg.field(f[0], f[1], f[2])
	}
	reg.offered = t.Offered
	l := &Log{Analysis: t.Analysis, Ordering: t.Ordering, Registry: reg, wire: wire}
	for _, h := range t.Hooks {
		l.Hooks = append(l.Hooks, h.Name)
		l.argKinds = append(l.argKinds, h.Args)
	}
	return l, nil
}

// Replay feeds the log to an analysis under an ordering model, as the
// analysis server did live. The analysis's hooks must be the recorded ones
// (same names, same order).
func (l *Log) Replay(an Analysis, ordering Ordering) (AnalysisStats, error) {
	hooks := an.Hooks()
	if len(hooks) != len(l.Hooks) {
		return AnalysisStats{}, fmt.Errorf("analysis %s has %d hooks; the log was recorded with %d (%v)", an.Name(), len(hooks), len(l.Hooks), l.Hooks)
	}
	for i, h := range hooks {
		if h.Name != l.Hooks[i] {
			return AnalysisStats{}, fmt.Errorf("analysis %s's hook %d is %q; the log's is %q", an.Name(), i, h.Name, l.Hooks[i])
		}
	}
	s := newSession(an, hooks, l.Registry, ordering)
	err := s.serve(bytes.NewReader(l.wire))
	return s.stats, err
}

// Count replays the log with no analysis of its own and counts events per
// hook, for summaries.
func (l *Log) Count() (AnalysisStats, map[string]int64, error) {
	counts := make([]int64, len(l.Hooks))
	var mu sync.Mutex
	hooks := make([]*Hook, len(l.Hooks))
	for i, name := range l.Hooks {
		i := i
		h := &Hook{Name: name, Handle: func(*Event) { mu.Lock(); counts[i]++; mu.Unlock() }}
		for _, k := range l.argKinds[i] {
			h.Args = append(h.Args, Arg{Kind: k})
		}
		hooks[i] = h
	}
	s := newSession(&countOnly{hooks: hooks}, hooks, l.Registry, Global)
	err := s.serve(bytes.NewReader(l.wire))
	out := map[string]int64{}
	for i, name := range l.Hooks {
		out[name] += counts[i]
	}
	return s.stats, out, err
}

type countOnly struct{ hooks []*Hook }

func (c *countOnly) Name() string             { return "count" }
func (c *countOnly) Hooks() []*Hook           { return c.hooks }
func (c *countOnly) ObjectFree(*ShadowObject) {}
func (c *countOnly) ThreadEnd(*ShadowThread)  {}
func (c *countOnly) VMDeath()                 {}

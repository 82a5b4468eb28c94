package shadow

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
)

// argsRecorder keeps the arguments each event arrived with, as text.
type argsRecorder struct {
	hooks []*Hook
	mu    sync.Mutex
	got   []string
}

func (r *argsRecorder) Name() string             { return "args" }
func (r *argsRecorder) Hooks() []*Hook           { return r.hooks }
func (r *argsRecorder) ObjectFree(*ShadowObject) {}
func (r *argsRecorder) ThreadEnd(*ShadowThread)  {}
func (r *argsRecorder) VMDeath()                 {}

// TestEventsKeepTheirArguments: events are kept by value in batches that
// grow as a buffer is decoded; every event must still see its own
// arguments, few (kept inline) or many, from thread and group buffers,
// in order (per-group: the thread's and the group's each in order, on two
// queues), under every ordering model.
func TestEventsKeepTheirArguments(t *testing.T) {
	le := binary.LittleEndian
	msg := func(kind byte, payload []byte) []byte {
		return append(append([]byte{kind}, le.AppendUint32(nil, uint32(len(payload)))...), payload...)
	}
	event := func(hook uint32, ints ...int32) []byte {
		b := le.AppendUint32(nil, hook)
		for _, v := range ints {
			b = append(b, 'I')
			b = le.AppendUint32(b, uint32(v))
		}
		return append(b, 0)
	}
	var wire, want []byte
	wire = append(wire, msg(msgThread, append(le.AppendUint64(nil, 1), 0, 0))...)
	thread := le.AppendUint64(nil, 1)
	group := le.AppendUint32(nil, 3)
	var lines bytes.Buffer
	for i := int32(0); i < 300; i++ {
		// A thread buffer of small and big events, then a group buffer.
		thread = append(thread, event(0, i, -i)...)
		fmt.Fprintf(&lines, "two [%d %d]\n", i, -i)
		thread = append(thread, event(1, i, i+1, i+2, i+3, i+4, i+5)...)
		fmt.Fprintf(&lines, "six [%d %d %d %d %d %d]\n", i, i+1, i+2, i+3, i+4, i+5)
	}
	for i := int32(0); i < 300; i++ {
		group = append(group, le.AppendUint64(nil, 1)...)
		group = append(group, event(1, i, 1, 2, 3, 4, 5)...)
		fmt.Fprintf(&lines, "six [%d 1 2 3 4 5]\n", i)
	}
	wire = append(wire, msg(msgThreadBuf, thread)...)
	wire = append(wire, msg(msgGroupBuf, group)...)
	want = lines.Bytes()
	for _, ord := range []Ordering{Global, PerThread, PerGroup} {
		r := &argsRecorder{}
		ints := func(n int) []Arg {
			a := make([]Arg, n)
			for i := range a {
				a[i] = Arg{Kind: StackValue}
			}
			return a
		}
		for _, h := range []struct {
			name string
			n    int
		}{{"two", 2}, {"six", 6}} {
			name := h.name
			r.hooks = append(r.hooks, &Hook{Name: name, Args: ints(h.n), Handle: func(e *Event) {
				r.mu.Lock()
				r.got = append(r.got, fmt.Sprintf("%s %v", name, e.Args))
				r.mu.Unlock()
			}})
		}
		s := newSession(r, r.hooks, NewRegistry(), ord)
		if err := s.serve(bytes.NewReader(wire)); err != nil {
			t.Fatalf("%s: %v", ord, err)
		}
		got, want := strings.Join(r.got, "\n")+"\n", string(want)
		if ord == PerGroup {
			got, want = sortLines(got), sortLines(want)
		}
		if got != want {
			t.Errorf("%s: events arrived as\n%.400s\nwant\n%.400s", ord, got, want)
		}
	}
}

func sortLines(s string) string {
	l := strings.Split(s, "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}

// TestStringOfNull: a string message naming the null tag is ignored, not
// a crash of the server (it dereferenced the missing object).
func TestStringOfNull(t *testing.T) {
	le := binary.LittleEndian
	p := append(le.AppendUint64(nil, 0), le.AppendUint32(nil, 2)...)
	p = append(p, 'h', 'i')
	wire := append([]byte{msgString}, le.AppendUint32(nil, uint32(len(p)))...)
	wire = append(wire, p...)
	an := &recorder{}
	s := newSession(an, an.Hooks(), NewRegistry(), Global)
	if err := s.serve(bytes.NewReader(wire)); err != nil {
		t.Errorf("string of null: %v", err)
	}
	if !an.death {
		t.Error("no VM death")
	}
}

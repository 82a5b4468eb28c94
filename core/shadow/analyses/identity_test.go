package analyses

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/shadow"
	"dvmlab/internal/jvmtest"
)

// identityProbe collects the ids under which the events name the objects
// of one class: every field read and write, the JDK's included, whether
// the object arrives by its id field or by tag.
type identityProbe struct {
	class string
	mu    sync.Mutex
	ids   map[uint64]bool
	// shared are the ids the worker threads (Thread-N) saw.
	shared map[uint64]bool
}

func (p *identityProbe) Name() string { return "identity-probe" }

func (p *identityProbe) Hooks() []*shadow.Hook {
	note := func(e *shadow.Event) {
		o, _ := e.Args[0].(*shadow.ShadowObject)
		if o == nil || o.Class == nil || o.Class.Name != p.class {
			return
		}
		p.mu.Lock()
		p.ids[o.ID] = true
		if strings.HasPrefix(e.Thread.Name, "Thread-") {
			p.shared[o.ID] = true
		}
		p.mu.Unlock()
	}
	obj := func(d int) shadow.Arg { return shadow.Arg{Kind: shadow.StackValue, Depth: d} }
	return []*shadow.Hook{
		{Name: "getfield", Marker: shadow.Marker{Kind: shadow.Before, Ops: []bytecode.Opcode{bytecode.Getfield}}, Args: []shadow.Arg{obj(0)}, Handle: note},
		{Name: "putfield", Marker: shadow.Marker{Kind: shadow.Before, Ops: []bytecode.Opcode{bytecode.Putfield}}, Args: []shadow.Arg{obj(1)}, Handle: note},
	}
}

func (p *identityProbe) ObjectFree(*shadow.ShadowObject) {}
func (p *identityProbe) ThreadEnd(*shadow.ShadowThread)  {}
func (p *identityProbe) VMDeath()                        {}

// TestIDFieldOneIDPerObject: with the injected id field, each object has
// one id whoever identifies it. Four threads identify 20,000 objects no
// constructor identified, all at once (two threads assigning an id to one
// object each gave it one of their own), and 20,000 more are reached both
// by their id field and by the JDK's code through ArrayList and HashMap
// (which tagged them, a second id), then cloned by ArrayList.clone (whose
// Object.clone copied the id field: the copy shared the original's id).
// Every event naming an Item must name one of 60,000 ids.
func TestIDFieldOneIDPerObject(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "identity", "Identity.java"))
	if err != nil {
		t.Fatal(err)
	}
	dir := jvmtest.Javac(t, map[string]string{"Identity.java": string(src)})
	const objects, threads = 20000, 4
	for _, ord := range []shadow.Ordering{shadow.PerThread, shadow.Global} {
		p := &identityProbe{class: "Identity$Item", ids: map[uint64]bool{}, shared: map[uint64]bool{}}
		var out, errb bytes.Buffer
		res, err := shadow.Run(context.Background(), shadow.Config{Analysis: p, Ordering: ord, IDField: true, IdentifyTiming: true,
			Java:   []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-cp", dir, "Identity", fmt.Sprint(objects), fmt.Sprint(threads)},
			Stdout: &out, Stderr: &errb})
		if err != nil {
			t.Fatal(err)
		}
		// reads: each thread reads n (0) of every fresh item; sum: n and
		// the element of item i are both i.
		want := fmt.Sprintf("done %d %d %d %d\n", objects*threads, objects, objects*(objects-1), objects)
		if res.ExitCode != 0 || out.String() != want {
			t.Fatalf("%s: exit %d, stdout %q (want %q), stderr %s", ord, res.ExitCode, out.String(), want, errb.String())
		}
		if len(res.Errors) > 0 {
			t.Errorf("%s: %v", ord, res.Errors)
		}
		if len(p.shared) != objects {
			t.Errorf("%s: the threads that identified %d fresh Items at once name %d", ord, objects, len(p.shared))
		}
		if len(p.ids) != 3*objects {
			t.Errorf("%s: the events name %d Items, %d were made", ord, len(p.ids), 3*objects)
		}
		if res.Analysis.IDs == 0 {
			t.Errorf("%s: no object was sent by its id field", ord)
		}
	}
}

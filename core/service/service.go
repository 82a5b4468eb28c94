// Package service is the DVM's static service pipeline: a class is parsed
// once, every configured service rewrites the shared model in order, and the
// result is written once (paper §3: "parsing and code generation are performed
// only once for all static services").
package service

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// Service is one static service: it inspects and rewrites a parsed class.
// Apply must not keep c after it returns; it reports what it did.
type Service interface {
	Name() string
	Apply(ctx *Context, c *classfile.Class) (Report, error)
}

// Context carries what a service may need beyond the class itself.
type Context struct {
	// Hierarchy answers superclass questions for frame computation.
	Hierarchy bytecode.Hierarchy
	// recomputed holds the methods whose frames a service already
	// recomputed, so --frames recompute does not do them twice.
	recomputed map[*classfile.Member]bool
	frames     *bytecode.FrameComputer
}

// Frames returns the frame computer for the class under process, shared by
// every service so hierarchy answers are looked up once per class.
func (c *Context) Frames(k *classfile.Class) *bytecode.FrameComputer {
	if c.frames == nil {
		c.frames = bytecode.NewFrameComputer(k, c.Hierarchy)
	}
	return c.frames
}

// Recomputed records that m's frames and max values are fresh.
func (c *Context) Recomputed(m *classfile.Member) {
	if c.recomputed == nil {
		c.recomputed = map[*classfile.Member]bool{}
	}
	c.recomputed[m] = true
}

// Report is one stage's account of its work on one class; the workbench
// shows it per step and experiments aggregate it.
type Report struct {
	Service  string
	Class    string
	Inserted int // checks or probes inserted into code
	Static   int // checks discharged at the proxy
	Deferred int // checks left to the client
	Elapsed  time.Duration
	Notes    []string
}

// Factory builds a service from its configuration string ("" for defaults).
type Factory func(config string) (Service, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes a service available by name to pipelines and the CLI.
func Register(name string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[name] = f
}

// Names lists the registered services, sorted.
func Names() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Pipeline is an ordered list of services.
type Pipeline struct {
	Services []Service
	// RecomputeFrames discards every StackMapTable, max_stack and max_locals
	// and computes them anew, in methods no service touched too.
	RecomputeFrames bool
	// Hierarchy is what frame computation asks about classes. RewritePath
	// sets it to the container's own classes followed by Classpath; nil
	// falls back to ObjectHierarchy.
	Hierarchy bytecode.Hierarchy
	// Classpath is where classes outside the rewritten container come from
	// (usually the JDK), for hierarchy questions.
	Classpath []classpath.Finder

	once     sync.Once
	fallback bytecode.Hierarchy
}

// hierarchy is Hierarchy, else one over Classpath made once, else
// ObjectHierarchy.
func (p *Pipeline) hierarchy() bytecode.Hierarchy {
	if p.Hierarchy != nil {
		return p.Hierarchy
	}
	p.once.Do(func() {
		if len(p.Classpath) > 0 {
			p.fallback = classpath.NewHierarchy(p.Classpath...)
		} else {
			p.fallback = ObjectHierarchy{}
		}
	})
	return p.fallback
}

// Parse builds a pipeline from a comma-separated list of service names, each
// optionally with a configuration after '=' (e.g. "verify,security=site.policy").
// "none" or "" gives the empty pipeline, which parses and writes back.
func Parse(spec string) (*Pipeline, error) {
	p := &Pipeline{}
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "none" {
		return p, nil
	}
	for _, item := range strings.Split(spec, ",") {
		name, config, _ := strings.Cut(strings.TrimSpace(item), "=")
		registryMu.RLock()
		f := registry[name]
		registryMu.RUnlock()
		if f == nil {
			return nil, fmt.Errorf("unknown service %q (known: none, %s)", name, strings.Join(Names(), ", "))
		}
		s, err := f(config)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		p.Services = append(p.Services, s)
	}
	return p, nil
}

// String names the services in order, "none" for the empty pipeline.
func (p *Pipeline) String() string {
	if len(p.Services) == 0 {
		return "none"
	}
	names := make([]string, len(p.Services))
	for i, s := range p.Services {
		names[i] = s.Name()
	}
	return strings.Join(names, ",")
}

// Result is what running the pipeline on one class gives.
type Result struct {
	Class   string
	Out     []byte
	Reports []Report
	Parse   time.Duration
	Write   time.Duration
	BytesIn int // the class as it came; len(Out) is what left
	// Refused is why the JVM will not load the class (a ClassFormatError):
	// such a class is passed through unchanged, so that the client refuses
	// it exactly as it would the original. nil for a class that loads.
	Refused error
}

// Process parses data once, runs the services in order and writes the class once.
func (p *Pipeline) Process(data []byte) (*Result, error) {
	return p.ProcessStages(data, -1)
}

// ProcessStages is Process stopped after the given number of services
// (frames are recomputed only in the full run, stages < 0); the workbench's
// stepper uses it, so a step is exactly what the proxy would do.
func (p *Pipeline) ProcessStages(data []byte, stages int) (*Result, error) {
	t0 := time.Now()
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	res := &Result{Class: c.Name(), Parse: time.Since(t0), BytesIn: len(data)}
	if e := classfile.Check(c); e != nil {
		// Rewriting a class the JVM refuses could only change why, or make
		// it load: pass it through as it is.
		res.Refused, res.Out = e, data
		return res, nil
	}
	ctx := &Context{Hierarchy: p.hierarchy()}
	for i, s := range p.Services {
		if stages >= 0 && i >= stages {
			break
		}
		t := time.Now()
		r, err := s.Apply(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("%s: service %s: %w", c.Name(), s.Name(), err)
		}
		r.Service, r.Class = s.Name(), c.Name()
		r.Elapsed = time.Since(t)
		res.Reports = append(res.Reports, r)
	}
	if p.RecomputeFrames && stages < 0 {
		t := time.Now()
		r := Report{Service: "frames", Class: c.Name()}
		for _, m := range c.Methods {
			if m.Code() == nil || ctx.recomputed[m] {
				continue
			}
			fr, err := ctx.Frames(c).Compute(m)
			if err != nil {
				return nil, err
			}
			r.Inserted += fr.Frames
			for _, n := range fr.Missing {
				r.Notes = append(r.Notes, "hierarchy: "+n+" not found; merged as the original frame declared")
			}
		}
		r.Elapsed = time.Since(t)
		res.Reports = append(res.Reports, r)
	}
	t := time.Now()
	if len(p.Services) == 0 && !p.RecomputeFrames {
		// Nothing changed: the writer's output is the input, so reuse the
		// capacity hint of the input size.
		res.Out, err = c.AppendTo(make([]byte, 0, len(data)))
	} else {
		res.Out, err = c.Write()
	}
	if err != nil {
		return nil, err
	}
	res.Write = time.Since(t)
	return res, nil
}

// ObjectHierarchy knows nothing: every class is a direct subclass of
// java/lang/Object and none is an interface. Merges of two different classes
// then give java/lang/Object, which HotSpot accepts unless the code after the
// merge needs the more specific type; real pipelines pass a classpath.Hierarchy.
type ObjectHierarchy struct{}

func (ObjectHierarchy) SuperClass(name string) (string, error) {
	if name == "java/lang/Object" {
		return "", nil
	}
	return "java/lang/Object", nil
}

func (ObjectHierarchy) IsInterface(string) (bool, error) { return false, nil }

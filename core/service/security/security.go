// Package security is the DVM's security service (paper §3.2): it rewrites
// application code so that every operation a policy guards first asks the
// client's enforcement manager (dvmlab.runtime.Security) for a decision.
//
// Where checks go:
//   - before every call in application code to a method a guard names; the
//     caller is known at rewrite time, so the inserted code names its own
//     class as the subject and the manager needs no stack walk;
//   - at the entry of guarded methods an application class declares itself;
//   - in place of method references to guarded methods (System::exit): the
//     MethodHandle constant is pointed at a checked bridge (bridge.go);
//   - before reflective calls (Method.invoke, Constructor.newInstance), whose
//     target the manager checks against the guards at run time, and in place
//     of method-handle lookups (Lookup.find*, unreflect*), whose handle the
//     manager wraps with the check when its target is guarded.
//
// Streams: a guard whose resource is file:this is enforced at every call of
// that name on the guard's class or any supertype (InputStream.read, the
// virtual dispatch a leaked FileInputStream is read through): the manager
// tests the receiver at run time against the streams it saw opened. Streams
// are recorded at the application's guarded open calls (the constructor's
// new object, or the returned stream of a method such as
// Files.newInputStream) and at the JDK stream and reader constructors that
// wrap one (new BufferedReader(new InputStreamReader(in))), so a wrapper of
// an opened file is that file; a reader the JDK builds inside its own method
// (Files.newBufferedReader) is recorded when the call that returns it is
// guarded. What call-site rewriting cannot see is a read the JDK makes on
// its own behalf from an object no guarded call returned (a stream a JDK
// class opens and keeps): that needs guards inside java.base itself.
package security

import (
	"fmt"
	"os"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/policy"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
)

// Name is the service's name in pipelines.
const Name = "security"

func init() {
	service.Register(Name, func(config string) (service.Service, error) {
		if config == "" {
			return nil, fmt.Errorf("needs a policy file: security=FILE")
		}
		data, err := os.ReadFile(config)
		if err != nil {
			return nil, err
		}
		p, err := policy.Parse(config, data)
		if err != nil {
			return nil, err
		}
		return New(p), nil
	})
}

// Service inserts the checks a policy's guards ask for.
type Service struct {
	Policy *policy.Policy
}

// New is the service for policy p.
func New(p *policy.Policy) *Service { return &Service{Policy: p} }

// Name implements service.Service.
func (*Service) Name() string { return Name }

// The manager's entry points (see core/runtime/java/dvmlab/runtime/Security.java).
const (
	checkDesc    = "(Ljava/lang/Object;Ljava/lang/String;Ljava/lang/String;Ljava/lang/Object;)V"
	openedDesc   = "(Ljava/lang/Object;Ljava/lang/Object;)V"
	invokeDesc   = "(Ljava/lang/reflect/Method;Ljava/lang/Object;[Ljava/lang/Object;Ljava/lang/Object;)V"
	newInstDesc  = "(Ljava/lang/reflect/Constructor;[Ljava/lang/Object;Ljava/lang/Object;)V"
	lookupClass  = "java/lang/invoke/MethodHandles$Lookup"
	handleResult = "Ljava/lang/invoke/MethodHandle;"
)

// handleLookups are the Lookup methods the service replaces by the
// manager's, which wrap a guarded target's handle with its check.
var handleLookups = map[string]bool{
	"findStatic(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;":                   true,
	"findVirtual(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;":                  true,
	"findConstructor(Ljava/lang/Class;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;":                                true,
	"findSpecial(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/Class;)Ljava/lang/invoke/MethodHandle;": true,
	"unreflect(Ljava/lang/reflect/Method;)Ljava/lang/invoke/MethodHandle;":                                                          true,
	"unreflectConstructor(Ljava/lang/reflect/Constructor;)Ljava/lang/invoke/MethodHandle;":                                          true,
}

// Site is one inserted check, for the report and the workbench's listing.
type Site struct {
	Method string // name + descriptor of the method holding the call
	Offset int    // original offset of the call, -1 for a method entry, -2 for a method reference
	What   string // the guard or reflective operation checked
}

// Sites lists where Apply would insert checks in c, without changing it.
func (s *Service) Sites(ctx *service.Context, c *classfile.Class) ([]Site, error) {
	var out []Site
	for _, h := range s.guardedHandles(c) {
		out = append(out, Site{Method: "(constant pool)", Offset: -2, What: h})
	}
	err := s.walk(ctx, c, func(m *classfile.Member, in *bytecode.Instruction, what string) {
		off := -1
		if in != nil {
			off = in.Offset
		}
		out = append(out, Site{Method: c.MemberName(m) + c.MemberDesc(m), Offset: off, What: what})
	}, nil)
	return out, err
}

// Apply implements service.Service.
func (s *Service) Apply(ctx *service.Context, c *classfile.Class) (service.Report, error) {
	var rep service.Report
	if runtime.IsRuntimeClass(c.Name()) {
		rep.Notes = append(rep.Notes, "runtime class: not instrumented")
		return rep, nil
	}
	if _, err := s.bridgeHandles(c, &rep.Notes); err != nil {
		return rep, err
	}
	err := s.walk(ctx, c, nil, &rep)
	return rep, err
}

// action is what one instruction needs.
type action struct {
	guard    *policy.Guard // check before the call
	register bool          // record the stream the call makes
	regArg   int           // which argument the stream is made from
	reflect  string        // invoke, new, or the Lookup method replaced
}

// classify says what an invoke instruction needs, nil for nothing.
func (s *Service) classify(ctx *service.Context, op bytecode.Opcode, owner, name, desc string) *action {
	var a action
	for _, g := range s.Policy.Guards {
		if g.MatchesMethod(owner, name, desc) || g.Resource.Arg == policy.Receiver && op != bytecode.Invokestatic &&
			name != "<init>" && policy.Match(g.Name, name) && (g.Desc == "" || g.Desc == desc) && isSuper(ctx, owner, g.Owner) {
			if g.Resource.Arg == policy.Receiver && name == "<init>" {
				continue // the receiver is not an object yet
			}
			a.guard = g
			break
		}
	}
	args := policy.ArgTypes(desc)
	if a.guard != nil && a.guard.Resource.Kind == "file" && a.guard.Resource.Arg >= 0 &&
		(name == "<init>" || strings.HasSuffix(desc, ";")) {
		a.register, a.regArg = true, a.guard.Resource.Arg
	}
	// JDK wrappers: new BufferedReader(reader), new InputStreamReader(in)…
	if name == "<init>" && strings.HasPrefix(owner, "java/io/") && len(args) > 0 &&
		(args[0] == "Ljava/io/InputStream;" || args[0] == "Ljava/io/Reader;") && !a.register {
		a.register, a.regArg = true, 0
	}
	switch {
	case owner == "java/lang/reflect/Method" && name == "invoke" && desc == "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;":
		a.reflect = "invoke"
	case owner == "java/lang/reflect/Constructor" && name == "newInstance" && desc == "([Ljava/lang/Object;)Ljava/lang/Object;":
		a.reflect = "new"
	case owner == lookupClass && handleLookups[name+desc]:
		a.reflect = name
	}
	if a.guard == nil && !a.register && a.reflect == "" {
		return nil
	}
	return &a
}

// isSuper reports whether sup is a proper superclass of sub, through the
// hierarchy the pipeline gives (the JDK's classes for stream types).
func isSuper(ctx *service.Context, sup, sub string) bool {
	if ctx == nil || ctx.Hierarchy == nil || strings.ContainsAny(sub, "*?") {
		return false
	}
	for n, i := sub, 0; n != "" && i < 64; i++ {
		s, err := ctx.Hierarchy.SuperClass(n)
		if err != nil {
			return false
		}
		if s == sup {
			return true
		}
		n = s
	}
	return false
}

// walk finds every place c needs a check; with rep non-nil it inserts them,
// else it only tells found about each.
func (s *Service) walk(ctx *service.Context, c *classfile.Class, found func(*classfile.Member, *bytecode.Instruction, string), rep *service.Report) error {
	pool := &c.Pool
	for _, m := range c.Methods {
		code := m.Code()
		if code == nil {
			continue
		}
		mname, mdesc := c.MemberName(m), c.MemberDesc(m)
		insns, err := bytecode.Decode(code.Code)
		if err != nil {
			return fmt.Errorf("%s.%s%s: %w", c.Name(), mname, mdesc, err)
		}
		type todo struct {
			in                *bytecode.Instruction
			a                 *action
			owner, name, desc string
		}
		var todos []todo
		for i := range insns {
			in := &insns[i]
			switch in.Op {
			case bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic, bytecode.Invokeinterface:
			default:
				continue
			}
			owner, name, desc := pool.MemberRef(uint16(in.Index))
			if a := s.classify(ctx, in.Op, owner, name, desc); a != nil {
				todos = append(todos, todo{in, a, owner, name, desc})
				if found != nil {
					if a.guard != nil {
						found(m, in, fmt.Sprintf("%s on %s (guard line %d)", a.guard.Permission, a.guard.Resource, a.guard.Pos.Line))
					}
					if a.reflect != "" {
						found(m, in, "reflective "+a.reflect+": the target is checked at run time")
					}
				}
			}
		}
		entry := s.entryGuard(c, m)
		if entry != nil && found != nil {
			found(m, nil, fmt.Sprintf("entry: %s on %s (guard line %d)", entry.Permission, entry.Resource, entry.Pos.Line))
		}
		if rep == nil || len(todos) == 0 && entry == nil {
			continue
		}
		ed, err := bytecode.NewEditor(c, m)
		if err != nil {
			return err
		}
		e := &emitter{c: c, pool: pool, base: int(code.MaxLocals)}
		for _, t := range todos {
			n, err := e.site(ed, t.in, t.a, t.owner, t.name, t.desc)
			if err != nil {
				return fmt.Errorf("%s.%s%s at %d: %w", c.Name(), mname, mdesc, t.in.Offset, err)
			}
			rep.Inserted += n
		}
		if entry != nil {
			code, err := e.entry(m, entry)
			if err != nil {
				return fmt.Errorf("%s.%s%s: %w", c.Name(), mname, mdesc, err)
			}
			ed.Prepend(code...)
			rep.Inserted++
		}
		if _, err := ed.Commit(ctx.Frames(c)); err != nil {
			return err
		}
		ctx.Recomputed(m)
	}
	return nil
}

// entryGuard is the guard naming method m of c itself, when c is an
// application class that declares a guarded method.
func (s *Service) entryGuard(c *classfile.Class, m *classfile.Member) *policy.Guard {
	name, desc := c.MemberName(m), c.MemberDesc(m)
	if name == "<clinit>" {
		return nil
	}
	for _, g := range s.Policy.Guards {
		if g.MatchesMethod(c.Name(), name, desc) {
			if g.Resource.Arg == policy.Receiver && (name == "<init>" || m.Access.Has(classfile.AccStatic)) {
				continue
			}
			return g
		}
	}
	return nil
}

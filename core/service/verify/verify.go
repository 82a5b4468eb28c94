// Package verify is the DVM's verification service (paper §3.1, Figure 3):
// each class is verified at the proxy by core/verify; one that fails is
// replaced by a class whose static initializer throws VerifyError with the
// reason, and one that passes gets, in each method that relies on other
// classes, a call to the client runtime's link checker guarded by a static
// flag (from version 51, a call site that runs the checks as it links), so
// those checks run once, in the client's namespace, before the method's own
// code.
package verify

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	core "dvmlab/core/verify"
)

// Name is the service's name in pipelines.
const Name = "verify"

func init() {
	service.Register(Name, func(config string) (service.Service, error) {
		if config != "" {
			return nil, fmt.Errorf("verify takes no configuration, got %q", config)
		}
		return Service{}, nil
	})
}

// Service is the verification service.
type Service struct{}

// Name implements service.Service.
func (Service) Name() string { return Name }

// flagPrefix names the per-method flags; a name no Java compiler makes.
const flagPrefix = "dvmlab$linked$"

// Apply implements service.Service.
func (Service) Apply(ctx *service.Context, c *classfile.Class) (service.Report, error) {
	t0 := time.Now()
	rep := service.Report{Service: Name, Class: c.Name()}
	if runtime.IsRuntimeClass(c.Name()) {
		rep.Notes = append(rep.Notes, "runtime class: trusted")
		return rep, nil
	}
	r := core.Class(c, ctx.Hierarchy)
	rep.Static, rep.Deferred = r.Static, r.Deferred
	if r.Err != nil {
		if err := reject(c, "dvmlab: "+r.Err.Error()); err != nil {
			return rep, err
		}
		rep.Notes = append(rep.Notes, "rejected: "+r.Err.Error())
		rep.Elapsed = time.Since(t0)
		return rep, nil
	}
	if c.Major < 49 {
		// ldc of a Class constant needs version 49; older classes keep
		// their checks to the client's own verifier.
		rep.Notes = append(rep.Notes, fmt.Sprintf("version %d: link checks left to the client's verifier", c.Major))
		rep.Elapsed = time.Since(t0)
		return rep, nil
	}
	// Class-wide checks run when the class initializes.
	const clinit = "<clinit>()V"
	byScope := map[string][]string{}
	var scopes []string
	for _, a := range r.Assumptions {
		// Whether a field or method exists the client's JVM resolves
		// lazily, when the instruction first runs, verifier or not:
		// checking it earlier, at method entry, would fail programs that
		// name optional classes on paths they never take (h2 names JTS).
		// The checks only a verifier makes, assignability and the kinds of
		// supertypes, go to the client's link checker.
		if a.Kind == core.Field || a.Kind == core.Method || a.Kind == core.InterfaceMethod {
			continue
		}
		scope := a.Scope
		if scope == "" {
			scope = clinit
		}
		if _, ok := byScope[scope]; !ok {
			scopes = append(scopes, scope)
		}
		byScope[scope] = append(byScope[scope], a.String())
	}
	iface := c.Access.Has(classfile.AccInterface)
	methods := map[string]*classfile.Member{}
	for _, m := range c.Methods {
		methods[c.MemberName(m)+c.MemberDesc(m)] = m
	}
	if _, ok := byScope[clinit]; ok && methods[clinit] == nil {
		m, err := addClinit(c)
		if err != nil {
			return rep, err
		}
		methods[clinit] = m
	}
	n := 0
	for _, scope := range scopes {
		m := methods[scope]
		if m == nil || m.Code() == nil {
			continue
		}
		if err := guard(ctx, c, m, strings.Join(byScope[scope], "\n"), n, iface || scope == clinit); err != nil {
			return rep, fmt.Errorf("%s.%s: %w", c.Name(), scope, err)
		}
		n++
		rep.Inserted++
	}
	rep.Elapsed = time.Since(t0)
	return rep, nil
}

// guard inserts at m's entry: if (!flag) { LinkCheck.check(C.class, spec);
// flag = true; } (Figure 3). From version 51 the flag is a call site
// instead, invokedynamic linked()V, whose bootstrap method runs the checks
// once and links it to a no-op: the same once-per-method check, but nothing
// the program can see by reflection (a flag is a declared field) and
// nothing left to test once linked. Interfaces below 51 cannot have a flag
// and <clinit> runs once anyway: there the call stands alone and the
// runtime remembers what it checked.
func guard(ctx *service.Context, c *classfile.Class, m *classfile.Member, spec string, n int, unguarded bool) error {
	pool := &c.Pool
	self, err := pool.AddClass(c.Name())
	if err != nil {
		return err
	}
	text, err := pool.AddString(spec)
	if err != nil {
		return err
	}
	check, err := pool.AddMethodref(runtime.LinkCheck, "check", "(Ljava/lang/Class;Ljava/lang/String;)V")
	if err != nil {
		return err
	}
	ed, err := bytecode.NewEditor(c, m)
	if err != nil {
		return err
	}
	call := []*bytecode.Insn{bytecode.LoadConstant(self), bytecode.LoadConstant(text), {Op: bytecode.Invokestatic, Index: int(check)}}
	var code []*bytecode.Insn
	if unguarded {
		code = call
	} else if site, ok, err := linkedCallSite(c, spec); err != nil {
		return err
	} else if ok {
		code = []*bytecode.Insn{{Op: bytecode.Invokedynamic, Index: int(site)}}
	} else {
		flag, err := addFlag(c, fmt.Sprintf("%s%d", flagPrefix, n))
		if err != nil {
			return err
		}
		done := ed.NewLabel()
		code = append([]*bytecode.Insn{{Op: bytecode.Getstatic, Index: int(flag)}, {Op: bytecode.Ifne, Target: done}}, call...)
		code = append(code, &bytecode.Insn{Op: bytecode.Iconst1, Index: 1}, &bytecode.Insn{Op: bytecode.Putstatic, Index: int(flag)}, bytecode.Mark(done))
	}
	if err := ed.InsertBefore(0, code...); err != nil {
		return err
	}
	if _, err := ed.Commit(ctx.Frames(c)); err != nil {
		return err
	}
	ctx.Recomputed(m)
	return nil
}

// linkedCallSite adds an InvokeDynamic constant whose bootstrap method,
// LinkCheck.linked, runs the checks of spec when the site links (JVMS
// §4.7.23, §5.4.3.6). ok is false for a class older than 51, which cannot
// hold one, and for one whose BootstrapMethods attribute is not parsed.
func linkedCallSite(c *classfile.Class, spec string) (site uint16, ok bool, err error) {
	if c.Major < 51 {
		return 0, false, nil
	}
	var bms *classfile.BootstrapMethods
	for _, a := range c.Attributes {
		if a.Name() != classfile.AttrBootstrapMethods {
			continue
		}
		if bms, ok = a.(*classfile.BootstrapMethods); !ok {
			return 0, false, nil // kept raw: not ours to extend
		}
	}
	pool := &c.Pool
	bsm, err := pool.AddMethodref(runtime.LinkCheck, "linked",
		"(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/String;)Ljava/lang/invoke/CallSite;")
	if err != nil {
		return 0, false, err
	}
	handle, err := pool.Add(classfile.Constant{Tag: classfile.TagMethodHandle, Kind: classfile.RefInvokeStatic, A: bsm})
	if err != nil {
		return 0, false, err
	}
	text, err := pool.AddString(spec)
	if err != nil {
		return 0, false, err
	}
	nt, err := pool.AddNameAndType("linked", "()V")
	if err != nil {
		return 0, false, err
	}
	if bms == nil {
		bms = &classfile.BootstrapMethods{}
		c.Attributes = append(c.Attributes, bms)
	}
	idx := slices.IndexFunc(bms.Methods, func(m classfile.BootstrapMethod) bool {
		return m.Ref == handle && len(m.Args) == 1 && m.Args[0] == text
	})
	if idx < 0 {
		if len(bms.Methods) == 0xFFFF {
			return 0, false, nil
		}
		bms.Methods = append(bms.Methods, classfile.BootstrapMethod{Ref: handle, Args: []uint16{text}})
		idx = len(bms.Methods) - 1
	}
	site, err = pool.Add(classfile.Constant{Tag: classfile.TagInvokeDynamic, A: uint16(idx), B: nt})
	return site, err == nil, err
}

// reject turns c into a class with the same name and members whose every
// method, and whose static initializer, throws VerifyError(msg). Keeping the
// members lets other classes link against it as they would against the
// original, so the client meets the VerifyError where HotSpot would raise
// it: when the class initializes.
func reject(c *classfile.Class, msg string) error {
	pool := &c.Pool
	ex, err := pool.AddClass("java/lang/VerifyError")
	if err != nil {
		return err
	}
	text, err := pool.AddString(msg)
	if err != nil {
		return err
	}
	ctor, err := pool.AddMethodref("java/lang/VerifyError", "<init>", "(Ljava/lang/String;)V")
	if err != nil {
		return err
	}
	code := func(locals int) *classfile.Code {
		// new E; dup; ldc_w msg; invokespecial E.<init>(String); athrow.
		// Straight-line code needs no StackMapTable.
		b := []byte{0xbb, byte(ex >> 8), byte(ex), 0x59, 0x13, byte(text >> 8), byte(text), 0xb7, byte(ctor >> 8), byte(ctor), 0xbf}
		return &classfile.Code{MaxStack: 3, MaxLocals: uint16(locals), Code: b}
	}
	hasClinit := false
	for _, m := range c.Methods {
		if m.Code() == nil {
			continue
		}
		if c.MemberName(m) == "<clinit>" {
			hasClinit = true
		}
		// Enough locals for the arguments; the rest of the old code goes.
		locals := int(m.Code().MaxLocals)
		var attrs []classfile.Attribute
		for _, a := range m.Attributes {
			if _, isCode := a.(*classfile.Code); isCode {
				attrs = append(attrs, code(locals))
			} else {
				attrs = append(attrs, a)
			}
		}
		m.Attributes = attrs
	}
	if !hasClinit {
		m, err := addClinit(c)
		if err != nil {
			return err
		}
		m.Attributes = []classfile.Attribute{code(0)}
	}
	return nil
}

// addFlag adds a private static synthetic boolean field and returns its
// Fieldref.
func addFlag(c *classfile.Class, name string) (uint16, error) {
	pool := &c.Pool
	ni, err := pool.AddUtf8(name)
	if err != nil {
		return 0, err
	}
	di, err := pool.AddUtf8("Z")
	if err != nil {
		return 0, err
	}
	c.Fields = append(c.Fields, &classfile.Member{Access: classfile.AccPrivate | classfile.AccStatic | classfile.AccSynthetic, NameIndex: ni, DescIndex: di})
	return pool.AddFieldref(c.Name(), name, "Z")
}

// addClinit gives c a static initializer that only returns.
func addClinit(c *classfile.Class) (*classfile.Member, error) {
	pool := &c.Pool
	ni, err := pool.AddUtf8("<clinit>")
	if err != nil {
		return nil, err
	}
	di, err := pool.AddUtf8("()V")
	if err != nil {
		return nil, err
	}
	m := &classfile.Member{Access: classfile.AccStatic, NameIndex: ni, DescIndex: di,
		Attributes: []classfile.Attribute{&classfile.Code{MaxStack: 0, MaxLocals: 0, Code: []byte{byte(bytecode.Return)}}}}
	c.Methods = append(c.Methods, m)
	return m, nil
}

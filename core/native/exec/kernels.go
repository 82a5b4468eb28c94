package exec

import (
	"fmt"
	"sort"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/native/alpha"
	"dvmlab/core/native/ir"
)

// Acceptance counts what the compiler takes of a library, for Alpha: the
// front end, the passes and the Alpha back end all accept a method, or it
// stays bytecode.
type Acceptance struct {
	Library                      string
	Methods, Compiled            int            // methods with code, and those compiled whole
	Bytecodes, CompiledBytecodes int            // bytes of code in them
	Runnable                     []string       // compiled methods the harness can call: 'pkg.Class.method(DESC)'
	Reasons                      map[string]int // why methods stayed bytecode, by first words
}

// Accept compiles every class of jar whose binary name starts with one of
// prefixes (all classes when none) and counts.
func Accept(jar string, prefixes ...string) (*Acceptance, error) {
	src, err := classpath.Open(jar)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	a := &Acceptance{Library: jar, Reasons: map[string]int{}}
	w, err := openWorld(jar)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	lowered := map[*ir.Func]error{}
	err = src.Walk(func(name string, data []byte) error {
		bin := strings.ReplaceAll(strings.TrimSuffix(name, ".class"), "/", ".")
		if !hasPrefix(bin, prefixes) {
			return nil
		}
		c, err := classfile.Parse(data)
		if err != nil {
			return nil // not ours to judge here; the verifier's tests do
		}
		a.add(w, c, lowered)
		return nil
	})
	sort.Strings(a.Runnable)
	return a, err
}

func (a *Acceptance) add(w *world, c *classfile.Class, lowerErr map[*ir.Func]error) {
	code := map[string]int{}
	for _, m := range c.Methods {
		if cd := m.Code(); cd != nil {
			code[c.MemberName(m)+c.MemberDesc(m)] = len(cd.Code)
			a.Methods++
			a.Bytecodes += len(cd.Code)
		}
	}
	// The class with the closure of its static callees in IN, as the
	// Alpha runtime runs it (alphamodel.go); only the class's own methods
	// count.
	funcs, left := w.closure(c)
	funcs = w.refuseSnapshots(funcs, left)
	own := func(f *ir.Func) bool { return f.Class == c.Name() }
	for k, err := range left {
		if _, ok := code[k]; ok {
			a.Reasons[reasonKey(err)]++
		}
	}
	hasCtor := false
	for _, m := range c.Methods {
		if c.MemberName(m) == "<init>" && c.MemberDesc(m) == "()V" {
			hasCtor = true
		}
	}
	var lowered []*ir.Func
	for _, f := range funcs {
		err, ok := lowerErr[f]
		if !ok {
			_, err = alpha.Lower(f, alpha.EV4)
			lowerErr[f] = err
		}
		if err != nil {
			if own(f) {
				a.Reasons[reasonKey(err)]++
			}
			continue
		}
		lowered = append(lowered, f)
	}
	dropped := map[string]error{}
	kept := CloseCalls(lowered, dropped)
	for k, err := range dropped {
		if _, ok := code[k]; ok {
			a.Reasons[reasonKey(err)]++
		}
	}
	for _, f := range kept {
		if !own(f) {
			continue
		}
		a.Compiled++
		a.CompiledBytecodes += code[f.Name+f.Desc]
		spec := strings.ReplaceAll(c.Name(), "/", ".") + "." + f.Name + f.Desc
		m, err := ParseMethod(spec)
		if err == nil && (f.Static || hasCtor) && !c.Access.Has(classfile.AccAbstract) {
			enums := true
			for _, p := range m.Sig.Params {
				enums = enums && (p.Dims > 0 || p.Elem != 'L' || w.isEnum(p.Class))
			}
			if enums {
				a.Runnable = append(a.Runnable, spec)
			}
		}
	}
}

// reasonKey shortens a reason to its kind: the text after the method's name
// and offset, up to the first detail.
func reasonKey(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	for _, cut := range []string{" (", " of ", " %", ":"} {
		if i := strings.Index(s, cut); i > 0 {
			s = s[:i]
		}
	}
	return s
}

func (a *Acceptance) String() string {
	return fmt.Sprintf("%s: %d of %d methods (%.1f%%), %d of %d bytes of bytecode (%.1f%%), %d callable by the harness",
		a.Library, a.Compiled, a.Methods, pct(a.Compiled, a.Methods), a.CompiledBytecodes, a.Bytecodes,
		pct(a.CompiledBytecodes, a.Bytecodes), len(a.Runnable))
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// hasPrefix reports whether the binary name bin starts with one of
// prefixes; every name does when there are none.
func hasPrefix(bin string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(bin, p) {
			return true
		}
	}
	return false
}

package repl

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/native"
	"dvmlab/core/native/ir"
	"dvmlab/core/service/compile"
)

// The network compiler's passes walked one at a time, as the service
// pipeline is: after `native CLASS.METHOD`, each `step` shows the method's
// IR after the next pass (the front end's "build" first, then inline,
// fieldhoist, copyprop, constfold, dce and the check eliminations, as
// native.Passes lists them), then its amd64 and its Alpha assembly. The
// TUI's native pane walks the same stages with a key.

// NativeStage is one stage of a method through the compiler: the IR after
// a pass, or a back end's assembly.
type NativeStage struct {
	Name string // the pass ("build", "inline", …) or the back end ("amd64", "alpha")
	Text string
}

// NativeStages compiles the class data with the compile service, as
// `dvmlab compile` does (inlining included), and returns method's stages:
// its IR after the front end and after each pass that ran, then its
// assembly for amd64 and for Alpha. Overloads of method are shown one
// after the other at each stage; a method that stays bytecode is an error
// saying why.
func NativeStages(data []byte, method string) ([]NativeStage, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	prefix := classfile.BinaryName(c.Name()) + "." + method + "("
	var stages []NativeStage
	at := map[string]int{} // pass -> its stage
	trace := func(key, pass string, f *ir.Func) {
		if !strings.HasPrefix(key, prefix) {
			return
		}
		i, ok := at[pass]
		if !ok {
			i = len(stages)
			at[pass] = i
			stages = append(stages, NativeStage{Name: pass})
		}
		stages[i].Text += fmt.Sprintf("# %s\n%s", key, f)
	}
	for _, arch := range []string{"amd64", "alpha"} {
		opt := compile.Options{Arch: arch, NoBuild: true, Dir: os.TempDir()}
		if arch == "amd64" {
			opt.Trace = trace
		}
		svc, err := compile.New(opt)
		if err != nil {
			return nil, err
		}
		res, err := svc.Compile(c)
		if err != nil {
			return nil, err
		}
		var text strings.Builder
		found := false
		for _, m := range c.Methods {
			if c.MemberName(m) != method {
				continue
			}
			found = true
			key := classfile.BinaryName(c.Name()) + "." + method + c.MemberDesc(m)
			if asm := asmOf(res.Asm, native.Symbol(c.Name(), method, c.MemberDesc(m))); asm != "" {
				text.WriteString(asm)
				continue
			}
			why := res.Skipped[key]
			if why == "" {
				why = "not compiled"
			}
			fmt.Fprintf(&text, "# %s stays bytecode: %s\n", key, why)
		}
		if !found {
			return nil, fmt.Errorf("no method %s in %s", method, classfile.BinaryName(c.Name()))
		}
		if len(stages) == 0 {
			return nil, errors.New(strings.TrimSpace(text.String()))
		}
		stages = append(stages, NativeStage{Name: arch, Text: text.String()})
	}
	return stages, nil
}

// nativeWalk is a method walked through the compiler's stages by step.
type nativeWalk struct {
	what   string // CLASS.METHOD
	stages []NativeStage
	at     int // the stages shown so far
}

// nativeStep shows the walk's next stage.
func (s *Session) nativeStep() error {
	w := s.walk
	if w.at >= len(w.stages) {
		return fmt.Errorf("%s: already at its %s assembly (native %s starts again; step CLASS steps the service pipeline)", w.what, w.stages[len(w.stages)-1].Name, w.what)
	}
	st := w.stages[w.at]
	w.at++
	kind := "IR after " + st.Name
	if native.Lookup(st.Name) != nil {
		kind = st.Name + " assembly"
	}
	fmt.Fprintf(s.Out, "native %d/%d %s: %s\n", w.at, len(w.stages), w.what, kind)
	fmt.Fprint(s.Out, st.Text)
	if w.at < len(w.stages) {
		fmt.Fprintf(s.Out, "(step: %s)\n", w.stages[w.at].Name)
	}
	return nil
}

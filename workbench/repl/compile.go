package repl

import (
	"errors"
	"fmt"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/native"
	_ "dvmlab/core/native/amd64"
	"dvmlab/core/native/ir"
	"dvmlab/workbench/listing"
)

func init() {
	commands = append(commands, command{"native", "native [--pass NAME] [--arch A] CLASS.METHOD",
		"the network compiler on one method, stage by stage: its bytecode, the IR after the front end and after each pass, the code of each back end (Compiler Explorer's panes, one under the other)",
		"native --pass bce com.jcraft.jzlib.Adler32.update", (*Session).native})
}

func (s *Session) native(args []string) error {
	var pass, arch string
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--pass" && i+1 < len(args):
			i++
			pass = args[i]
		case a == "--arch" && i+1 < len(args):
			i++
			arch = args[i]
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) != 1 {
		return errors.New("usage: native [--pass NAME] [--arch A] CLASS.METHOD")
	}
	class, method, err := s.resolve(rest[0])
	if err != nil {
		return err
	}
	if method == "" {
		return errors.New("native: name a method, CLASS.METHOD")
	}
	arches := native.Arches()
	if arch != "" {
		if native.Lookup(arch) == nil {
			return fmt.Errorf("native: no back end %q (have %s)", arch, strings.Join(arches, ", "))
		}
		arches = []string{arch}
	}
	if pass != "" && pass != "build" && !knownPass(pass) {
		return fmt.Errorf("native: no pass %q (build, then %s)", pass, strings.Join(passNames(), ", "))
	}
	c, data, err := s.read(class)
	if err != nil {
		return err
	}
	lines, err := listing.Of(data, method)
	if err != nil {
		return err
	}
	pane := func(title string) {
		fmt.Fprintf(s.Out, "── %s %s\n", title, strings.Repeat("─", max(0, 60-len(title))))
	}
	pane("bytecode")
	for _, l := range lines {
		fmt.Fprintln(s.Out, l)
	}
	found := false
	for _, m := range c.Methods {
		if c.MemberName(m) != method {
			continue
		}
		found = true
		key := classfile.BinaryName(class) + "." + method + c.MemberDesc(m)
		f, err := native.Translate(c, m)
		if err != nil {
			pane(key)
			fmt.Fprintf(s.Out, "stays bytecode: %v\n", err)
			continue
		}
		trace := func(p string, f *ir.Func) {
			if pass == "" || p == pass {
				pane("IR after " + p)
				fmt.Fprint(s.Out, f)
			}
		}
		if err := native.Optimize(f, trace); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		for _, a := range arches {
			// Lowering changes the function (it splits critical edges), so
			// each back end gets a fresh copy.
			g, _ := native.Translate(c, m)
			native.Optimize(g, nil)
			text, err := native.Lookup(a).Lower(g, native.Options{})
			pane(a)
			if err != nil {
				fmt.Fprintf(s.Out, "the %s back end cannot lower it: %v\n", a, err)
				continue
			}
			fmt.Fprint(s.Out, text)
		}
	}
	if !found {
		return fmt.Errorf("no method %s in %s", method, classfile.BinaryName(class))
	}
	// step now walks the method through the compiler's stages.
	s.walk = nil
	if stages, err := NativeStages(data, method); err == nil {
		what := classfile.BinaryName(class) + "." + method
		s.walk = &nativeWalk{what: what, stages: stages}
		var names []string
		for _, st := range stages {
			names = append(names, st.Name)
		}
		fmt.Fprintf(s.Out, "(step walks %s through %s, one at a time)\n", what, strings.Join(names, ", "))
	}
	return nil
}

func knownPass(name string) bool {
	for _, p := range native.Passes {
		if p.Name == name {
			return true
		}
	}
	return false
}

func passNames() []string {
	var out []string
	for _, p := range native.Passes {
		out = append(out, p.Name)
	}
	return out
}

package repl

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/native"
	_ "dvmlab/core/native/alpha" // native --arch alpha
	"dvmlab/core/policy"
	"dvmlab/core/service"
	"dvmlab/core/service/compile"
	"dvmlab/core/service/security"
)

// The TUI's native-code (asm) and policy panes as REPL commands, over the
// current class and method.

func init() {
	commands = append(commands,
		command{"asm", "asm [--arch amd64|alpha] [CLASS[.METHOD]]",
			"the network compiler's assembler text for a class or one method (without CLASS: the current one), or why a method stays bytecode",
			"asm --arch alpha JLex.SparseBitSet.size", (*Session).asm},
		command{"guards", "guards POLICY [CLASS]",
			"the checks a security policy's guards put in a class (without CLASS: the current one), with the call each guards",
			"guards policy.xml JLex.CLexGen", (*Session).guards})
}

func (s *Session) asm(args []string) error {
	arch := "amd64"
	var rest []string
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "--arch" && i+1 < len(args):
			arch = args[i+1]
			i++
		case strings.HasPrefix(args[i], "--arch="):
			arch = strings.TrimPrefix(args[i], "--arch=")
		case strings.HasPrefix(args[i], "-"):
			return fmt.Errorf("asm: unknown flag %s (usage: asm [--arch amd64|alpha] [CLASS[.METHOD]])", args[i])
		default:
			rest = append(rest, args[i])
		}
	}
	if native.Lookup(arch) == nil {
		return fmt.Errorf("asm: no back end %q (have %s)", arch, strings.Join(native.Arches(), ", "))
	}
	class, method, err := s.currentOr(rest)
	if err != nil {
		return err
	}
	_, data, err := s.read(class)
	if err != nil {
		return err
	}
	text, err := NativeText(data, arch, method)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(s.Out, text)
	return err
}

func (s *Session) guards(args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return errors.New("usage: guards POLICY [CLASS]")
	}
	class, _, err := s.currentOr(args[1:])
	if err != nil {
		return err
	}
	_, data, err := s.read(class)
	if err != nil {
		return err
	}
	s.hierarchy()
	text, _, err := PolicyChecks(args[0], data, &service.Context{Hierarchy: s.pipeline.Hierarchy})
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(s.Out, text)
	return err
}

// currentOr resolves CLASS[.METHOD] when given, else takes the current
// class and method.
func (s *Session) currentOr(args []string) (class, method string, err error) {
	switch len(args) {
	case 0:
		if s.current == "" {
			return "", "", errors.New("no current class (show CLASS makes one)")
		}
		method = s.currentMethod
		if i := strings.IndexByte(method, '('); i >= 0 {
			method = method[:i]
		}
		return s.current, method, nil
	case 1:
		return s.resolve(args[0])
	}
	return "", "", fmt.Errorf("one CLASS[.METHOD] at most, not %d", len(args))
}

// NativeText is a class's assembler text for arch, as compile --emit asm
// writes it, or with method set only that method's (each of its
// overloads, or why it stays bytecode).
func NativeText(data []byte, arch, method string) (string, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return "", err
	}
	svc, err := compile.New(compile.Options{Arch: arch, NoBuild: true, Dir: os.TempDir()})
	if err != nil {
		return "", err
	}
	res, err := svc.Compile(c)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s, %s: %d of %d methods compiled\n", classfile.BinaryName(c.Name()), arch, len(res.Funcs), res.Methods)
	if method == "" {
		for k, why := range res.Skipped {
			fmt.Fprintf(&b, "# %s stays bytecode: %s\n", k, why)
		}
		b.WriteString(res.Asm)
		return b.String(), nil
	}
	found := false
	for _, mb := range c.Methods {
		if c.MemberName(mb) != method {
			continue
		}
		found = true
		desc := c.MemberDesc(mb)
		if text := asmOf(res.Asm, native.Symbol(c.Name(), method, desc)); text != "" {
			b.WriteString("\n" + text)
			continue
		}
		fmt.Fprintf(&b, "\n# %s.%s%s\n", c.Name(), method, desc)
		why := "not compiled"
		for k, r := range res.Skipped {
			if strings.Contains(k, "."+method+"(") && strings.Contains(k, desc) {
				why = r
			}
		}
		fmt.Fprintf(&b, "# stays bytecode: %s\n", why)
	}
	if !found {
		return "", fmt.Errorf("no method %s in %s", method, classfile.BinaryName(c.Name()))
	}
	return b.String(), nil
}

// preamble matches what precedes a function's label besides the lines
// naming it: section and alignment directives, assembler modes (alpha) and
// the comment naming the method (amd64).
var preamble = regexp.MustCompile(`^(\t\.(text|align|p2align|set)\b|# [^c])`)

// asmOf cuts a function's text out of its class's: the directives before
// the label sym (and the "# owner.name(desc)" comment amd64 puts there),
// up to its .end or the next function's directives or comment.
func asmOf(asm, sym string) string {
	lines := strings.Split(asm, "\n")
	for i, l := range lines {
		if l != sym+":" {
			continue
		}
		start := i
		for start > 0 && (strings.Contains(lines[start-1], sym) || preamble.MatchString(lines[start-1])) {
			start--
		}
		end := i + 1
		for end < len(lines) {
			if strings.HasPrefix(lines[end], "\t.globl") || strings.HasPrefix(lines[end], "# ") {
				break
			}
			end++
			if strings.TrimSpace(lines[end-1]) == ".end "+sym {
				break
			}
		}
		return strings.Join(lines[start:end], "\n") + "\n"
	}
	return ""
}

// PolicyChecks lists the checks a policy file's guards put in a class
// (DVM paper §3.2), as policy sites does, grouped by method, and counts
// them.
func PolicyChecks(file string, data []byte, ctx *service.Context) (string, int, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return "", 0, err
	}
	p, err := policy.Parse(file, src)
	if err != nil {
		return "", 0, err
	}
	c, err := classfile.Parse(data)
	if err != nil {
		return "", 0, err
	}
	sites, err := security.New(p).Sites(ctx, c)
	if err != nil {
		return "", 0, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s under %s: %d checks\n\n", classfile.BinaryName(c.Name()), file, len(sites))
	method := ""
	for _, st := range sites {
		if st.Offset == -2 {
			// A bridge the class gains for a method reference to a
			// guarded method: of the class, not of one of its methods.
			fmt.Fprintf(&b, "%s\n", st.What)
			continue
		}
		if st.Method != method {
			method = st.Method
			fmt.Fprintf(&b, "%s\n", method)
		}
		if st.Offset < 0 {
			fmt.Fprintf(&b, "  entry  <- %s\n", st.What)
			continue
		}
		insn := ""
		for _, mb := range c.Methods {
			if c.MemberName(mb)+c.MemberDesc(mb) != st.Method || mb.Code() == nil {
				continue
			}
			if in, err := bytecode.DecodeAt(mb.Code().Code, st.Offset); err == nil {
				o, n, d := c.Pool.MemberRef(uint16(in.Index))
				insn = fmt.Sprintf("%s %s.%s:%s", in.Op, o, n, d)
			}
		}
		fmt.Fprintf(&b, "  %5d: %s  <- %s\n", st.Offset, insn, st.What)
	}
	if len(sites) == 0 {
		b.WriteString("(no call in this class is guarded)\n")
	}
	return b.String(), len(sites), nil
}

package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/native"
	_ "dvmlab/core/native/alpha" // A shows Alpha code as well as amd64's
	"dvmlab/core/policy"
	"dvmlab/core/proxy"
	"dvmlab/core/service"
	"dvmlab/core/service/compile"
	"dvmlab/core/service/security"
)

// The panes of the network compiler, the security service and the
// monitoring console: each shows, for the class on the left, what the
// command line's compile --emit asm, policy sites and console show.

// methodAt is the name of the method whose declaration is at or above the
// listing's top line, "" above the first one.
func (m *Model) methodAt() string {
	if m.pane != "" {
		return m.nativeMethod
	}
	for i := min(m.scroll, len(m.lines)-1); i >= 0; i-- {
		if isMethodHeader(m.lines[i]) {
			decl := strings.TrimSpace(strings.TrimLeft(m.lines[i], "+-~ "))
			name := decl[:strings.Index(decl, "(")]
			if k := strings.LastIndexAny(name, " "); k >= 0 {
				name = name[k+1:]
			}
			// Constructors are declared by the class's name.
			if cls := classfile.BinaryName(m.selected()); name == cls {
				return "<init>"
			}
			if k := strings.LastIndex(name, "."); k >= 0 {
				name = name[k+1:]
			}
			return name
		}
	}
	return ""
}

// nativePane compiles the selected class for arch and shows the assembler
// text of the method the listing is at (the whole class above the first
// method), or why it stays bytecode.
func (m *Model) nativePane(arch string) tea.Cmd {
	name := m.selected()
	if name == "" {
		m.status = "native: no class selected"
		return nil
	}
	data := m.original
	method := m.methodAt()
	m.nativeMethod = method
	what := classfile.BinaryName(name)
	if method != "" {
		what += "." + method
	}
	return m.startPane(viewNative, fmt.Sprintf("compiling %s for %s…", what, arch), func() (string, string, error) {
		text, err := nativeText(data, arch, method)
		next := "alpha"
		if arch == "alpha" {
			next = "amd64"
		}
		return text, fmt.Sprintf("%s native code for %s; A again for %s (dvmlab compile --arch %s --emit asm --only %s)", arch, what, next, arch, what), err
	})
}

// nativeText is a class's (or one method's) assembler text for arch.
func nativeText(data []byte, arch, method string) (string, error) {
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

// policyPane lists where the policy's guards check calls in the selected
// class, and the guarded entries, with each call's instruction as the
// listing shows it (dvmlab policy sites).
func (m *Model) policyPane(file string) tea.Cmd {
	name := m.selected()
	if name == "" {
		m.status = "policy: no class selected"
		return nil
	}
	data, ctx := m.original, &service.Context{Hierarchy: m.pipeline.Hierarchy}
	return m.startPane(viewPolicy, "finding the guarded calls of "+classfile.BinaryName(name)+"…", func() (string, string, error) {
		text, n, err := policyText(file, data, ctx)
		if err == nil {
			m.policyFile = file
		}
		return text, fmt.Sprintf("%d checks of %s in %s (dvmlab policy sites); G again after moving to another class", n, filepath.Base(file), classfile.BinaryName(name)), err
	})
}

// policyText is the checks a policy file's guards put in a class.
func policyText(file string, data []byte, ctx *service.Context) (string, int, error) {
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

// consolePane fetches a proxy's monitoring console once and shows it; M
// again refreshes it.
func (m *Model) consolePane(addr string) tea.Cmd {
	return m.startPane(viewConsole, "asking the proxy at "+addr+" for its console…", func() (string, string, error) {
		st, err := proxy.FetchConsole(nil, addr, 10)
		if err != nil {
			return "", "", err
		}
		m.proxyAddr = addr
		return consoleText(st), "console of the proxy at " + addr + "; M again refreshes it (dvmlab console --proxy " + addr + " keeps it live)", nil
	})
}

// consoleText is the console as dvmlab console prints it.
func consoleText(st proxy.ConsoleState) string {
	var b strings.Builder
	st.Render(&b)
	return b.String()
}

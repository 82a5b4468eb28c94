package native

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"dvmlab/core/native/ir"
)

// Backend lowers IR to one architecture's GNU assembler text. Back ends live
// in sub-packages (amd64, alpha) and Register themselves in init, like Go's
// obj.LinkArch plug-ins; the compile service and the CLI look them up by
// Arch name.
//
// Contract for an implementation:
//   - Lower gets a function that Optimize has run over and returns the
//     assembler text of that one function: a global symbol Symbol(f.Class,
//     f.Name, f.Desc) and everything it needs (its own local labels, read-only
//     strings, caches) in sections of its own, so that the texts of several
//     functions concatenate into one file (JoinAsm) and assemble together.
//   - The function follows the platform's C calling convention with the JNI
//     signature of a native method (JNI spec, "Native Method Arguments"): the
//     JNIEnv pointer, the class (static) or receiver (instance), then the
//     Java parameters; an OpCall calls the callee's Symbol the same way,
//     passing its own JNIEnv and its own class argument as the callee's class
//     (only calls within one class compile, so it is the right one).
//   - A failing check throws Throws(op) with JNI ThrowNew and returns; after
//     an OpCall, a pending exception (ExceptionCheck) returns at once.
//   - Assemble runs the target's `as` on a file's text; its error is an
//     *AsmError naming the line, which JoinAsm's Lines maps back to the method.
type Backend interface {
	Arch() string
	// CPUs lists the accepted --cpu values, the default first (nil: none).
	CPUs() []string
	Lower(f *ir.Func, opt Options) (asm string, err error)
	// Assemble writes the object file obj from the assembler text asm.
	Assemble(asm, obj string, opt Options) error
}

// Options are what a back end may vary by.
type Options struct {
	CPU string // e.g. "ev4" or "ev67" for alpha; "" for the default
	// Upcalls is what a back end does with a method UpcallBound finds
	// slower compiled than as bytecode: UpcallsDecline ("" too) leaves it
	// bytecode (Declined), UpcallsKeep compiles it anyway, as a
	// differential test must to reach every method the compiler can do.
	Upcalls string
}

// The values of Options.Upcalls.
const (
	UpcallsDecline = "decline"
	UpcallsKeep    = "keep"
)

// ParseUpcalls checks a setting of Options.Upcalls; "" is UpcallsDecline.
func ParseUpcalls(s string) (string, error) {
	switch s {
	case "", UpcallsDecline:
		return UpcallsDecline, nil
	case UpcallsKeep:
		return UpcallsKeep, nil
	}
	return "", fmt.Errorf("upcalls: %q is neither %s nor %s", s, UpcallsDecline, UpcallsKeep)
}

// DeclinesUpcalls reports whether a back end should decline the methods
// UpcallBound names.
func (o Options) DeclinesUpcalls() bool { return o.Upcalls != UpcallsKeep }

var (
	backendsMu sync.RWMutex
	backends   = map[string]Backend{}
)

// Register makes a back end available by its Arch name.
func Register(b Backend) {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	backends[b.Arch()] = b
}

// Lookup returns the back end for arch, or nil.
func Lookup(arch string) Backend {
	backendsMu.RLock()
	defer backendsMu.RUnlock()
	return backends[arch]
}

// Arches lists the registered back ends, sorted.
func Arches() []string {
	backendsMu.RLock()
	defer backendsMu.RUnlock()
	var out []string
	for a := range backends {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Symbol is the JNI "long name" of a native method: Java_, the mangled
// class, _, the mangled method, __, the mangled argument descriptor (JNI
// specification, chapter 2, "Resolving Native Method Names"). The JVM finds
// a native method's code under this name in the libraries its class's loader
// loaded, so the symbol binds the method with no registration code.
func Symbol(class, name, desc string) string {
	args := desc
	if i := strings.IndexByte(desc, ')'); i >= 0 {
		args = desc[1:i]
	}
	return "Java_" + mangle(class) + "_" + mangle(name) + "__" + mangle(args)
}

// mangle escapes a name as JNI does: '/' becomes '_', '_' "_1", ';' "_2",
// '[' "_3", other non-alphanumerics _0xxxx (UTF-16, lower-case hex).
func mangle(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '/':
			sb.WriteByte('_')
		case r == '_':
			sb.WriteString("_1")
		case r == ';':
			sb.WriteString("_2")
		case r == '[':
			sb.WriteString("_3")
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
			sb.WriteRune(r)
		default:
			for _, u := range utf16(r) {
				fmt.Fprintf(&sb, "_0%04x", u)
			}
		}
	}
	return sb.String()
}

func utf16(r rune) []uint16 {
	if r < 0x10000 {
		return []uint16{uint16(r)}
	}
	r -= 0x10000
	return []uint16{uint16(0xd800 + (r >> 10)), uint16(0xdc00 + (r & 0x3ff))}
}

// Part is one method's assembler text within a file.
type Part struct {
	Class, Method, Desc string
	Asm                 string
}

// Joined is the text of one assembler file and which lines came from
// which method.
type Joined struct {
	Text  string
	parts []Part
	first []int // the first line of each part, 1-based
}

// JoinAsm concatenates the methods' texts into one file.
func JoinAsm(header string, parts []Part) *Joined {
	j := &Joined{parts: parts}
	var sb strings.Builder
	sb.WriteString(header)
	line := 1 + strings.Count(header, "\n")
	for _, p := range parts {
		j.first = append(j.first, line)
		sb.WriteString(p.Asm)
		if !strings.HasSuffix(p.Asm, "\n") {
			sb.WriteByte('\n')
		}
		line += strings.Count(strings.TrimSuffix(p.Asm, "\n"), "\n") + 1
	}
	j.Text = sb.String()
	return j
}

// Locate names the method a line of the file belongs to, or nil.
func (j *Joined) Locate(line int) *Part {
	k := sort.SearchInts(j.first, line+1) - 1
	if k < 0 || k >= len(j.parts) {
		return nil
	}
	return &j.parts[k]
}

// AsmError is an assembler's or linker's complaint about a line of our
// text: the method it came from, the line, and the tool's message.
type AsmError struct {
	Tool                string // "as", "ld", "gcc"
	Class, Method, Desc string
	Line                int
	Text                string // the offending line
	Msg                 string
}

func (e *AsmError) Error() string {
	where := ""
	if e.Class != "" {
		where = fmt.Sprintf("%s.%s%s: ", e.Class, e.Method, e.Desc)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s%s: line %d %q: %s", where, e.Tool, e.Line, strings.TrimSpace(e.Text), e.Msg)
	}
	return fmt.Sprintf("%s%s: %s", where, e.Tool, e.Msg)
}

var asLine = regexp.MustCompile(`(?m)^[^:\n]*:(\d+): (?:Error|Fatal error): (.*)$`)

// ParseAsError turns GNU as's stderr into an *AsmError for the first line
// it names, attributed through j (which may be nil).
func ParseAsError(tool, stderr, text string, j *Joined) *AsmError {
	m := asLine.FindStringSubmatch(stderr)
	if m == nil {
		return &AsmError{Tool: tool, Msg: strings.TrimSpace(stderr)}
	}
	n, _ := strconv.Atoi(m[1])
	e := &AsmError{Tool: tool, Line: n, Msg: m[2]}
	lines := strings.Split(text, "\n")
	if n-1 < len(lines) {
		e.Text = lines[n-1]
	}
	if j != nil {
		if p := j.Locate(n); p != nil {
			e.Class, e.Method, e.Desc = p.Class, p.Method, p.Desc
		}
	}
	return e
}

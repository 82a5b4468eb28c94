// Package policy is the DVM security service's policy language (paper §3.2),
// after the DTOS model the paper derives from: security identifiers (sids)
// name principals (users from the client's handshake, code by the URL it was
// served from) and resources (files, properties, hosts and ports, threads,
// exit, processes, native libraries, reflection); an access matrix of
// allow and deny rules relates subject sids to object sids by permission;
// and guards map each permission to the code that performs the operation,
// which tells the security service where to insert checks.
//
// A policy is XML:
//
//	<policy default="deny">
//	  <sid name="apps" codebase="http://127.0.0.1:*/**"/>
//	  <sid name="secrets" files="/etc/shadow /srv/secret/**"/>
//	  <allow subject="apps" object="secrets" permissions="file.open"/>
//	  <guard permission="file.open" method="java/io/FileInputStream.&lt;init&gt;(Ljava/lang/String;)V" resource="file:arg0"/>
//	</policy>
//
// Patterns are globs: * is any run of characters but '/', ** any run at all,
// ? one character. A list attribute holds patterns separated by spaces.
package policy

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Kinds of resources a sid can name, as the attribute that lists them and
// the prefix of a guard's resource.
var Kinds = []string{"file", "property", "host", "thread", "exit", "process", "native", "reflection"}

// kindAttr maps a sid attribute to the kind of resource it names.
var kindAttr = map[string]string{
	"files": "file", "properties": "property", "hosts": "host", "threads": "thread",
	"exit": "exit", "processes": "process", "native": "native", "reflection": "reflection",
}

// Pos is a place in the policy text.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Error is a malformed policy: where and why.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	f := e.File
	if f == "" {
		f = "policy"
	}
	return fmt.Sprintf("%s:%s: %s", f, e.Pos, e.Msg)
}

// Sid is a security identifier. A principal sid names users and code
// origins (both must match when both are given); a resource sid names
// resources by kind.
type Sid struct {
	Name      string
	Users     []string
	Codebases []string
	// Resources holds the patterns per kind (file, property, …).
	Resources map[string][]string
	Pos       Pos
}

// Principal reports whether the sid names subjects rather than resources.
func (s *Sid) Principal() bool { return len(s.Users) > 0 || len(s.Codebases) > 0 }

// Rule is one cell of the access matrix.
type Rule struct {
	Allow       bool
	Subject     string // a sid name, or * for every subject
	Object      string // a sid name
	Permissions []string
	Pos         Pos
}

// Label names the rule in messages: "deny apps secrets file.read (line 6)".
func (r *Rule) Label() string {
	return fmt.Sprintf("%s %s -> %s %s (policy line %d)", map[bool]string{true: "allow", false: "deny"}[r.Allow],
		r.Subject, r.Object, strings.Join(r.Permissions, ","), r.Pos.Line)
}

// Guard maps a permission to code: calls to methods matching Method need
// the permission on the resource found as Resource says.
type Guard struct {
	Permission string
	// Owner, Name and Desc are the method pattern; Desc "" matches any
	// descriptor.
	Owner, Name, Desc string
	Method            string // as written
	Resource          Where
	Pos               Pos
}

// Where says how a guard finds its resource.
type Where struct {
	Kind string // file, property, …
	// Arg is the argument index (0 = first declared argument), -1 for the
	// receiver (this), -2 for a constant.
	Arg   int
	Const string
}

// Receiver, Constant are Where.Arg values.
const (
	Receiver = -1
	Constant = -2
)

func (w Where) String() string {
	switch w.Arg {
	case Receiver:
		return w.Kind + ":this"
	case Constant:
		if w.Const == "" {
			return w.Kind
		}
		return w.Kind + "=" + w.Const
	}
	return fmt.Sprintf("%s:arg%d", w.Kind, w.Arg)
}

// Policy is a parsed policy.
type Policy struct {
	DefaultAllow bool
	Sids         []*Sid
	Rules        []*Rule
	Guards       []*Guard
	byName       map[string]*Sid
}

// Sid returns the sid named n, or nil.
func (p *Policy) Sid(n string) *Sid { return p.byName[n] }

// Parse reads a policy. file names it in errors. Any malformed input gives
// an *Error with line and column.
func Parse(file string, data []byte) (*Policy, error) {
	ps := &parser{file: file, data: data}
	p, err := ps.parse()
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, &Error{File: file, Pos: ps.pos(ps.last), Msg: err.Error()}
	}
	return p, nil
}

type parser struct {
	file string
	data []byte
	last int64 // offset of the token being read
}

// pos turns a byte offset into line and column (columns count bytes, from 1).
func (ps *parser) pos(off int64) Pos {
	if off > int64(len(ps.data)) {
		off = int64(len(ps.data))
	}
	before := ps.data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return Pos{line, col}
}

func (ps *parser) errAt(off int64, format string, args ...any) *Error {
	return &Error{File: ps.file, Pos: ps.pos(off), Msg: fmt.Sprintf(format, args...)}
}

func (ps *parser) parse() (*Policy, error) {
	d := xml.NewDecoder(bytes.NewReader(ps.data))
	d.Strict = true
	p := &Policy{byName: map[string]*Sid{}}
	depth, seenRoot := 0, false
	for {
		ps.last = d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				// Where the token that holds the fault starts.
				return nil, ps.errAt(ps.last, "XML: %s", se.Msg)
			}
			return nil, ps.errAt(ps.last, "XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			at := ps.last
			switch {
			case depth == 1:
				if t.Name.Local != "policy" {
					return nil, ps.errAt(at, "the root element must be <policy>, not <%s>", t.Name.Local)
				}
				if seenRoot {
					return nil, ps.errAt(at, "a second <policy>")
				}
				seenRoot = true
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "default":
						switch a.Value {
						case "allow":
							p.DefaultAllow = true
						case "deny":
						default:
							return nil, ps.errAt(at, "default must be allow or deny, not %q", a.Value)
						}
					default:
						return nil, ps.errAt(at, "<policy> has no attribute %q (only default)", a.Name.Local)
					}
				}
			case depth == 2:
				if err := ps.element(p, t, at); err != nil {
					return nil, err
				}
			default:
				return nil, ps.errAt(at, "<%s> inside a policy element: sid, allow, deny and guard take no children", t.Name.Local)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, ps.errAt(ps.last, "unexpected text %q", clip(string(bytes.TrimSpace(t))))
			}
		}
	}
	if !seenRoot {
		return nil, ps.errAt(int64(len(ps.data)), "no <policy> element")
	}
	return p, p.link(ps)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func attrs(t xml.StartElement) map[string]string {
	m := map[string]string{}
	for _, a := range t.Attr {
		m[a.Name.Local] = a.Value
	}
	return m
}

func (ps *parser) element(p *Policy, t xml.StartElement, at int64) error {
	a := attrs(t)
	pos := ps.pos(at)
	need := func(names ...string) error {
		for _, n := range names {
			if strings.TrimSpace(a[n]) == "" {
				return ps.errAt(at, "<%s> needs a %s attribute", t.Name.Local, n)
			}
		}
		return nil
	}
	only := func(names ...string) error {
		for _, x := range t.Attr {
			if !slices.Contains(names, x.Name.Local) {
				return ps.errAt(at, "<%s> has no attribute %q (it takes %s)", t.Name.Local, x.Name.Local, strings.Join(names, ", "))
			}
		}
		return nil
	}
	switch t.Name.Local {
	case "sid":
		allowed := []string{"name", "users", "codebase"}
		for k := range kindAttr {
			allowed = append(allowed, k)
		}
		slices.Sort(allowed[3:])
		if err := only(allowed...); err != nil {
			return err
		}
		if err := need("name"); err != nil {
			return err
		}
		s := &Sid{Name: a["name"], Users: strings.Fields(a["users"]), Codebases: strings.Fields(a["codebase"]),
			Resources: map[string][]string{}, Pos: pos}
		if s.Name == "*" || strings.ContainsAny(s.Name, " \t\n") {
			return ps.errAt(at, "sid name %q: must be one word other than *", s.Name)
		}
		for attr, kind := range kindAttr {
			if v, ok := a[attr]; ok {
				f := strings.Fields(v)
				if len(f) == 0 {
					return ps.errAt(at, "sid %s: %s is empty", s.Name, attr)
				}
				s.Resources[kind] = f
			}
		}
		if s.Principal() == (len(s.Resources) > 0) {
			if s.Principal() {
				return ps.errAt(at, "sid %s names both principals (users, codebase) and resources: make two sids", s.Name)
			}
			return ps.errAt(at, "sid %s names nothing: give users or codebase (a principal) or resources (files, properties, hosts, threads, exit, processes, native, reflection)", s.Name)
		}
		for _, pats := range [][]string{s.Users, s.Codebases} {
			for _, pt := range pats {
				if err := checkGlob(pt); err != nil {
					return ps.errAt(at, "sid %s: pattern %q: %v", s.Name, pt, err)
				}
			}
		}
		for _, pats := range s.Resources {
			for _, pt := range pats {
				if err := checkGlob(pt); err != nil {
					return ps.errAt(at, "sid %s: pattern %q: %v", s.Name, pt, err)
				}
			}
		}
		if p.byName[s.Name] != nil {
			return ps.errAt(at, "sid %s defined twice (first at line %d)", s.Name, p.byName[s.Name].Pos.Line)
		}
		p.byName[s.Name] = s
		p.Sids = append(p.Sids, s)
	case "allow", "deny":
		if err := only("subject", "object", "permissions"); err != nil {
			return err
		}
		if err := need("subject", "object", "permissions"); err != nil {
			return err
		}
		p.Rules = append(p.Rules, &Rule{Allow: t.Name.Local == "allow", Subject: a["subject"], Object: a["object"],
			Permissions: strings.Fields(a["permissions"]), Pos: pos})
	case "guard":
		if err := only("permission", "method", "resource"); err != nil {
			return err
		}
		if err := need("permission", "method", "resource"); err != nil {
			return err
		}
		g := &Guard{Permission: a["permission"], Method: a["method"], Pos: pos}
		var err error
		if g.Owner, g.Name, g.Desc, err = parseMethod(g.Method); err != nil {
			return ps.errAt(at, "guard method %q: %v", g.Method, err)
		}
		if g.Resource, err = ParseWhere(a["resource"]); err != nil {
			return ps.errAt(at, "guard resource %q: %v", a["resource"], err)
		}
		if g.Resource.Arg >= 0 && g.Desc != "" {
			n, err := countArgs(g.Desc)
			if err != nil {
				return ps.errAt(at, "guard method %q: descriptor: %v", g.Method, err)
			}
			if g.Resource.Arg >= n {
				return ps.errAt(at, "guard resource %s: the method takes %d argument(s)", g.Resource, n)
			}
		}
		if g.Resource.Arg == Receiver && g.Name == "<clinit>" {
			return ps.errAt(at, "guard resource this: a static initializer has no receiver")
		}
		p.Guards = append(p.Guards, g)
	default:
		return ps.errAt(at, "unknown element <%s> (expected sid, allow, deny or guard)", t.Name.Local)
	}
	return nil
}

// link checks what refers to what once everything is read.
func (p *Policy) link(ps *parser) error {
	for _, r := range p.Rules {
		at := func(format string, args ...any) error {
			return &Error{File: ps.file, Pos: r.Pos, Msg: fmt.Sprintf(format, args...)}
		}
		if r.Subject != "*" {
			s := p.byName[r.Subject]
			if s == nil {
				return at("subject %q is not a defined sid", r.Subject)
			}
			if !s.Principal() {
				return at("subject %s names resources, not principals (users, codebase)", r.Subject)
			}
		}
		o := p.byName[r.Object]
		if o == nil {
			return at("object %q is not a defined sid", r.Object)
		}
		if o.Principal() {
			return at("object %s names principals, not resources", r.Object)
		}
	}
	return nil
}

// ParseWhere reads a guard's resource: KIND (a constant resource with an
// empty name), KIND=VALUE (a constant), KIND:this or KIND:argN.
func ParseWhere(s string) (Where, error) {
	kind, rest, hasColon := strings.Cut(s, ":")
	val, cval, hasEq := strings.Cut(kind, "=")
	if hasEq && !hasColon {
		kind = val
	}
	if !slices.Contains(Kinds, kind) {
		return Where{}, fmt.Errorf("unknown resource kind %q (known: %s)", kind, strings.Join(Kinds, ", "))
	}
	switch {
	case hasEq && !hasColon:
		return Where{Kind: kind, Arg: Constant, Const: cval}, nil
	case !hasColon:
		return Where{Kind: kind, Arg: Constant}, nil
	case rest == "this":
		return Where{Kind: kind, Arg: Receiver}, nil
	case strings.HasPrefix(rest, "arg"):
		n, err := strconv.Atoi(rest[3:])
		if err != nil || n < 0 || n > 254 {
			return Where{}, fmt.Errorf("%q: argN wants N from 0 to 254", rest)
		}
		return Where{Kind: kind, Arg: n}, nil
	}
	return Where{}, fmt.Errorf("%q: the resource is found at this or argN", rest)
}

// parseMethod splits "owner.name(desc)" (desc optional; owner and name may
// hold * patterns) into its parts.
func parseMethod(s string) (owner, name, desc string, err error) {
	head := s
	if i := strings.IndexByte(s, '('); i >= 0 {
		head, desc = s[:i], s[i:]
		if !strings.Contains(desc, ")") {
			return "", "", "", errors.New("descriptor without ')'")
		}
		if strings.ContainsAny(desc, "*?") {
			return "", "", "", errors.New("a descriptor is exact: no patterns in it (leave it out to match any)")
		}
		if _, err := countArgs(desc); err != nil {
			return "", "", "", fmt.Errorf("descriptor: %v", err)
		}
	}
	i := strings.LastIndexByte(head, '.')
	if i <= 0 || i == len(head)-1 {
		return "", "", "", errors.New("want owner.name or owner.name(descriptor), owner in internal form (java/io/File)")
	}
	owner, name = head[:i], head[i+1:]
	if strings.ContainsRune(owner, '.') {
		return "", "", "", fmt.Errorf("owner %q: use the internal form with slashes (java/io/File)", owner)
	}
	if err := checkGlob(owner); err != nil {
		return "", "", "", err
	}
	if err := checkGlob(name); err != nil {
		return "", "", "", err
	}
	return owner, name, desc, nil
}

// countArgs counts a method descriptor's arguments (JVMS §4.3.3).
func countArgs(desc string) (int, error) {
	if len(desc) == 0 || desc[0] != '(' {
		return 0, errors.New("must start with (")
	}
	n, i := 0, 1
	for i < len(desc) && desc[i] != ')' {
		j, err := fieldEnd(desc, i)
		if err != nil {
			return 0, err
		}
		i = j
		n++
	}
	if i >= len(desc) {
		return 0, errors.New("no )")
	}
	if ret := desc[i+1:]; ret != "V" {
		if j, err := fieldEnd(ret, 0); err != nil || j != len(ret) {
			return 0, fmt.Errorf("bad return type %q", ret)
		}
	}
	return n, nil
}

// fieldEnd is the end of the field descriptor starting at i (JVMS §4.3.2).
func fieldEnd(s string, i int) (int, error) {
	for i < len(s) && s[i] == '[' {
		i++
	}
	if i >= len(s) {
		return 0, errors.New("truncated")
	}
	switch s[i] {
	case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z':
		return i + 1, nil
	case 'L':
		j := strings.IndexByte(s[i:], ';')
		if j <= 1 {
			return 0, errors.New("class type without ;")
		}
		return i + j + 1, nil
	}
	return 0, fmt.Errorf("bad type %q", s[i])
}

// ArgTypes lists a method descriptor's argument field descriptors.
func ArgTypes(desc string) []string {
	var out []string
	i := 1
	for i < len(desc) && desc[i] != ')' {
		j, err := fieldEnd(desc, i)
		if err != nil {
			return out
		}
		out = append(out, desc[i:j])
		i = j
	}
	return out
}

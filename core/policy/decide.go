package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// checkGlob refuses patterns Match cannot mean: three stars in a row.
func checkGlob(p string) error {
	if strings.Contains(p, "***") {
		return errors.New("*** means nothing: * is one path segment, ** any run")
	}
	return nil
}

// Match reports whether name matches the glob pattern: * is any run of
// characters but '/', ** any run at all, ? one character but '/'. The
// client's enforcement manager implements the same rules
// (dvmlab.runtime.Security.glob); the two are tested on one table.
func Match(pattern, name string) bool {
	for len(pattern) > 0 {
		switch {
		case strings.HasPrefix(pattern, "**"):
			rest := strings.TrimLeft(pattern, "*")
			for i := len(name); i >= 0; i-- {
				if Match(rest, name[i:]) {
					return true
				}
			}
			return false
		case pattern[0] == '*':
			rest := pattern[1:]
			for i := 0; i <= len(name); i++ {
				if Match(rest, name[i:]) {
					return true
				}
				if i < len(name) && name[i] == '/' {
					return false
				}
			}
			return false
		case pattern[0] == '?':
			if len(name) == 0 || name[0] == '/' {
				return false
			}
		default:
			if len(name) == 0 || name[0] != pattern[0] {
				return false
			}
		}
		pattern, name = pattern[1:], name[1:]
	}
	return len(name) == 0
}

func matchAny(pats []string, name string) bool {
	for _, p := range pats {
		if Match(p, name) {
			return true
		}
	}
	return false
}

// Subject is who asks: the user of the client's session and the URL the
// calling code was served from.
type Subject struct {
	User     string
	Codebase string
}

// Names reports whether the principal sid s names the subject: every list
// it gives (users, codebase) must match.
func (s *Sid) Names(sub Subject) bool {
	if !s.Principal() {
		return false
	}
	if len(s.Users) > 0 && !matchAny(s.Users, sub.User) {
		return false
	}
	if len(s.Codebases) > 0 && !matchAny(s.Codebases, sub.Codebase) {
		return false
	}
	return true
}

// Holds reports whether the resource sid s names resource res of kind.
func (s *Sid) Holds(kind, res string) bool { return matchAny(s.Resources[kind], res) }

// Decision is the answer to one request.
type Decision struct {
	Allow bool
	// Rule is the rule that decided, nil when the default did.
	Rule *Rule
}

func (d Decision) String() string {
	v := map[bool]string{true: "allow", false: "deny"}[d.Allow]
	if d.Rule == nil {
		return v + " (the policy's default)"
	}
	return v + " by " + d.Rule.Label()
}

// Applies reports whether r speaks of sub.
func (p *Policy) Applies(r *Rule, sub Subject) bool {
	return r.Subject == "*" || p.byName[r.Subject].Names(sub)
}

// Decide is the access decision for subject sub asking permission perm on
// resource res of kind: a matching deny wins over a matching allow (the
// first in policy order names the decision); with neither, the default.
func (p *Policy) Decide(sub Subject, perm, kind, res string) Decision {
	var allow *Rule
	for _, r := range p.Rules {
		if !slices.Contains(r.Permissions, perm) || !p.Applies(r, sub) || !p.byName[r.Object].Holds(kind, res) {
			continue
		}
		if !r.Allow {
			return Decision{Allow: false, Rule: r}
		}
		if allow == nil {
			allow = r
		}
	}
	if allow != nil {
		return Decision{Allow: true, Rule: allow}
	}
	return Decision{Allow: p.DefaultAllow}
}

// MatchesMethod reports whether the guard's method pattern names the
// method owner.name desc.
func (g *Guard) MatchesMethod(owner, name, desc string) bool {
	return Match(g.Owner, owner) && Match(g.Name, name) && (g.Desc == "" || g.Desc == desc)
}

// Wire is the part of the policy that concerns sub, in the line format the
// client's enforcement manager reads (the paper's download of "a portion of
// the global security policy"):
//
//	version N
//	default allow|deny
//	rule allow|deny PERM LABEL KIND PATTERN [KIND PATTERN…]
//	guard PERM OWNER NAME DESC|- KIND ARG CONST|-
//
// LABEL, patterns and constants are URL-query-escaped so that each field is
// one word. Guards are sent whole: the manager checks reflective calls and
// method handles against them.
func (p *Policy) Wire(sub Subject, version int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version %d\ndefault %s\n", version, map[bool]string{true: "allow", false: "deny"}[p.DefaultAllow])
	for _, r := range p.Rules {
		if !p.Applies(r, sub) {
			continue
		}
		o := p.byName[r.Object]
		var res []string
		for _, k := range Kinds {
			for _, pt := range o.Resources[k] {
				res = append(res, k, url.QueryEscape(pt))
			}
		}
		for _, perm := range r.Permissions {
			fmt.Fprintf(&b, "rule %s %s %s %s\n", map[bool]string{true: "allow", false: "deny"}[r.Allow], url.QueryEscape(perm),
				url.QueryEscape(r.Label()), strings.Join(res, " "))
		}
	}
	for _, g := range p.Guards {
		desc, c := g.Desc, g.Resource.Const
		if desc == "" {
			desc = "-"
		}
		if c == "" {
			c = "-"
		} else {
			c = url.QueryEscape(c)
		}
		fmt.Fprintf(&b, "guard %s %s %s %s %s %d %s\n", url.QueryEscape(g.Permission), url.QueryEscape(g.Owner), url.QueryEscape(g.Name), desc,
			g.Resource.Kind, g.Resource.Arg, c)
	}
	return b.String()
}

// GuardsFingerprint names the policy's guards, which decide what the
// security service inserts (the access matrix is decided at run time): a
// proxy puts it in its cache keys so that classes rewritten for other
// guards are not served.
func (p *Policy) GuardsFingerprint() string {
	h := sha256.New()
	for _, g := range p.Guards {
		fmt.Fprintf(h, "%s\x00%s\x00%s\n", g.Permission, g.Method, g.Resource)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

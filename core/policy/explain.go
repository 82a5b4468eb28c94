package policy

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Method is one method a class declares, for Resolve.
type Method struct{ Name, Desc string }

// Methods answers what a class declares: its methods, or ok false when
// there is no such class. Resolve uses it to find guards that name nothing.
type Methods func(owner string) (ms []Method, ok bool)

// Resolve lists, per guard, the methods it names that exist; a guard with
// none is a problem returned in the second result (an owner pattern with
// stars cannot be listed, so such a guard is taken as it is).
func (p *Policy) Resolve(look Methods) (map[*Guard][]string, []string) {
	found := map[*Guard][]string{}
	var problems []string
	for _, g := range p.Guards {
		if strings.ContainsAny(g.Owner, "*?") {
			continue
		}
		ms, ok := look(g.Owner)
		if !ok {
			problems = append(problems, fmt.Sprintf("line %d: guard %s: no class %s", g.Pos.Line, g.Method, g.Owner))
			continue
		}
		for _, m := range ms {
			if g.MatchesMethod(g.Owner, m.Name, m.Desc) {
				found[g] = append(found[g], g.Owner+"."+m.Name+m.Desc)
			}
		}
		if len(found[g]) == 0 {
			problems = append(problems, fmt.Sprintf("line %d: guard %s: %s declares no such method", g.Pos.Line, g.Method, g.Owner))
		}
	}
	return found, problems
}

// Explain writes, in words, what each sid, rule and guard means, and the
// problems a policy can have while still being well-formed: permissions no
// guard enforces, guards no rule speaks of, unused sids.
func (p *Policy) Explain(w io.Writer, resolved map[*Guard][]string) {
	fmt.Fprintf(w, "default: %s what no rule decides\n", map[bool]string{true: "allow", false: "deny"}[p.DefaultAllow])
	fmt.Fprintln(w, "\nsecurity identifiers:")
	used := map[string]bool{}
	for _, r := range p.Rules {
		used[r.Subject], used[r.Object] = true, true
	}
	for _, s := range p.Sids {
		var parts []string
		if len(s.Users) > 0 {
			parts = append(parts, "users "+strings.Join(s.Users, ", "))
		}
		if len(s.Codebases) > 0 {
			parts = append(parts, "code from "+strings.Join(s.Codebases, ", "))
		}
		for _, k := range Kinds {
			if pats := s.Resources[k]; len(pats) > 0 {
				parts = append(parts, k+" "+strings.Join(pats, ", "))
			}
		}
		what := "resource"
		if s.Principal() {
			what = "principal"
		}
		note := ""
		if !used[s.Name] {
			note = "  (no rule uses it)"
		}
		fmt.Fprintf(w, "  line %-3d %-9s %-12s %s%s\n", s.Pos.Line, what, s.Name, strings.Join(parts, "; "), note)
	}
	fmt.Fprintln(w, "\naccess matrix (a deny wins over an allow):")
	guarded := map[string]bool{}
	for _, g := range p.Guards {
		guarded[g.Permission] = true
	}
	for _, r := range p.Rules {
		subj := r.Subject
		if subj == "*" {
			subj = "every subject"
		}
		verb := "may"
		if !r.Allow {
			verb = "may not"
		}
		fmt.Fprintf(w, "  line %-3d %s %s %s on %s", r.Pos.Line, subj, verb, strings.Join(r.Permissions, ", "), r.Object)
		var unguarded []string
		for _, perm := range r.Permissions {
			if !guarded[perm] {
				unguarded = append(unguarded, perm)
			}
		}
		if len(unguarded) > 0 {
			fmt.Fprintf(w, "  (no guard enforces %s)", strings.Join(unguarded, ", "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "\nguards (where checks go):")
	ruled := map[string]bool{}
	for _, r := range p.Rules {
		for _, perm := range r.Permissions {
			ruled[perm] = true
		}
	}
	for _, g := range p.Guards {
		res := "the " + g.Resource.Kind + " named by argument " + fmt.Sprint(g.Resource.Arg)
		switch g.Resource.Arg {
		case Receiver:
			res = "the " + g.Resource.Kind + " the receiver was opened on"
			if g.Resource.Kind != "file" {
				res = "the " + g.Resource.Kind + " that is the receiver"
			}
		case Constant:
			res = fmt.Sprintf("the %s %q", g.Resource.Kind, g.Resource.Const)
		}
		fmt.Fprintf(w, "  line %-3d calls to %s need %s on %s", g.Pos.Line, g.Method, g.Permission, res)
		if !ruled[g.Permission] {
			fmt.Fprintf(w, "  (no rule names %s: the default decides)", g.Permission)
		}
		fmt.Fprintln(w)
		if ms, ok := resolved[g]; ok {
			sort.Strings(ms)
			for _, m := range ms {
				fmt.Fprintf(w, "             %s\n", m)
			}
		}
	}
}

package service

import (
	"fmt"
	"regexp"
	"strings"
)

// ClassPatterns matches internal class names against patterns such as
// "kotlin/jvm/internal/*", "org.h2.fulltext.**" or "*Test": '.' and '/' both
// separate packages, '*' matches within one package segment, '**' across
// packages, '?' one character of a segment. It is what --exclude takes: the
// classes a program reads as data (its own class files, copied into its
// output) must reach it as they are, which no service can tell from the
// class alone.
type ClassPatterns struct {
	src []string
	re  *regexp.Regexp
}

// ParseClassPatterns parses comma-separated patterns; "" matches nothing.
// A pattern with any character outside a Java identifier, '.', '/', '$',
// '*', '?' and '-' is an error naming it.
func ParseClassPatterns(s string) (*ClassPatterns, error) {
	cp := &ClassPatterns{}
	var alts []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		var b strings.Builder
		for i := 0; i < len(p); i++ {
			switch c := p[i]; {
			case c == '*' && i+1 < len(p) && p[i+1] == '*':
				b.WriteString(".*")
				i++
			case c == '*':
				b.WriteString("[^/]*")
			case c == '?':
				b.WriteString("[^/]")
			case c == '.' || c == '/':
				b.WriteByte('/')
			case c == '$' || c == '-':
				b.WriteString(regexp.QuoteMeta(string(c)))
			case c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
				b.WriteByte(c)
			default:
				return nil, fmt.Errorf("class pattern %q: %q is not part of a class name", p, c)
			}
		}
		cp.src = append(cp.src, p)
		alts = append(alts, b.String())
	}
	if len(alts) > 0 {
		cp.re = regexp.MustCompile("^(?:" + strings.Join(alts, "|") + ")$")
	}
	return cp, nil
}

// Match reports whether the internal name (java/lang/String) matches any
// pattern; a nil *ClassPatterns matches nothing.
func (cp *ClassPatterns) Match(name string) bool {
	return cp != nil && cp.re != nil && cp.re.MatchString(name)
}

// String gives the patterns as parsed, comma-separated.
func (cp *ClassPatterns) String() string {
	if cp == nil {
		return ""
	}
	return strings.Join(cp.src, ",")
}

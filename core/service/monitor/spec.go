package monitor

import (
	"fmt"
	"path"
	"strings"

	"dvmlab/core/service"
)

// Spec is an audit specification: which classes and methods report their
// entries and exits. Items are separated by ';' or spaces (a pipeline's
// services are separated by commas, so a spec cannot use them):
//
//	CLASSES            every method of the matching classes
//	CLASSES#METHODS    the methods whose name matches METHODS ('*', '?')
//	!ITEM              excludes what ITEM matches; later items win
//
// CLASSES is a class pattern as --exclude takes it (service.ClassPatterns:
// "org.h2.**", "JLex.Main", "*Test"). METHODS matches the name alone, or
// name and descriptor when it holds '(' ("run()V", "<init>*").
//
// An empty spec means the application's classes: everything but the JDK's
// own packages, which a proxy never serves and which an offline rewrite of a
// jmod should leave to their own loaders.
type Spec struct {
	items []specItem
	text  string
}

type specItem struct {
	exclude bool
	classes *service.ClassPatterns
	method  string // "" for every method
}

// jdkPackages are the packages the default spec leaves out.
var jdkPackages = []string{"java/", "javax/", "jdk/", "sun/", "com/sun/", "dvmlab/runtime/"}

// ParseSpec parses an audit specification; errors name the item at fault.
func ParseSpec(s string) (*Spec, error) {
	sp := &Spec{text: strings.TrimSpace(s)}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' || r == '\t' || r == '\n' }) {
		it := specItem{}
		if strings.HasPrefix(f, "!") {
			it.exclude, f = true, f[1:]
		}
		cls, meth, _ := strings.Cut(f, "#")
		if cls == "" {
			return nil, fmt.Errorf("audit specification item %q: no class pattern", f)
		}
		cp, err := service.ParseClassPatterns(cls)
		if err != nil {
			return nil, fmt.Errorf("audit specification item %q: %w", f, err)
		}
		if meth != "" {
			if _, err := path.Match(meth, ""); err != nil {
				return nil, fmt.Errorf("audit specification item %q: method pattern: %w", f, err)
			}
		}
		it.classes, it.method = cp, meth
		sp.items = append(sp.items, it)
	}
	return sp, nil
}

// String is the specification as given.
func (s *Spec) String() string { return s.text }

// Class reports whether any method of the class may be monitored: a quick
// test before Method is asked of each method.
func (s *Spec) Class(name string) bool {
	if s.defaultIn(name) {
		return true
	}
	for _, it := range s.items {
		if !it.exclude && it.classes.Match(name) {
			return true
		}
	}
	return false
}

// Method reports whether the method (name and descriptor) of the class is
// monitored.
func (s *Spec) Method(class, name, desc string) bool {
	in := s.defaultIn(class)
	for _, it := range s.items {
		if !it.classes.Match(class) {
			continue
		}
		if it.method != "" {
			pat, subject := it.method, name
			if strings.Contains(pat, "(") {
				subject = name + desc
			}
			if ok, _ := path.Match(pat, subject); !ok {
				continue
			}
		}
		in = !it.exclude
	}
	return in
}

// defaultIn is the answer before any item: the application's classes when
// the spec includes nothing, none when it names what to include.
func (s *Spec) defaultIn(class string) bool {
	for _, it := range s.items {
		if !it.exclude {
			return false
		}
	}
	for _, p := range jdkPackages {
		if strings.HasPrefix(class, p) {
			return false
		}
	}
	return true
}

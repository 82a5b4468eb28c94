package classpath

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"dvmlab/core/classfile"
)

// Finder is anything that yields class bytes by internal name: a Source, a
// Path, or an in-memory set of classes under rewrite.
type Finder interface {
	Find(name string) ([]byte, error)
}

// Hierarchy answers superclass and interface questions from class files,
// reading only their headers and never loading anything into a JVM. It is
// safe for concurrent use and caches what it reads.
type Hierarchy struct {
	finders []Finder
	mu      sync.Mutex
	cache   map[string]*classfile.ClassHeader
}

// NewHierarchy searches the finders in order, first hit wins.
func NewHierarchy(finders ...Finder) *Hierarchy {
	return &Hierarchy{finders: finders, cache: map[string]*classfile.ClassHeader{}}
}

// MissingClassError names a class the hierarchy needed and could not find.
type MissingClassError struct {
	Name string
	Err  error
}

func (e *MissingClassError) Error() string {
	return fmt.Sprintf("class %s not found on the hierarchy's path: %v", e.Name, e.Err)
}

func (e *MissingClassError) Unwrap() error { return e.Err }

// Header returns the header of class name (internal or binary).
func (h *Hierarchy) Header(name string) (*classfile.ClassHeader, error) {
	name = InternalName(name)
	h.mu.Lock()
	hd, ok := h.cache[name]
	h.mu.Unlock()
	if ok {
		if hd == nil {
			return nil, &MissingClassError{Name: name, Err: fmt.Errorf("not found")}
		}
		return hd, nil
	}
	var lastErr error = fmt.Errorf("no sources")
	for _, f := range h.finders {
		data, err := f.Find(name)
		if errors.Is(err, fs.ErrNotExist) {
			lastErr = err
			continue
		}
		if err != nil {
			// Present but unreadable: a later source's copy would hide it.
			return nil, err
		}
		hd, err = classfile.ParseHeader(data)
		if err != nil {
			return nil, fmt.Errorf("class %s: %w", name, err)
		}
		break
	}
	h.mu.Lock()
	h.cache[name] = hd
	h.mu.Unlock()
	if hd == nil {
		return nil, &MissingClassError{Name: name, Err: lastErr}
	}
	return hd, nil
}

// SuperClass returns the direct superclass of name, "" for java/lang/Object.
func (h *Hierarchy) SuperClass(name string) (string, error) {
	hd, err := h.Header(name)
	if err != nil {
		return "", err
	}
	return hd.Super, nil
}

// IsInterface reports whether name is an interface.
func (h *Hierarchy) IsInterface(name string) (bool, error) {
	hd, err := h.Header(name)
	if err != nil {
		return false, err
	}
	return hd.Access.Has(classfile.AccInterface), nil
}

// IsAssignable reports whether class from can be assigned to class to: to is
// from or one of its superclasses or superinterfaces.
func (h *Hierarchy) IsAssignable(to, from string) (bool, error) {
	seen := map[string]bool{}
	var walk func(n string) (bool, error)
	walk = func(n string) (bool, error) {
		if n == to {
			return true, nil
		}
		if n == "" || seen[n] {
			return false, nil
		}
		seen[n] = true
		hd, err := h.Header(n)
		if err != nil {
			return false, err
		}
		for _, i := range hd.Interfaces {
			if ok, err := walk(i); ok || err != nil {
				return ok, err
			}
		}
		return walk(hd.Super)
	}
	return walk(from)
}

// Classes is a Finder over class bytes held in memory, keyed by internal
// name: the classes of a jar or directory being rewritten.
type Classes map[string][]byte

// Find implements Finder.
func (c Classes) Find(name string) ([]byte, error) {
	if b, ok := c[name]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
}

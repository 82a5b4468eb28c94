// Package classpath finds class files: in directory trees, jars, JDK jmods,
// the JDK itself, single class files, and ordered lists of those.
//
// Every Source names classes by internal name (JVMS §4.2.1, "java/lang/String")
// and also accepts binary names ("java.lang.String") on lookup. Find and Walk
// may be called from many goroutines at once; Close must not race with them.
package classpath

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A Source yields class files by name and can list them.
type Source interface {
	// Find returns the bytes of the named class; it accepts internal (a/b/C)
	// or binary (a.b.C) names. When the class is absent the error wraps
	// fs.ErrNotExist (it is a *NotFoundError).
	Find(name string) ([]byte, error)
	// Names lists the internal names of all classes in the source, sorted.
	// The slice is the caller's to keep or modify.
	Names() ([]string, error)
	// Walk calls fn for every class in name order (the order of Names) with
	// its bytes, and stops at the first error, which it returns. The bytes are
	// fn's to keep.
	Walk(fn func(name string, data []byte) error) error
	// String says what kind of source this is and where, e.g. "jar /a/b.jar".
	String() string
	Close() error
}

// MaxClassSize bounds the bytes read for one class. A class file's counts are
// all u2, so real classes stay far below this; anything larger is a zip bomb
// or not a class file, and reading it would only exhaust memory.
const MaxClassSize = 64 << 20

// NotFoundError reports a class that a source does not contain.
type NotFoundError struct {
	Name   string // internal name
	Source string // the String() of the source searched
	Reason string // set when the name itself can never be found, e.g. "not a valid class name"
}

func (e *NotFoundError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("class %q not found in %s: %s", e.Name, e.Source, e.Reason)
	}
	return fmt.Sprintf("class %s not found in %s", e.Name, e.Source)
}

// Unwrap lets callers test absence with errors.Is(err, fs.ErrNotExist) without
// knowing this package, the same test they use for files.
func (e *NotFoundError) Unwrap() error { return fs.ErrNotExist }

// EntryError reports a class that a source contains but cannot deliver.
type EntryError struct {
	Source string // the String() of the source
	Entry  string // the file or archive entry, as named inside the source
	Err    error
}

func (e *EntryError) Error() string { return e.Source + ": " + e.Entry + ": " + e.Err.Error() }
func (e *EntryError) Unwrap() error { return e.Err }

// InternalName turns a binary name (a.b.C) into an internal one (a/b/C).
// Internal names cannot contain '.', since each of their identifiers is an
// unqualified name (JVMS §4.2.2), so the rewrite is unambiguous.
func InternalName(name string) string {
	return strings.ReplaceAll(name, ".", "/")
}

// classPath is the relative slash path a class of the given internal name
// lives at, or "" when no file could hold it: fs.ValidPath rules out empty,
// "." and ".." elements, so a name can never escape a directory source.
func classPath(name string) string {
	p := InternalName(name) + ".class"
	if name == "" || strings.HasSuffix(p, "/.class") || !fs.ValidPath(p) {
		return ""
	}
	return p
}

// versionsDir holds the release-specific classes of a multi-release jar (JAR
// File Specification, "Multi-release JAR files"); sources report only the base
// classes, which every Java release sees.
const versionsDir = "META-INF/versions/"

// className is the internal name of the class at the relative slash path p,
// or false when p is not a base-release class file. A path with a '.' before
// ".class" is skipped: no internal name contains one, so no JVM could load it
// under that name, and Find, which reads '.' as a package separator, could
// never reach it.
func className(p string) (string, bool) {
	name, ok := strings.CutSuffix(p, ".class")
	if !ok || name == "" || strings.HasSuffix(name, "/") || strings.Contains(name, ".") ||
		strings.HasPrefix(p, versionsDir) || !fs.ValidPath(p) {
		return "", false
	}
	return name, true
}

// Open opens path as the kind of source it is: a directory tree, a jar or
// zip, a jmod, or a single class file. The file name's extension decides;
// without a known one, the first bytes do.
func Open(path string) (Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nilIfErr(OpenDir(path))
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jar", ".zip", ".war", ".ear":
		return nilIfErr(OpenJar(path))
	case ".jmod":
		return nilIfErr(OpenJmod(path))
	case ".class":
		return nilIfErr(OpenClass(path))
	}
	magic, err := readMagic(path)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(magic, []byte("PK\x03\x04")), bytes.HasPrefix(magic, []byte("PK\x05\x06")):
		return nilIfErr(OpenJar(path))
	case bytes.HasPrefix(magic, jmodMagic):
		return nilIfErr(OpenJmod(path))
	case bytes.HasPrefix(magic, []byte{0xCA, 0xFE, 0xBA, 0xBE}):
		return nilIfErr(OpenClass(path))
	}
	return nil, fmt.Errorf("%s: not a directory, jar, jmod or class file (first bytes % x)", path, magic)
}

// nilIfErr keeps a failed open from returning a non-nil Source holding a nil
// pointer, which callers would mistake for an open source.
func nilIfErr[S Source](s S, err error) (Source, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

func readMagic(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 4)
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b[:n], nil
}

// readFileBounded reads a regular file of at most MaxClassSize bytes, reading
// no more than that even if the file grows while we read it.
func readFileBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() > MaxClassSize {
		return nil, fmt.Errorf("%s: %d bytes, over the %d-byte limit for a class file", path, st.Size(), MaxClassSize)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxClassSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxClassSize {
		return nil, fmt.Errorf("%s: grew past the %d-byte limit for a class file while being read", path, MaxClassSize)
	}
	return data, nil
}

// walkNames is Walk for sources whose Find is cheap per name.
func walkNames(s Source, fn func(string, []byte) error) error {
	names, err := s.Names()
	if err != nil {
		return err
	}
	for _, n := range names {
		data, err := s.Find(n)
		if err != nil {
			return err
		}
		if err := fn(n, data); err != nil {
			return err
		}
	}
	return nil
}

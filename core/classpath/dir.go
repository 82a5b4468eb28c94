package classpath

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Dir is a directory tree of class files laid out by package
// (root/java/lang/String.class), as javac -d writes them. Nothing is cached:
// Names walks the tree and Find reads the file each time, so a Dir sees
// classes written after it was opened.
type Dir struct {
	root string
}

// OpenDir opens a directory tree of class files.
func OpenDir(path string) (*Dir, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dir: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("dir %s: not a directory", path)
	}
	return &Dir{root: path}, nil
}

// Path is the root of the tree.
func (d *Dir) Path() string { return d.root }

func (d *Dir) Find(name string) ([]byte, error) {
	p := classPath(name)
	if p == "" {
		return nil, &NotFoundError{Name: name, Source: d.String(), Reason: "not a valid class name"}
	}
	file := filepath.Join(d.root, filepath.FromSlash(p))
	data, err := readFileBounded(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{Name: InternalName(name), Source: d.String()}
	}
	if err != nil {
		return nil, &EntryError{Source: d.String(), Entry: p, Err: err}
	}
	return data, nil
}

// Names walks the tree. Symbolic links to directories are not followed, which
// keeps a link cycle from making the walk endless.
func (d *Dir) Names() ([]string, error) {
	var names []string
	err := filepath.WalkDir(d.root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(d.root, path)
		if err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		if name, ok := className(filepath.ToSlash(rel)); ok {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}

// Walk reads the classes in name order.
func (d *Dir) Walk(fn func(name string, data []byte) error) error { return walkNames(d, fn) }

func (d *Dir) String() string { return "dir " + d.root }

// Close does nothing; a Dir holds no open files.
func (d *Dir) Close() error { return nil }

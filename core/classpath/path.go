package classpath

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Path is an ordered list of sources searched as a JVM searches its class
// path: the first source holding a class wins.
type Path []Source

// ParsePath opens each entry of a class path list, separated as the
// platform's class paths are (':' here): directories, jars, jmods, single
// class files. "jdk" or "jrt" stands for OpenJDK(""), so a directory of that
// name must be written "./jdk". As with java -cp, "dir/*" means every .jar in
// dir, in name order. Empty entries are skipped rather than read as the
// current directory, which is what java does with them and rarely what was
// meant.
func ParsePath(list string) (Path, error) {
	var p Path
	fail := func(i int, entry string, err error) (Path, error) {
		p.Close()
		return nil, fmt.Errorf("class path entry %d (%q): %w", i+1, entry, err)
	}
	for i, entry := range filepath.SplitList(list) {
		switch {
		case entry == "":
			continue
		case entry == "jdk" || entry == "jrt":
			j, err := OpenJDK("")
			if err != nil {
				return fail(i, entry, err)
			}
			p = append(p, j)
		case entry == "*" || strings.HasSuffix(entry, string(filepath.Separator)+"*"):
			jars, err := wildcardJars(strings.TrimSuffix(entry, "*"))
			if err != nil {
				return fail(i, entry, err)
			}
			for _, f := range jars {
				j, err := OpenJar(f)
				if err != nil {
					return fail(i, entry, err)
				}
				p = append(p, j)
			}
		default:
			s, err := Open(entry)
			if err != nil {
				return fail(i, entry, err)
			}
			p = append(p, s)
		}
	}
	return p, nil
}

// wildcardJars lists the jars a "dir/*" class path entry stands for; like
// java, it takes .jar and .JAR files only and does not descend.
func wildcardJars(dir string) ([]string, error) {
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var jars []string
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); (ext == ".jar" || ext == ".JAR") && !e.IsDir() {
			jars = append(jars, filepath.Join(dir, e.Name()))
		}
	}
	return jars, nil
}

// Find returns the class from the first source that has it. A source that
// has the class but fails to read it ends the search with its error, rather
// than letting a later source's copy of the class silently stand in.
func (p Path) Find(name string) ([]byte, error) {
	for _, s := range p {
		data, err := s.Find(name)
		if err == nil {
			return data, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return nil, &NotFoundError{Name: InternalName(name), Source: p.String()}
}

// Names is the union of the sources' names, each once, sorted.
func (p Path) Names() ([]string, error) {
	owners, err := p.owners()
	if err != nil {
		return nil, err
	}
	return sortedKeys(owners), nil
}

// owners maps every class name to the index of the first source that lists it.
func (p Path) owners() (map[string]int, error) {
	owners := make(map[string]int)
	for i, s := range p {
		names, err := s.Names()
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if _, dup := owners[n]; !dup {
				owners[n] = i
			}
		}
	}
	return owners, nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Walk reads every class of the union in name order, each from the source
// that Find would take it from.
func (p Path) Walk(fn func(name string, data []byte) error) error {
	owners, err := p.owners()
	if err != nil {
		return err
	}
	for _, n := range sortedKeys(owners) {
		data, err := p[owners[n]].Find(n)
		if err != nil {
			return err
		}
		if err := fn(n, data); err != nil {
			return err
		}
	}
	return nil
}

func (p Path) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = s.String()
	}
	return "path [" + strings.Join(parts, ", ") + "]"
}

// Close closes every source, even after one fails, and reports all failures.
func (p Path) Close() error {
	var errs []error
	for _, s := range p {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

var (
	_ Source = (*Dir)(nil)
	_ Source = (*Jar)(nil)
	_ Source = (*Jmod)(nil)
	_ Source = (*JDK)(nil)
	_ Source = (*ClassFile)(nil)
	_ Source = Path(nil)
)

package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"dvmlab/core/classpath"
)

// checkInput checks, before any work, that in exists and holds classes: an
// empty directory, or a jar with no class in it, is an error rather than a
// silent success. It reports whether in is a directory.
func checkInput(in string) (isDir bool, err error) {
	st, err := os.Stat(in)
	if err != nil {
		return false, pathError(in, err)
	}
	if strings.HasSuffix(in, ".class") && !st.IsDir() {
		return false, nil // parsed (and its faults reported) by the command itself
	}
	src, err := openSource(in)
	if err != nil {
		return false, err
	}
	src.Close()
	return st.IsDir(), nil
}

// openSource opens a class container and refuses one with no classes;
// "jdk", unless a file has that name, is the running JDK's classes.
func openSource(in string) (classpath.Source, error) {
	var src classpath.Source
	var err error
	if _, statErr := os.Stat(in); in == "jdk" && statErr != nil {
		src, err = classpath.OpenJDK("")
	} else {
		src, err = classpath.Open(in)
	}
	if err != nil {
		return nil, pathError(in, err)
	}
	names, err := src.Names()
	if err != nil {
		src.Close()
		return nil, err
	}
	if len(names) == 0 {
		src.Close()
		return nil, fmt.Errorf("%s: no class files in it", in)
	}
	return src, nil
}

// pathError words a file-system error as "PATH: why" without the
// operation's name ("stat", "open") that Go puts first.
func pathError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", path, pe.Err)
	}
	if strings.Contains(err.Error(), path) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

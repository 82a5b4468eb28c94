package datasets

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"dvmlab/core/classpath"
)

// manifestClassPath returns the Class-Path entries of a jar's manifest,
// resolved as the JDK's URLClassPath resolves them: relative entries against
// the directory the jar was named in (not its symlink target, which the JVM
// never looks at). A jar without a manifest or without the attribute has no
// entries; an unreadable jar is an error.
func manifestClassPath(jar string) ([]string, error) {
	zr, err := zip.OpenReader(jar)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, "META-INF/MANIFEST.MF") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", jar, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: manifest: %v", jar, err)
		}
		// Entries are URLs relative to the jar's own (%-escapes, '/'),
		// resolved as classpath resolves them for the rewriter.
		var out []string
		for _, e := range classpath.ManifestClassPath(data) {
			if f := classpath.ResolveClassPathFile(jar, e); f != "" {
				out = append(out, filepath.Clean(f))
			}
		}
		return out, nil
	}
	return nil, nil
}

// manifestAttr finds a main-section attribute. Manifest lines are at most
// 72 bytes, so long values continue on lines starting with one space; those
// are joined before matching. Only the main section (up to the first blank
// line) counts: per-entry sections may repeat attribute names.
func manifestAttr(text, name string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	main, _, _ := strings.Cut(text, "\n\n")
	main = strings.ReplaceAll(main, "\n ", "")
	for _, line := range strings.Split(main, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// manifestClosure expands jars through their Class-Path attributes, depth
// first, in the order the JDK's application class loader searches them: a
// jar's entries come right after the jar, before the next jar named on the
// class path. Entries that do not exist are reported separately, since the
// JVM skips them silently.
func manifestClosure(jars []string) (present, absent []string, err error) {
	seen := map[string]bool{}
	var visit func(string) error
	visit = func(j string) error {
		if seen[j] {
			return nil
		}
		seen[j] = true
		if _, err := os.Stat(j); err != nil {
			absent = append(absent, j)
			return nil
		}
		present = append(present, j)
		entries, err := manifestClassPath(j)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := visit(e); err != nil {
				return err
			}
		}
		return nil
	}
	for _, j := range jars {
		if err := visit(j); err != nil {
			return nil, nil, err
		}
	}
	return present, absent, nil
}

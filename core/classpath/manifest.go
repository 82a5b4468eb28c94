package classpath

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ManifestPath is where a jar keeps its manifest.
const ManifestPath = "META-INF/MANIFEST.MF"

// MainAttributes returns the main section of a jar manifest, attribute
// names as written; continuation lines (a leading space) are joined. See the
// JAR File Specification, "Manifest Specification".
func MainAttributes(manifest []byte) map[string]string {
	out := map[string]string{}
	manifest = bytes.ReplaceAll(manifest, []byte("\r\n"), []byte("\n"))
	manifest = bytes.ReplaceAll(manifest, []byte("\r"), []byte("\n"))
	var key string
	for _, line := range strings.Split(string(manifest), "\n") {
		if line == "" {
			break // the main section ends at the first blank line
		}
		if line[0] == ' ' {
			if key != "" {
				out[key] += line[1:]
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			key = ""
			continue
		}
		key = strings.TrimSpace(k)
		out[key] = strings.TrimPrefix(v, " ")
	}
	return out
}

// attr looks an attribute up case-insensitively, as the JDK's
// java.util.jar.Attributes.Name does.
func attr(m map[string]string, name string) string {
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// ManifestClassPath returns the Class-Path attribute's entries: relative
// URLs, separated by spaces, resolved against the jar's own location.
func ManifestClassPath(manifest []byte) []string {
	return strings.Fields(attr(MainAttributes(manifest), "Class-Path"))
}

// IsMultiRelease reports whether the manifest says Multi-Release: true, the
// condition for a JVM to look under META-INF/versions/ at all.
func IsMultiRelease(manifest []byte) bool {
	return strings.EqualFold(strings.TrimSpace(attr(MainAttributes(manifest), "Multi-Release")), "true")
}

// ResolveClassPathFile resolves one Class-Path entry against the file the
// jar was read from, as a JVM resolves it against the jar's URL: a relative
// URL with '/' separators and %-escapes, or an absolute file: URL. It
// returns "" for entries no local file can answer (other schemes).
func ResolveClassPathFile(jarPath, entry string) string {
	u, err := url.Parse(entry)
	if err != nil {
		return ""
	}
	switch {
	case u.Scheme == "file":
		return filepath.FromSlash(u.Path)
	case u.Scheme != "" || u.Host != "":
		return ""
	case strings.HasPrefix(u.Path, "/"):
		return filepath.FromSlash(u.Path)
	}
	return filepath.Join(filepath.Dir(jarPath), filepath.FromSlash(path.Clean(u.Path)))
}

// VersionedEntry splits a multi-release jar entry
// (META-INF/versions/N/p/C.class) into its release N and the path it
// stands for at that release; base entries give release 0 and their name.
func VersionedEntry(name string) (release int, rest string) {
	r, ok := strings.CutPrefix(name, "META-INF/versions/")
	if !ok {
		return 0, name
	}
	num, rest, ok := strings.Cut(r, "/")
	if !ok || num == "" {
		return 0, name
	}
	n := 0
	for _, c := range num {
		if c < '0' || c > '9' || n > 1<<20 {
			return 0, name
		}
		n = n*10 + int(c-'0')
	}
	if n < 9 {
		// Releases before 9 are not versions the JDK looks up.
		return 0, name
	}
	return n, rest
}

// OpenManifestClassPath opens the jars a jar's manifest names in its
// Class-Path, and those their manifests name in turn, once each, in the
// order a JVM searches them. Entries that name no readable jar are skipped,
// as the JVM skips them.
func OpenManifestClassPath(jarPath string) (Path, error) {
	var out Path
	seen := map[string]bool{}
	if abs, err := filepath.Abs(jarPath); err == nil {
		seen[abs] = true
	}
	var visit func(string) error
	visit = func(p string) error {
		man, err := readManifest(p)
		if err != nil || man == nil {
			return nil
		}
		for _, e := range ManifestClassPath(man) {
			f := ResolveClassPathFile(p, e)
			if f == "" {
				continue
			}
			abs, err := filepath.Abs(f)
			if err != nil || seen[abs] {
				continue
			}
			seen[abs] = true
			var s Source
			if st, err := os.Stat(abs); err != nil {
				continue
			} else if st.IsDir() {
				if s, err = OpenDir(abs); err != nil {
					continue
				}
			} else if j, err := OpenJar(abs); err == nil {
				s = j
			} else {
				continue
			}
			out = append(out, s)
			if _, ok := s.(*Jar); ok {
				if err := visit(abs); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := visit(jarPath); err != nil {
		out.Close()
		return nil, err
	}
	return out, nil
}

// readManifest returns a jar's manifest, or nil when it has none.
func readManifest(jarPath string) ([]byte, error) {
	zr, err := zip.OpenReader(jarPath)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, ManifestPath) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(io.LimitReader(rc, 1<<20))
		}
	}
	return nil, nil
}

// ReleaseClasses returns, for a multi-release jar (its manifest says
// Multi-Release: true), the classes under META-INF/versions/N/ by release N
// and internal name; nil for any other jar. See the JAR File Specification,
// "Multi-release JAR files".
func ReleaseClasses(jarPath string) (map[int]Classes, error) {
	zr, err := zip.OpenReader(jarPath)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	man := readZipEntry(&zr.Reader, ManifestPath)
	if man == nil || !IsMultiRelease(man) {
		return nil, nil
	}
	out := map[int]Classes{}
	for _, f := range zr.File {
		rel, rest := VersionedEntry(f.Name)
		if rel == 0 || f.FileInfo().IsDir() {
			continue
		}
		name, ok := className(rest)
		if !ok || name == "module-info" {
			continue
		}
		if f.UncompressedSize64 > MaxClassSize {
			return nil, &EntryError{Source: "jar " + jarPath, Entry: f.Name, Err: fmt.Errorf("declared size %d over the %d-byte limit", f.UncompressedSize64, MaxClassSize)}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &EntryError{Source: "jar " + jarPath, Entry: f.Name, Err: err}
		}
		data, err := io.ReadAll(io.LimitReader(rc, MaxClassSize))
		rc.Close()
		if err != nil {
			return nil, &EntryError{Source: "jar " + jarPath, Entry: f.Name, Err: err}
		}
		if out[rel] == nil {
			out[rel] = Classes{}
		}
		out[rel][name] = data
	}
	return out, nil
}

func readZipEntry(zr *zip.Reader, name string) []byte {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			rc, err := f.Open()
			if err != nil {
				return nil
			}
			defer rc.Close()
			b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
			return b
		}
	}
	return nil
}

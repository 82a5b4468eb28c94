package proxy

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"dvmlab/core/bytecode"
	"dvmlab/core/classpath"
)

// maxClassPathJars bounds the jars one manifest's Class-Path may make the
// proxy fetch, transitively.
const maxClassPathJars = 64

// manifestClassPath fetches, from the origin and not through any cache, the
// jars a jar's manifest names in its Class-Path, resolved against the jar's
// URL as a JVM resolves them, and those their manifests name in turn: the
// classes the jar's code refers to, which frame computation needs. Jars
// that cannot be fetched are left out, as a JVM leaves them out.
func (px *Proxy) manifestClassPath(jarURL *url.URL, body []byte) []classpath.Finder {
	var out []classpath.Finder
	seen := map[string]bool{jarURL.String(): true}
	var visit func(base *url.URL, body []byte)
	visit = func(base *url.URL, body []byte) {
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return
		}
		man := readZipEntry(zr, classpath.ManifestPath, 1<<20)
		for _, e := range classpath.ManifestClassPath(man) {
			ref, err := url.Parse(e)
			if err != nil {
				continue
			}
			u := base.ResolveReference(ref)
			if u.Scheme != "http" || !strings.HasSuffix(u.Path, ".jar") || seen[u.String()] || len(seen) > maxClassPathJars {
				continue
			}
			seen[u.String()] = true
			data, err := px.fetch(u.String(), MaxJarBytes)
			if err != nil {
				px.logf("%s: Class-Path %s: %v", jarURL, u, err)
				continue
			}
			zj, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				continue
			}
			out = append(out, zipClasses{zj})
			visit(u, data)
		}
	}
	visit(jarURL, body)
	return out
}

func (px *Proxy) fetch(u string, limit int64) ([]byte, error) {
	resp, err := px.Client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, err
}

func readZipEntry(zr *zip.Reader, name string, limit int64) []byte {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			rc, err := f.Open()
			if err != nil {
				return nil
			}
			defer rc.Close()
			b, _ := io.ReadAll(io.LimitReader(rc, limit))
			return b
		}
	}
	return nil
}

// zipClasses finds classes in a jar held in memory, at their package paths.
type zipClasses struct{ zr *zip.Reader }

func (z zipClasses) Find(name string) ([]byte, error) {
	f, err := z.zr.Open(classpath.InternalName(name) + ".class")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, classpath.MaxClassSize))
}

// sessionPaths remembers, per session, the URLs the launcher named as the
// application (its class path), for classes frame computation misses.
type sessionPaths struct {
	mu    sync.Mutex
	m     map[string][]string
	order []string
}

// maxSessionPaths bounds the sessions remembered; the oldest go first.
const maxSessionPaths = 4096

func (s *sessionPaths) set(session string, path []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]string{}
	}
	if len(s.order) >= maxSessionPaths {
		delete(s.m, s.order[0])
		s.order = s.order[1:]
	}
	s.m[session] = path
	s.order = append(s.order, session)
}

func (s *sessionPaths) get(session string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[session]
}

// applicationClasses is the rest of a session's application, fetched from
// the origin: its other jars (and the jars their manifests name) and class
// directories, everything but the URL under rewrite itself.
func (px *Proxy) applicationClasses(session, self string) []classpath.Finder {
	var out []classpath.Finder
	for _, p := range px.paths.get(session) {
		if p == self {
			continue
		}
		u, err := url.Parse(p)
		if err != nil || u.Scheme != "http" {
			continue
		}
		switch {
		case strings.HasSuffix(u.Path, "/"):
			out = append(out, &originClasses{base: u.String(), client: px.Client})
		case strings.HasSuffix(u.Path, ".jar"):
			data, err := px.fetch(u.String(), MaxJarBytes)
			if err != nil {
				continue
			}
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				continue
			}
			out = append(out, zipClasses{zr})
			out = append(out, px.manifestClassPath(u, data)...)
		}
	}
	return out
}

// missingIn reports whether any error is frame computation short of classes.
func missingIn(errs []error) bool {
	for _, e := range errs {
		var miss *bytecode.MissingClassesError
		if errors.As(e, &miss) {
			return true
		}
	}
	return false
}

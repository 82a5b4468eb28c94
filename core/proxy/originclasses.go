package proxy

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"dvmlab/core/classpath"
)

// originClasses answers hierarchy questions for one class-at-a-time
// application by fetching its other classes from the same origin directory
// (directly, headers only are parsed), so frames merge two application
// classes at their real common superclass instead of java/lang/Object.
type originClasses struct {
	base   string // URL of the application's class directory, ending in /
	client *http.Client
}

func (o *originClasses) Find(name string) ([]byte, error) {
	resp, err := o.client.Get(o.base + name + ".class")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("%s at %s: %w", name, o.base, fs.ErrNotExist)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s at %s: %s", name, o.base, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, MaxClassBytes))
}

// hierarchies keeps one hierarchy per application directory, so each class
// of the application is fetched for hierarchy questions at most once.
type hierarchies struct {
	mu sync.Mutex
	m  map[string]*classpath.Hierarchy
}

// forClass returns the hierarchy for the class at url, whose internal name
// is name, or nil when the URL does not end in the class's own path.
func (h *hierarchies) forClass(url, name string, client *http.Client, rest []classpath.Finder) *classpath.Hierarchy {
	base, ok := strings.CutSuffix(url, name+".class")
	if !ok || !strings.HasSuffix(base, "/") {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]*classpath.Hierarchy{}
	}
	if x, ok := h.m[base]; ok {
		return x
	}
	x := classpath.NewHierarchy(append([]classpath.Finder{&originClasses{base: base, client: client}}, rest...)...)
	h.m[base] = x
	return x
}

package proxy

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"dvmlab/core/netsim"
)

// Origin serves the files under a directory — classes, jars, resources — as
// the paper's origin servers do, optionally through a shaped link so that
// experiments can reproduce a modem or a LAN.
type Origin struct {
	Dir  string
	Link netsim.Link
}

func (o *Origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "origin serves GET and HEAD only", http.StatusMethodNotAllowed)
		return
	}
	clean := filepath.Clean("/" + r.URL.Path)
	p := filepath.Join(o.Dir, filepath.FromSlash(clean))
	f, err := os.Open(p)
	if err != nil {
		http.Error(w, "not found: "+clean, http.StatusNotFound)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		http.Error(w, "not a file: "+clean, http.StatusNotFound)
		return
	}
	switch {
	case strings.HasSuffix(p, ".class"):
		w.Header().Set("Content-Type", "application/java-vm")
	case strings.HasSuffix(p, ".jar"):
		w.Header().Set("Content-Type", "application/java-archive")
	}
	sw := &shapedResponse{ResponseWriter: w}
	sw.shaped = o.Link.Writer(r.Context(), struct{ flushWriter }{flushWriter{w}})
	http.ServeContent(sw, r, st.Name(), st.ModTime(), f)
}

// shapedResponse sends the body through the link's pacing.
type shapedResponse struct {
	http.ResponseWriter
	shaped interface{ Write([]byte) (int, error) }
}

func (s *shapedResponse) Write(p []byte) (int, error) { return s.shaped.Write(p) }

type flushWriter struct{ w http.ResponseWriter }

func (f flushWriter) Write(p []byte) (int, error) { return f.w.Write(p) }
func (f flushWriter) Flush() {
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
}

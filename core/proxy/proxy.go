// Package proxy is the DVM's network proxy (paper §2, §3): an HTTP forward
// proxy that passes everything through except class files and jars, which it
// parses once, runs through the site's static services and emits once. It
// caches what it emits and never lets bad input take it down.
package proxy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"dvmlab/core/classfile"
	"dvmlab/core/service"
)

// Limits on what the proxy reads from an origin.
const (
	MaxClassBytes = 16 << 20
	MaxJarBytes   = 512 << 20
)

// Proxy is the forward proxy. Config names the pipeline in cache keys.
type Proxy struct {
	Pipeline *service.Pipeline
	Config   string
	Cache    *Cache
	Client   *http.Client
	Log      *log.Logger

	Requests, Rewritten, Hits, Failures atomic.Int64
}

// New makes a proxy running p, caching in cache.
func New(p *service.Pipeline, cache *Cache) *Proxy {
	cfg := p.String()
	if p.RecomputeFrames {
		cfg += "+frames"
	}
	return &Proxy{Pipeline: p, Config: cfg, Cache: cache, Client: &http.Client{Timeout: 5 * time.Minute}}
}

func (px *Proxy) logf(format string, args ...any) {
	if px.Log != nil {
		px.Log.Printf(format, args...)
	}
}

func (px *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	px.Requests.Add(1)
	if r.Method == http.MethodConnect {
		http.Error(w, "tunnelling (HTTPS) is not supported: the proxy rewrites class files over plain HTTP", http.StatusMethodNotAllowed)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "this is a forward proxy: request an absolute http:// URL", http.StatusBadRequest)
		return
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for k, vs := range r.Header {
		if !hopByHop[http.CanonicalHeaderKey(k)] {
			out.Header[k] = vs
		}
	}
	resp, err := px.Client.Do(out)
	if err != nil {
		px.Failures.Add(1)
		http.Error(w, "origin unreachable: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	kind := ""
	switch p := strings.ToLower(r.URL.Path); {
	case strings.HasSuffix(p, ".class"):
		kind = "class"
	case strings.HasSuffix(p, ".jar"):
		kind = "jar"
	}
	if kind == "" || r.Method != http.MethodGet || resp.StatusCode != http.StatusOK {
		copyHeaders(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
		return
	}
	limit := int64(MaxClassBytes)
	if kind == "jar" {
		limit = MaxJarBytes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		px.Failures.Add(1)
		http.Error(w, "reading from origin: "+err.Error(), http.StatusBadGateway)
		return
	}
	if int64(len(body)) > limit {
		px.Failures.Add(1)
		http.Error(w, fmt.Sprintf("%s larger than the proxy's %d-byte limit", kind, limit), http.StatusBadGateway)
		return
	}
	var data []byte
	var hit bool
	key := Key(body, px.Config)
	if kind == "class" {
		data, hit, err = px.Cache.Do(key, func() ([]byte, error) { return px.rewriteClass(r.URL.Path, body), nil })
	} else {
		data, hit, err = px.Cache.Do(key, func() ([]byte, error) { return px.rewriteJar(r.URL.Path, body) })
	}
	if err != nil {
		px.Failures.Add(1)
		http.Error(w, fmt.Sprintf("%s: %v", r.URL.Path, err), http.StatusBadGateway)
		return
	}
	if hit {
		px.Hits.Add(1)
	} else {
		px.Rewritten.Add(1)
	}
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.Header().Set("X-Dvmlab-Cache", map[bool]string{true: "hit", false: "miss"}[hit])
	w.Header().Set("X-Dvmlab-Services", px.Config)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.Write(data)
}

// rewriteClass runs the pipeline; a class it cannot accept is replaced by
// one that throws the error the JVM would throw, naming our reason.
func (px *Proxy) rewriteClass(urlPath string, body []byte) []byte {
	res, err := px.Pipeline.Process(body)
	if err == nil {
		return res.Out
	}
	px.Failures.Add(1)
	name := strings.TrimSuffix(strings.TrimPrefix(urlPath, "/"), ".class")
	if h, herr := classfile.ParseHeader(body); herr == nil {
		name = h.Name
	} else {
		name = path.Base(name)
	}
	errClass := "java/lang/VerifyError"
	var fe *classfile.FormatError
	if errors.As(err, &fe) {
		errClass = "java/lang/ClassFormatError"
	}
	px.logf("%s: %v; serving a class that throws %s", name, err, errClass)
	out, rerr := Replacement(name, errClass, "dvmlab proxy: "+err.Error())
	if rerr != nil {
		return body
	}
	return out
}

func (px *Proxy) rewriteJar(urlPath string, body []byte) ([]byte, error) {
	var buf bytes.Buffer
	st, err := px.Pipeline.RewriteJar(bytes.NewReader(body), int64(len(body)), &buf, nil)
	if err != nil {
		return nil, fmt.Errorf("malformed jar: %w", err)
	}
	for _, e := range st.Errors {
		px.logf("%s: %v (left unchanged)", urlPath, e)
	}
	for _, d := range st.Dropped {
		px.logf("%s: dropped %s: the jar's signature no longer matches its rewritten classes", urlPath, d)
	}
	return buf.Bytes(), nil
}

var hopByHop = map[string]bool{"Connection": true, "Proxy-Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true}

func copyHeaders(dst, src http.Header) {
	for k, vs := range src {
		if !hopByHop[k] {
			dst[k] = vs
		}
	}
}

// Package proxy is the DVM's network proxy (paper §2, §3): an HTTP forward
// proxy that passes everything through except class files and jars, which it
// parses once, runs through the site's static services and emits once. It
// caches what it emits and never lets bad input take it down.
package proxy

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	dvmruntime "dvmlab/core/runtime"
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
	Audit    *Audit         // nil: no audit trail
	Signer   *Signer        // nil: nothing is signed
	Monitor  *MonitorServer // nil: one over Audit and Signer, made on first use

	monitorOnce sync.Once

	Security *SecurityServer // nil: no security server (security.go)

	apps   hierarchies
	paths  sessionPaths
	arches sync.Map // session -> the os.arch its handshake reported
	native nativeServices

	Requests, Rewritten, Hits, Failures atomic.Int64
}

// New makes a proxy running p, caching in cache, signing with signer
// (which may be nil).
func New(p *service.Pipeline, cache *Cache, signer *Signer) *Proxy {
	cfg := p.String()
	if p.RecomputeFrames {
		cfg += "+frames"
	}
	if x := p.Exclude.String(); x != "" {
		cfg += "+exclude:" + x
	}
	if signer != nil {
		cfg += "+signed:" + signer.Fingerprint()
	}
	return &Proxy{Pipeline: p, Config: cfg, Cache: cache, Signer: signer, Client: &http.Client{Timeout: 5 * time.Minute}}
}

func (px *Proxy) logf(format string, args ...any) {
	if px.Log != nil {
		px.Log.Printf(format, args...)
	}
}

func (px *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	px.Requests.Add(1)
	if r.URL.Host == HandshakeHost {
		px.handshake(w, r)
		return
	}
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
	t0 := time.Now()
	ev := Event{Time: t0, Session: r.Header.Get(SessionHeader), Client: r.RemoteAddr, URL: r.URL.String(),
		Kind: kind, Services: px.Config, BytesIn: len(body)}
	// The services for this client: an architecture-specific one (compile)
	// drops out for a client whose architecture it cannot serve.
	pipe, cfg, archNote := px.forClient(ev.Session)
	key := Key(body, cfg)
	detail, replaced := "", false
	if kind == "class" {
		data, hit, err = px.Cache.Do(key, func() ([]byte, error) {
			out, why, repl := px.rewriteClass(pipe, r.URL.String(), r.URL.Path, ev.Session, body)
			detail, replaced = why, repl
			return out, nil
		})
	} else {
		data, hit, err = px.Cache.Do(key, func() ([]byte, error) {
			out, why, err := px.rewriteJar(pipe, r.URL, ev.Session, body)
			detail = why
			return out, err
		})
	}
	ev.Elapsed = time.Since(t0)
	if err != nil {
		px.Failures.Add(1)
		ev.Outcome, ev.Detail = "failed", err.Error()
		px.record(ev)
		http.Error(w, fmt.Sprintf("%s: %v", r.URL.Path, err), http.StatusBadGateway)
		return
	}
	ev.BytesOut = len(data)
	switch {
	case hit:
		px.Hits.Add(1)
		ev.Outcome = "cached"
	case replaced:
		px.Rewritten.Add(1)
		ev.Outcome, ev.Detail = "replaced", detail
	default:
		px.Rewritten.Add(1)
		ev.Outcome, ev.Detail = "rewritten", detail
	}
	if archNote != "" {
		ev.Detail = strings.TrimPrefix(ev.Detail+"; "+archNote, "; ")
	}
	px.record(ev)
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	if kind == "jar" && px.Signer != nil {
		w.Header().Set(SignatureHeader, px.Signer.SignBytes(data))
	}
	w.Header().Set("X-Dvmlab-Cache", map[bool]string{true: "hit", false: "miss"}[hit])
	w.Header().Set("X-Dvmlab-Services", px.Config)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.Write(data)
}

func (px *Proxy) record(e Event) {
	if px.Audit == nil {
		return
	}
	if err := px.Audit.Record(e); err != nil {
		px.logf("audit: %v", err)
	}
}

// HandshakeHost is the pseudo-host clients address to start a session; the
// proxy answers it itself. SessionHeader carries the session afterwards.
const (
	HandshakeHost = "dvmlab.proxy"
	SessionHeader = "X-Dvmlab-Session"
)

// handshake records who the client is (user, JVM, OS, architecture) and
// gives it a session id, as the DVM's clients introduce themselves.
func (px *Proxy) handshake(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/runtime/") {
		px.serveRuntime(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/security/") {
		px.serveSecurity(w, r)
		return
	}
	if r.URL.Path == MonitorPath || r.URL.Path == ConsolePath {
		px.monitorServer().ServeHTTP(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, NativePath) {
		px.serveNative(w, r)
		return
	}
	if r.URL.Path == "/runtime.jar" {
		px.serveRuntimeJar(w, r)
		return
	}
	if r.URL.Path != "/handshake" {
		http.Error(w, "unknown proxy service "+r.URL.Path, http.StatusNotFound)
		return
	}
	var id [8]byte
	rand.Read(id[:])
	q := r.URL.Query()
	s := Session{ID: hex.EncodeToString(id[:]), User: q.Get("user"), JVM: q.Get("jvm"), OS: q.Get("os"), Arch: q.Get("arch"),
		Client: r.RemoteAddr, Started: time.Now()}
	if px.Audit != nil {
		if err := px.Audit.StartSession(s); err != nil {
			px.logf("audit: %v", err)
		}
	}
	if path := q.Get("path"); path != "" {
		px.paths.set(s.ID, strings.Split(path, ","))
	}
	px.arches.Store(s.ID, s.Arch)
	px.logf("session %s: user %s, JVM %s, %s/%s, from %s", s.ID, s.User, s.JVM, s.OS, s.Arch, s.Client)
	fmt.Fprintf(w, "session=%s\nservices=%s\n", s.ID, px.Config)
	if px.Signer != nil {
		fmt.Fprintf(w, "key=%s\n", px.Signer.PublicKey())
	}
}

// serveRuntime hands out the client runtime's classes (the dynamic service
// components rewritten code calls), signed like everything else, so a
// client needs nothing but the launcher.
func (px *Proxy) serveRuntime(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/runtime/"), ".class")
	data, ok := dvmruntime.Classes()[name]
	if !ok || !dvmruntime.IsRuntimeClass(name) {
		http.Error(w, "no runtime class "+name, http.StatusNotFound)
		return
	}
	if px.Signer != nil {
		signed, err := px.Signer.SignClass(data)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		data = signed
	}
	px.logf("session %s: runtime class %s", r.Header.Get(SessionHeader), name)
	w.Header().Set("Content-Type", "application/java-vm")
	w.Write(data)
}

// serveRuntimeJar hands out the whole runtime but the launcher as one jar,
// signed beside it like an application's jar, for a launcher that puts it
// on the boot class path.
func (px *Proxy) serveRuntimeJar(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := dvmruntime.WriteServedJar(&buf); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if px.Signer != nil {
		w.Header().Set(SignatureHeader, px.Signer.SignBytes(buf.Bytes()))
	}
	px.logf("session %s: runtime jar", r.Header.Get(SessionHeader))
	w.Header().Set("Content-Type", "application/java-archive")
	w.Write(buf.Bytes())
}

// rewriteClass runs the pipeline. A class that is not a class file is
// replaced by one that throws the ClassFormatError the JVM would throw,
// naming our reason; a class the services cannot transform, which HotSpot
// would load, is served as it came. The second result says what was not
// done, for the audit trail, and replaced tells the two apart.
func (px *Proxy) rewriteClass(base *service.Pipeline, url, urlPath, session string, body []byte) (out []byte, why string, replaced bool) {
	p := base
	if h, herr := classfile.ParseHeader(body); herr == nil && p.Hierarchy == nil {
		if x := px.apps.forClass(url, h.Name, px.Client, p.Classpath); x != nil {
			p = p.With(x, p.Classpath)
		}
	}
	res, err := p.Process(body)
	var miss *bytecode.MissingClassesError
	if errors.As(err, &miss) && base.Hierarchy == nil {
		// Ask the origin: the rest of the application the launcher named.
		if more := px.applicationClasses(session, url); len(more) > 0 {
			px.logf("%s: %v; looking in the rest of the application", urlPath, miss)
			cp := slices.Concat(more, base.Classpath)
			if base, ok := strings.CutSuffix(url, miss.Class+".class"); ok && strings.HasSuffix(base, "/") {
				cp = append([]classpath.Finder{&originClasses{base: base, client: px.Client}}, cp...)
			}
			p = p.With(nil, cp)
			res, err = p.Process(body)
		}
		if errors.As(err, &miss) {
			// Nowhere else to look: the methods that need the classes
			// keep their code, the rest is served rewritten.
			q := p.With(p.Hierarchy, p.Classpath)
			q.SkipMissing = true
			res, err = q.Process(body)
		}
	}
	if err == nil {
		out = res.Out
		why = skippedMethods(res.Reports)
	} else {
		px.Failures.Add(1)
		var fe *classfile.FormatError
		if !errors.As(err, &fe) {
			px.logf("%s: %v; serving the class as it came", urlPath, err)
			out, why = body, "unchanged: "+err.Error()
		}
	}
	if out != nil {
		if px.Signer == nil {
			return out, why, false
		}
		signed, serr := px.Signer.SignClass(out)
		if serr == nil {
			return signed, why, false
		}
		err = serr
	}
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
	if rerr == nil && px.Signer != nil {
		out, rerr = px.Signer.SignClass(out)
	}
	if rerr != nil {
		return body, err.Error(), true
	}
	return out, err.Error(), true
}

// skippedMethods says which methods the services left as they were, "" for
// none.
func skippedMethods(reports []service.Report) string {
	var parts []string
	for _, r := range reports {
		for _, n := range r.Skipped {
			parts = append(parts, r.Service+": "+n)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "methods left as they were: " + strings.Join(parts, ", ")
}

func (px *Proxy) rewriteJar(base *service.Pipeline, u *url.URL, session string, body []byte) ([]byte, string, error) {
	urlPath := u.Path
	var buf bytes.Buffer
	p := base
	var cp []classpath.Finder
	if p.Hierarchy == nil {
		if cp = px.manifestClassPath(u, body); len(cp) > 0 {
			p = p.With(nil, slices.Concat(cp, p.Classpath))
		}
	}
	st, err := p.RewriteJar(bytes.NewReader(body), int64(len(body)), &buf, nil)
	if err != nil {
		return nil, "", fmt.Errorf("malformed jar: %w", err)
	}
	if missingIn(st.Errors) && p.Hierarchy == nil {
		// Ask the origin: the rest of the application the launcher named.
		if more := px.applicationClasses(session, u.String()); len(more) > 0 {
			px.logf("%s: classes missing for frames; looking in the rest of the application", urlPath)
			p = p.With(nil, slices.Concat(cp, more, base.Classpath))
			var again bytes.Buffer
			if st2, err := p.RewriteJar(bytes.NewReader(body), int64(len(body)), &again, nil); err == nil {
				st, buf = st2, again
			}
		}
		if missingIn(st.Errors) {
			// Nowhere else to look: the methods that need the classes
			// keep their code, the rest is served rewritten.
			q := p.With(nil, p.Classpath)
			q.SkipMissing = true
			var again bytes.Buffer
			if st2, err := q.RewriteJar(bytes.NewReader(body), int64(len(body)), &again, nil); err == nil {
				st, buf = st2, again
			}
		}
	}
	var notes []string
	for _, e := range st.Errors {
		px.logf("%s: %v (left unchanged)", urlPath, e)
		notes = append(notes, "unchanged: "+e.Error())
	}
	if why := skippedMethods(st.Reports); why != "" {
		px.logf("%s: %s", urlPath, why)
		notes = append(notes, why)
	}
	for _, d := range st.Dropped {
		px.logf("%s: dropped %s: the jar's signature no longer matches its rewritten classes", urlPath, d)
		notes = append(notes, "dropped "+d+" (signature)")
	}
	return buf.Bytes(), strings.Join(notes, "; "), nil
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

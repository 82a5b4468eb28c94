package proxy

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"dvmlab/core/service"
)

// NativePath is where, on the proxy's own host, clients fetch the
// libraries an architecture-specific service (the compiler) built for them.
const NativePath = "/native/"

// NativeURL is the base URL of those libraries as a client asks for them.
const NativeURL = "http://" + HandshakeHost + NativePath

// ArchService is a service whose output is native code for one
// architecture (the compile service, paper §3.4): the proxy runs it only
// for clients whose handshake reported that architecture (os.arch), serves
// its libraries from Dir under NativePath, and has it name them by URL.
type ArchService interface {
	service.Service
	Arch() string
	Dir() string
	LoadFrom(baseURL string)
}

// nativeServices remembers, per architecture the proxy cannot serve, the
// pipeline without the architecture-specific services, made once.
type nativeServices struct {
	once    sync.Once
	arch    []ArchService
	mu      sync.Mutex
	without map[string]*service.Pipeline
}

func (px *Proxy) archServices() []ArchService {
	px.native.once.Do(func() {
		for _, s := range px.Pipeline.Services {
			if a, ok := s.(ArchService); ok {
				a.LoadFrom(NativeURL)
				px.native.arch = append(px.native.arch, a)
			}
		}
	})
	return px.native.arch
}

// forClient is the pipeline, its configuration (for cache keys) and a note
// for the audit trail for the client of session: unchanged when every
// architecture-specific service serves the client's architecture; without
// those that do not, otherwise, so the client gets portable bytecode.
func (px *Proxy) forClient(session string) (*service.Pipeline, string, string) {
	as := px.archServices()
	if len(as) == 0 {
		return px.Pipeline, px.Config, ""
	}
	arch := ""
	if v, ok := px.arches.Load(session); ok {
		arch = v.(string)
	}
	var drop []string
	for _, a := range as {
		if a.Arch() != arch {
			drop = append(drop, a.Name())
		}
	}
	if len(drop) == 0 {
		return px.Pipeline, px.Config, ""
	}
	shown := arch
	if shown == "" {
		shown = "unknown (no handshake)"
	}
	note := fmt.Sprintf("%s: no back end for the client's architecture %s; bytecode unchanged", strings.Join(drop, ","), shown)
	px.native.mu.Lock()
	defer px.native.mu.Unlock()
	if px.native.without == nil {
		px.native.without = map[string]*service.Pipeline{}
	}
	p := px.native.without[arch]
	if p == nil {
		p = px.Pipeline.With(px.Pipeline.Hierarchy, px.Pipeline.Classpath)
		p.Services = nil
		for _, s := range px.Pipeline.Services {
			if a, ok := s.(ArchService); !ok || a.Arch() == arch {
				p.Services = append(p.Services, s)
			}
		}
		px.native.without[arch] = p
	}
	return p, px.Config + "-" + strings.Join(drop, ",") + "@" + arch, note
}

// serveNative hands a client a library the compile service built.
func (px *Proxy) serveNative(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, NativePath)
	if name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") {
		http.Error(w, "bad library name "+name, http.StatusBadRequest)
		return
	}
	for _, a := range px.archServices() {
		data, err := os.ReadFile(filepath.Join(a.Dir(), name))
		if err != nil {
			continue
		}
		px.logf("session %s: native library %s (%s, %d bytes)", r.Header.Get(SessionHeader), name, a.Arch(), len(data))
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.Write(data)
		return
	}
	http.Error(w, "no native library "+name, http.StatusNotFound)
}

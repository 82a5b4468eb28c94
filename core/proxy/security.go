package proxy

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"dvmlab/core/policy"
)

// SecurityServer is the security server inside the proxy (DVM paper §3.2):
// it holds the site's policy, hands each client's enforcement manager the
// part of it that concerns a subject, pushes invalidations when the policy
// changes (clients wait on /security/watch), and writes denied checks to
// the audit trail. A policy file that no longer parses leaves the last good
// policy in force.
//
// Its endpoints, under the proxy's own pseudo-host (http://dvmlab.proxy):
//
//	/security/policy?codebase=URL&user=NAME  the subject's rules and the guards (policy.Wire)
//	/security/watch?version=N                answers "version M" once M != N, or after WatchWait
//	/security/denied?permission=&kind=&resource=&codebase=&rule=   a denial, for the audit trail
//	/security/reload                         reads the policy file again; 422 with the error if malformed
type SecurityServer struct {
	File string

	mu      sync.Mutex
	policy  *policy.Policy
	version int64
	changed chan struct{} // closed and replaced on every new version
	lastErr error
	stamp   []byte // the file's content last read
	Log     func(format string, args ...any)
}

// WatchWait is how long a client's watch request is held before it is
// answered with the unchanged version (and the client asks again).
var WatchWait = 25 * time.Second

// NewSecurityServer loads the policy in file; a malformed one is an error.
func NewSecurityServer(file string) (*SecurityServer, error) {
	s := &SecurityServer{File: file, changed: make(chan struct{})}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *SecurityServer) logf(format string, args ...any) {
	if s.Log != nil {
		s.Log(format, args...)
	}
}

// Reload reads the policy file again. When it parses, it replaces the
// policy and a new version goes to every watching client; when it does
// not, the error (with line and column) is returned and remembered, and the
// policy in force stays.
func (s *SecurityServer) Reload() error {
	data, err := os.ReadFile(s.File)
	if err == nil {
		var p *policy.Policy
		if p, err = policy.Parse(s.File, data); err == nil {
			s.Set(p)
			s.mu.Lock()
			s.stamp, s.lastErr = data, nil
			s.mu.Unlock()
			return nil
		}
	}
	s.mu.Lock()
	s.stamp, s.lastErr = data, err
	v := s.version
	s.mu.Unlock()
	s.logf("security: %v; policy version %d stays in force", err, v)
	return err
}

// Set puts p in force as a new version.
func (s *SecurityServer) Set(p *policy.Policy) {
	s.mu.Lock()
	s.policy = p
	s.version++
	close(s.changed)
	s.changed = make(chan struct{})
	v := s.version
	s.mu.Unlock()
	s.logf("security: policy version %d in force (%d sids, %d rules, %d guards)", v, len(p.Sids), len(p.Rules), len(p.Guards))
}

// Current is the policy in force, its version and the error of the last
// reload (nil when it succeeded).
func (s *SecurityServer) Current() (*policy.Policy, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.policy, s.version, s.lastErr
}

// Watch reloads the policy whenever the file's content changes, looking
// every interval until ctx ends.
func (s *SecurityServer) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		data, err := os.ReadFile(s.File)
		s.mu.Lock()
		same := err == nil && bytes.Equal(data, s.stamp)
		s.mu.Unlock()
		if err == nil && !same {
			s.Reload()
		}
	}
}

// serveSecurity answers the security server's endpoints.
func (px *Proxy) serveSecurity(w http.ResponseWriter, r *http.Request) {
	s := px.Security
	if s == nil {
		http.Error(w, "this proxy has no security policy (dvmlab proxy --policy FILE)", http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	session := r.Header.Get(SessionHeader)
	switch strings.TrimPrefix(r.URL.Path, "/security/") {
	case "policy":
		p, v, _ := s.Current()
		sub := policy.Subject{User: px.sessionUser(session, q.Get("user")), Codebase: q.Get("codebase")}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, p.Wire(sub, v))
	case "watch":
		have, _ := strconv.ParseInt(q.Get("version"), 10, 64)
		s.mu.Lock()
		v, ch := s.version, s.changed
		s.mu.Unlock()
		if v == have {
			select {
			case <-ch:
			case <-time.After(WatchWait):
			case <-r.Context().Done():
				return
			}
			_, v, _ = s.Current()
		}
		fmt.Fprintf(w, "version %d\n", v)
	case "denied":
		px.logf("security: session %s: %s on %s %s denied to %s by %s", session, q.Get("permission"), q.Get("kind"),
			q.Get("resource"), q.Get("codebase"), q.Get("rule"))
		px.record(Event{Time: time.Now(), Session: session, Client: r.RemoteAddr, URL: q.Get("kind") + ":" + q.Get("resource"),
			Kind: "security", Services: q.Get("permission"), Outcome: "denied",
			Detail: q.Get("permission") + " denied to " + q.Get("codebase") + " by " + q.Get("rule")})
		fmt.Fprintln(w, "recorded")
	case "reload":
		if err := s.Reload(); err != nil {
			_, v, _ := s.Current()
			http.Error(w, fmt.Sprintf("%v; version %d stays in force", err, v), http.StatusUnprocessableEntity)
			return
		}
		_, v, _ := s.Current()
		fmt.Fprintf(w, "version %d\n", v)
	default:
		http.Error(w, "unknown security endpoint "+r.URL.Path, http.StatusNotFound)
	}
}

// sessionUser is the user the session's handshake named, else claimed.
func (px *Proxy) sessionUser(session, claimed string) string {
	if px.Audit == nil || session == "" {
		return claimed
	}
	ss, err := px.Audit.Sessions()
	if err != nil {
		return claimed
	}
	for _, s := range ss {
		if s.ID == session {
			return s.User
		}
	}
	return claimed
}

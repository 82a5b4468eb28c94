package proxy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The monitoring server (DVM paper §3.3): clients rewritten by the monitor
// and profile services send batches of method events and call counts to
// http://dvmlab.proxy/monitor over the session's proxy connection; the
// server stores them in the audit database and keeps the console's live
// view, which http://dvmlab.proxy/console serves as JSON.

// Paths of the monitoring server under HandshakeHost.
const (
	MonitorPath = "/monitor"
	ConsolePath = "/console"
)

// MaxBatchBytes bounds one batch.
const MaxBatchBytes = 64 << 20

// BatchHeader is the first line of every batch (wire version 1).
const BatchHeader = "dvmlab-monitor 1"

// Batch is one decoded request of the monitor's wire protocol (see the
// client's dvmlab.runtime.Transport for the format).
type Batch struct {
	// Classes are the methods (name and descriptor) of classes that ran, by
	// class (internal name).
	Classes map[string][]string
	Events  []MethodEvent // Session and Time are the server's to set
	Edges   []Edge
	First   []string // methods in the order the client first used them
	Stacks  []Stack  // calling contexts, root first, and their entries
	// Blocks are the basic blocks of methods that ran, by method: their
	// ranges (once per method and session, r lines) and the blocks first
	// run since the client's last batch (h lines).
	Blocks []BlockReport
	// Dropped is the client's count of events dropped so far (its d line),
	// -1 when the batch has none.
	Dropped int64
}

var kindNames = map[string]string{"e": "enter", "x": "exit", "u": "unwind"}

// ParseBatch decodes a batch; errors name the line and why.
func ParseBatch(data []byte) (*Batch, error) {
	b := &Batch{Classes: map[string][]string{}, Dropped: -1}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), MaxBatchBytes)
	line := 0
	bad := func(format string, args ...any) error {
		return fmt.Errorf("monitor batch line %d: %s", line, fmt.Sprintf(format, args...))
	}
	var dict map[int64]string
	section := ""
	var thread, seq int64
	for sc.Scan() {
		line++
		s := sc.Text()
		if line == 1 {
			if s != BatchHeader {
				return nil, bad("not a monitor batch (want %q, got %q)", BatchHeader, s)
			}
			continue
		}
		tag, rest, _ := strings.Cut(s, " ")
		switch tag {
		case "c":
			parts := strings.Split(rest, "\t")
			if parts[0] == "" {
				return nil, bad("class line without a class")
			}
			b.Classes[parts[0]] = append(b.Classes[parts[0]], parts[1:]...)
		case "b":
			f := strings.SplitN(rest, " ", 3)
			if len(f) < 2 {
				return nil, bad("thread line needs an id and a first sequence number")
			}
			var err1, err2 error
			thread, err1 = strconv.ParseInt(f[0], 10, 64)
			seq, err2 = strconv.ParseInt(f[1], 10, 64)
			if err1 != nil || err2 != nil {
				return nil, bad("thread line %q: not numbers", rest)
			}
			section, dict = "b", map[int64]string{}
		case "p":
			section, dict = "p", map[int64]string{}
		case "m":
			k, name, ok := strings.Cut(rest, " ")
			id, err := strconv.ParseInt(k, 10, 64)
			if !ok || err != nil || dict == nil {
				return nil, bad("method line %q outside a section or malformed", rest)
			}
			dict[id] = name
		case "e", "x", "u":
			if section != "b" {
				return nil, bad("event outside a thread's section")
			}
			id, err := strconv.ParseInt(rest, 10, 64)
			m, ok := dict[id]
			if err != nil || !ok {
				return nil, bad("event names no method of the batch: %q", rest)
			}
			b.Events = append(b.Events, MethodEvent{Thread: thread, Seq: seq, Kind: kindNames[tag], Method: m})
			seq++
		case "f":
			id, err := strconv.ParseInt(rest, 10, 64)
			m, ok := dict[id]
			if section != "p" || err != nil || !ok {
				return nil, bad("first use %q names no method of the batch's profile", rest)
			}
			b.First = append(b.First, m)
		case "g":
			f := strings.Fields(rest)
			if section != "p" || len(f) != 3 {
				return nil, bad("edge line %q: want CALLER CALLEE COUNT in a profile", rest)
			}
			caller, e1 := strconv.ParseInt(f[0], 10, 64)
			callee, e2 := strconv.ParseInt(f[1], 10, 64)
			n, e3 := strconv.ParseInt(f[2], 10, 64)
			if e1 != nil || e2 != nil || e3 != nil || n <= 0 {
				return nil, bad("edge line %q: not numbers", rest)
			}
			e := Edge{Count: n}
			var ok1, ok2 bool
			e.Caller, ok1 = dict[caller]
			e.Callee, ok2 = dict[callee]
			if caller == -1 {
				ok1 = true
			}
			if !ok1 || !ok2 {
				return nil, bad("edge line %q names no method of the batch", rest)
			}
			b.Edges = append(b.Edges, e)
		case "s":
			f := strings.Fields(rest)
			if section != "p" || len(f) < 2 {
				return nil, bad("stack line %q: want COUNT and methods in a profile", rest)
			}
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil || n <= 0 {
				return nil, bad("stack line %q: count not a positive number", rest)
			}
			st := Stack{Count: n, Frames: make([]string, len(f)-1)}
			for i, k := range f[1:] {
				id, err := strconv.ParseInt(k, 10, 64)
				m, ok := dict[id]
				if err != nil || !ok {
					return nil, bad("stack line %q names no method of the batch", rest)
				}
				st.Frames[i] = m
			}
			b.Stacks = append(b.Stacks, st)
		case "r", "h":
			f := strings.Fields(rest)
			if section != "p" || len(f) < 2 {
				return nil, bad("block line %q: want a method and blocks in a profile", rest)
			}
			id, err := strconv.ParseInt(f[0], 10, 64)
			m, ok := dict[id]
			if err != nil || !ok {
				return nil, bad("block line %q names no method of the batch", rest)
			}
			r := BlockReport{Method: m}
			if tag == "r" {
				r.Ranges = f[1:]
			} else {
				for _, k := range f[1:] {
					i, err := strconv.Atoi(k)
					if err != nil || i < 0 {
						return nil, bad("block line %q: block %q not a number", rest, k)
					}
					r.Hit = append(r.Hit, i)
				}
			}
			b.Blocks = append(b.Blocks, r)
		case "d":
			n, err := strconv.ParseInt(rest, 10, 64)
			if err != nil || n < 0 {
				return nil, bad("dropped line %q: want a count", rest)
			}
			b.Dropped = n
		case "":
		default:
			return nil, bad("unknown record %q", tag)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("monitor batch line %d: %w", line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("monitor batch: empty")
	}
	return b, nil
}

// EncodeEvents writes a batch of one thread's method events in the wire
// format, as the client does; load generators speak it.
func EncodeEvents(w io.Writer, thread, firstSeq int64, classes map[string][]string, events []MethodEvent) error {
	var sb strings.Builder
	sb.WriteString(BatchHeader + "\n")
	for c, ms := range classes {
		sb.WriteString("c " + c)
		for _, m := range ms {
			sb.WriteString("\t" + m)
		}
		sb.WriteByte('\n')
	}
	fmt.Fprintf(&sb, "b %d %d load\n", thread, firstSeq)
	ids := map[string]int{}
	var body strings.Builder
	for _, e := range events {
		id, ok := ids[e.Method]
		if !ok {
			id = len(ids)
			ids[e.Method] = id
			fmt.Fprintf(&sb, "m %d %s\n", id, e.Method)
		}
		tag := map[string]string{"enter": "e", "exit": "x", "unwind": "u"}[e.Kind]
		if tag == "" {
			return fmt.Errorf("event kind %q is not enter, exit or unwind", e.Kind)
		}
		fmt.Fprintf(&body, "%s %d\n", tag, id)
	}
	sb.WriteString(body.String())
	_, err := io.WriteString(w, sb.String())
	return err
}

// monitorServer is the proxy's monitoring server, made on first use from
// its audit trail and signer unless Monitor was set.
func (px *Proxy) monitorServer() *MonitorServer {
	px.monitorOnce.Do(func() {
		if px.Monitor == nil {
			px.Monitor = NewMonitorServer(px.Audit, px.Signer)
			px.Monitor.Logf = px.logf
		}
	})
	return px.Monitor
}

// MonitorServer receives batches, stores them in the audit database
// (events hash-chained, a signed checkpoint per batch) and keeps the
// console's live state.
type MonitorServer struct {
	Audit  *Audit  // nil: nothing stored, the console only
	Signer *Signer // signs checkpoints; nil: unsigned
	Logf   func(format string, args ...any)

	mu       sync.Mutex
	sessions map[string]*liveSession
	// entries per method from events, and calls from profiles
	hotEvents, hotCalls map[string]int64
	total, calls        int64
	rate, callRate      rateWindow
	batches             int64
	rejected            int64
}

type liveSession struct {
	id, client             string
	events, calls, batches int64
	dropped                int64
	first, last            time.Time
	rate, callRate         rateWindow
}

// NewMonitorServer makes a monitoring server storing into a (may be nil).
func NewMonitorServer(a *Audit, s *Signer) *MonitorServer {
	return &MonitorServer{Audit: a, Signer: s, sessions: map[string]*liveSession{},
		hotEvents: map[string]int64{}, hotCalls: map[string]int64{}}
}

func (m *MonitorServer) logf(format string, args ...any) {
	if m.Logf != nil {
		m.Logf(format, args...)
	}
}

// ServeHTTP takes batches (POST /monitor) and serves the console's state
// (GET /console, JSON).
func (m *MonitorServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == ConsolePath && r.Method == http.MethodGet:
		n, _ := strconv.Atoi(r.URL.Query().Get("hot"))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(m.Snapshot(n))
	case r.URL.Path == MonitorPath && r.Method == http.MethodPost:
		data, err := io.ReadAll(io.LimitReader(r.Body, MaxBatchBytes+1))
		if err == nil && len(data) > MaxBatchBytes {
			err = fmt.Errorf("batch larger than %d bytes", MaxBatchBytes)
		}
		if err == nil {
			err = m.Receive(r.Header.Get(SessionHeader), r.RemoteAddr, data)
		}
		if err != nil {
			m.mu.Lock()
			m.rejected++
			m.mu.Unlock()
			m.logf("monitor: session %s from %s: %v", r.Header.Get(SessionHeader), r.RemoteAddr, err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		io.WriteString(w, "ok\n")
	default:
		http.Error(w, "monitoring server: POST "+MonitorPath+" or GET "+ConsolePath, http.StatusNotFound)
	}
}

// Receive decodes and stores one batch from a session ("" for a client
// that has none: it is named after its address).
func (m *MonitorServer) Receive(session, client string, data []byte) error {
	b, err := ParseBatch(data)
	if err != nil {
		return err
	}
	if session == "" {
		session = "anonymous@" + client
	}
	for i := range b.Events {
		b.Events[i].Session = session
	}
	if a := m.Audit; a != nil {
		if err := a.EnsureSession(session, client); err != nil {
			return err
		}
		if len(b.Events) > 0 {
			if err := a.AppendEvents(b.Events, m.Signer); err != nil {
				return err
			}
		}
		var loaded [][2]string
		for c, ms := range b.Classes {
			for _, mm := range ms {
				loaded = append(loaded, [2]string{c, mm})
			}
		}
		if len(loaded)+len(b.Edges)+len(b.First) > 0 {
			if err := a.AddProfile(session, loaded, b.Edges, b.First); err != nil {
				return err
			}
		}
		if len(b.Stacks) > 0 {
			if err := a.AddStacks(session, b.Stacks); err != nil {
				return err
			}
		}
		if len(b.Blocks) > 0 {
			if err := a.AddBlocks(session, b.Blocks); err != nil {
				return err
			}
		}
		if b.Dropped > 0 {
			if err := a.NoteDropped(session, b.Dropped); err != nil {
				return err
			}
		}
	}
	m.observe(session, client, b)
	return nil
}

// observe updates the console's state with a stored batch. Events and
// calls the profiler counted are kept apart: a client with both services
// reports every call twice, once each way.
func (m *MonitorServer) observe(session, client string, b *Batch) {
	now := time.Now()
	var calls int64
	for _, e := range b.Edges {
		calls += e.Count
	}
	events := int64(len(b.Events))
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[session]
	if s == nil {
		s = &liveSession{id: session, client: client, first: now}
		m.sessions[session] = s
	}
	s.events += events
	s.calls += calls
	s.dropped = max(s.dropped, b.Dropped)
	s.batches++
	s.last = now
	s.rate.add(now, events)
	s.callRate.add(now, calls)
	m.rate.add(now, events)
	m.callRate.add(now, calls)
	m.total += events
	m.calls += calls
	m.batches++
	for _, e := range b.Events {
		if e.Kind == "enter" {
			m.hotEvents[e.Method]++
		}
	}
	for _, e := range b.Edges {
		m.hotCalls[e.Callee] += e.Count
	}
}

// rateWindow counts events per second over the last few seconds.
type rateWindow struct {
	sec   [rateSeconds]int64
	count [rateSeconds]int64
}

const rateSeconds = 5

func (w *rateWindow) add(t time.Time, n int64) {
	s := t.Unix()
	i := s % rateSeconds
	if w.sec[i] != s {
		w.sec[i], w.count[i] = s, 0
	}
	w.count[i] += n
}

// perSecond is the mean over the last rateSeconds whole seconds before t.
func (w *rateWindow) perSecond(t time.Time) float64 {
	now := t.Unix()
	var sum int64
	for i := range w.sec {
		if w.sec[i] < now && w.sec[i] >= now-rateSeconds {
			sum += w.count[i]
		}
	}
	return float64(sum) / rateSeconds
}

// ConsoleState is the console's view: connected clients, their sessions,
// events per second, the hottest methods. The text console and the TUI
// render it.
type ConsoleState struct {
	Time     time.Time
	Events   int64   // method events received
	Rate     float64 // events per second, over the last five seconds
	Calls    int64   // calls counted by profiles received
	CallRate float64 // calls per second
	Batches  int64
	Rejected int64
	Sessions []SessionState
	Hot      []HotMethod
}

// SessionState is one session's line in the console.
type SessionState struct {
	ID, Client, User, JVM  string
	Events, Calls, Batches int64
	Dropped                int64 // events the client dropped, as it last said
	Rate, CallRate         float64
	First, Last            time.Time
}

// HotMethod is a method and how often it was entered: by its events, or
// by the profiler's count where that is more (a client with the profiler
// alone sends no events).
type HotMethod struct {
	Method string
	Calls  int64
}

// Snapshot returns the console's state with the hot hottest methods (10
// when hot <= 0), sessions most recently active first.
func (m *MonitorServer) Snapshot(hot int) ConsoleState {
	if hot <= 0 {
		hot = 10
	}
	now := time.Now()
	m.mu.Lock()
	st := ConsoleState{Time: now, Events: m.total, Rate: m.rate.perSecond(now), Calls: m.calls, CallRate: m.callRate.perSecond(now),
		Batches: m.batches, Rejected: m.rejected}
	for _, s := range m.sessions {
		st.Sessions = append(st.Sessions, SessionState{ID: s.id, Client: s.client, Events: s.events, Calls: s.calls, Batches: s.batches, Dropped: s.dropped,
			Rate: s.rate.perSecond(now), CallRate: s.callRate.perSecond(now), First: s.first, Last: s.last})
	}
	for k, v := range m.hotEvents {
		st.Hot = append(st.Hot, HotMethod{k, max(v, m.hotCalls[k])})
	}
	for k, v := range m.hotCalls {
		if _, ok := m.hotEvents[k]; !ok {
			st.Hot = append(st.Hot, HotMethod{k, v})
		}
	}
	m.mu.Unlock()
	sort.Slice(st.Sessions, func(i, j int) bool { return st.Sessions[i].Last.After(st.Sessions[j].Last) })
	sort.Slice(st.Hot, func(i, j int) bool {
		if st.Hot[i].Calls != st.Hot[j].Calls {
			return st.Hot[i].Calls > st.Hot[j].Calls
		}
		return st.Hot[i].Method < st.Hot[j].Method
	})
	if len(st.Hot) > hot {
		st.Hot = st.Hot[:hot]
	}
	if m.Audit != nil {
		if ss, err := m.Audit.Sessions(); err == nil {
			facts := map[string]Session{}
			for _, s := range ss {
				facts[s.ID] = s
			}
			for i := range st.Sessions {
				f := facts[st.Sessions[i].ID]
				st.Sessions[i].User, st.Sessions[i].JVM = f.User, f.JVM
			}
		}
	}
	return st
}

// Render writes the console's state as text, as `dvmlab console` shows it.
func (st ConsoleState) Render(w io.Writer) {
	fmt.Fprintf(w, "dvmlab console  %s  %d sessions  %d events  %.0f events/s  %d calls profiled  %.0f calls/s  %d batches",
		st.Time.Format("15:04:05"), len(st.Sessions), st.Events, st.Rate, st.Calls, st.CallRate, st.Batches)
	if st.Rejected > 0 {
		fmt.Fprintf(w, "  %d rejected", st.Rejected)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "\n%-16s  %-21s  %-10s  %-12s  %10s  %10s  %9s  %10s  %9s  %s\n", "SESSION", "CLIENT", "USER", "JVM", "EVENTS", "DROPPED",
		"EVENTS/S", "CALLS", "CALLS/S", "LAST")
	for _, s := range st.Sessions {
		jvm := s.JVM
		if len(jvm) > 12 {
			jvm = jvm[:12]
		}
		fmt.Fprintf(w, "%-16s  %-21s  %-10s  %-12s  %10d  %10d  %9.0f  %10d  %9.0f  %s\n", s.ID, s.Client, s.User, jvm, s.Events, s.Dropped,
			s.Rate, s.Calls, s.CallRate, s.Last.Format("15:04:05"))
	}
	fmt.Fprintf(w, "\n%10s  %s\n", "CALLS", "HOTTEST METHODS")
	for _, h := range st.Hot {
		fmt.Fprintf(w, "%10d  %s\n", h.Calls, h.Method)
	}
}

// FetchConsole asks a proxy (host:port) for its console's state.
func FetchConsole(c *http.Client, proxyAddr string, hot int) (ConsoleState, error) {
	var st ConsoleState
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://%s%s?hot=%d", HandshakeHost, ConsolePath, hot), nil)
	if err != nil {
		return st, err
	}
	pu, err := url.Parse("http://" + proxyAddr)
	if err != nil {
		return st, fmt.Errorf("proxy address %q: %w", proxyAddr, err)
	}
	tr := &http.Transport{Proxy: http.ProxyURL(pu)}
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	cc := *c
	cc.Transport = tr
	resp, err := cc.Do(req)
	if err != nil {
		return st, fmt.Errorf("console of proxy %s: %w", proxyAddr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return st, fmt.Errorf("console of proxy %s: %s: %s", proxyAddr, resp.Status, strings.TrimSpace(string(msg)))
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("console of proxy %s: %w", proxyAddr, err)
	}
	return st, nil
}

package repl

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"dvmlab/core/proxy"
)

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

func isSQLite(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	_, err = io.ReadFull(f, head)
	return err == nil && bytes.Equal(head, sqliteMagic)
}

// trail is a loaded audit trail: what the proxy served, to whom.
type trail struct {
	path     string
	sessions []proxy.Session
	events   []proxy.Event
}

// loadAudit reads a proxy's audit trail and summarises it per session.
func (s *Session) loadAudit(path string) error {
	a, err := proxy.ReadAudit(path)
	if err != nil {
		return err
	}
	defer a.Close()
	ss, err := a.Sessions()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	evs, err := a.Events(proxy.Query{})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	t := &trail{path: path, sessions: ss, events: evs}
	s.trails = append(s.trails, t)
	fmt.Fprintf(s.Out, "loaded audit trail %s: %d sessions, %d classes and jars served\n", path, len(ss), len(evs))
	type sum struct {
		n, in, out int
		took       time.Duration
		outcomes   map[string]int
	}
	per := map[string]*sum{}
	var order []string
	for _, e := range evs {
		x := per[e.Session]
		if x == nil {
			x = &sum{outcomes: map[string]int{}}
			per[e.Session] = x
			order = append(order, e.Session)
		}
		x.n++
		x.in += e.BytesIn
		x.out += e.BytesOut
		x.took += e.Elapsed
		x.outcomes[e.Outcome]++
	}
	who := map[string]proxy.Session{}
	for _, se := range ss {
		who[se.ID] = se
	}
	for _, id := range order {
		x := per[id]
		var oc []string
		for o, n := range x.outcomes {
			oc = append(oc, fmt.Sprintf("%d %s", n, o))
		}
		sort.Strings(oc)
		name := id
		if name == "" {
			name = "(no handshake)"
		}
		if se, ok := who[id]; ok {
			name += fmt.Sprintf(" %s, JVM %s", se.User, se.JVM)
		}
		fmt.Fprintf(s.Out, "  %s: %d served (%s), %d -> %d bytes, %v at the proxy\n", name, x.n, strings.Join(oc, ", "), x.in, x.out, x.took.Round(time.Microsecond))
	}
	return nil
}

// trace lists the events of the loaded audit trails.
func (s *Session) trace(args []string) error {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	session := fs.String("session", "", "")
	outcome := fs.String("outcome", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 1 {
		return errors.New("usage: trace [--session ID] [--outcome O] [URL-SUBSTRING]")
	}
	if len(s.trails) == 0 {
		return errors.New("no trace loaded (try: load AUDIT.db)")
	}
	n := 0
	for _, t := range s.trails {
		for _, e := range t.events {
			if (*session != "" && e.Session != *session) || (*outcome != "" && e.Outcome != *outcome) ||
				(fs.NArg() == 1 && !strings.Contains(e.URL, fs.Arg(0))) {
				continue
			}
			line := fmt.Sprintf("%s  %-16s %-9s %-5s %7d -> %7d  %s", e.Time.Format("15:04:05.000"), e.Session, e.Outcome, e.Kind, e.BytesIn, e.BytesOut, e.URL)
			if e.Detail != "" {
				line += "  (" + e.Detail + ")"
			}
			fmt.Fprintln(s.Out, line)
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(s.Out, "(no event matches)")
	}
	return nil
}

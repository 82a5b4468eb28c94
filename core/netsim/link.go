// Package netsim shapes and simulates network links: a user-space token
// bucket for real connections (the kernel's netem is not available on these
// machines), a discrete-event model of clients and proxy replicas, and a
// model of a client's start-up over a slow link.
package netsim

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Link is a link's bandwidth (bytes per second, 0 for unlimited) and its
// one-way latency.
type Link struct {
	BytesPerSec float64
	Latency     time.Duration
}

// ParseRate reads a bandwidth such as "28.8kbps", "1.5Mbps", "10Mb/s",
// "64KB/s" or "off". Bits unless the unit says bytes (B).
func ParseRate(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" || t == "off" || t == "0" {
		return 0, nil
	}
	i := 0
	for i < len(t) && (t[i] == '.' || (t[i] >= '0' && t[i] <= '9')) {
		i++
	}
	v, err := strconv.ParseFloat(t[:i], 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad rate %q: want a number and a unit such as 28.8kbps or 10Mbps", s)
	}
	unit := strings.TrimSpace(t[i:])
	bytes := strings.Contains(unit, "B")
	u := strings.ToLower(strings.NewReplacer("/s", "", "ps", "").Replace(unit))
	mult := map[string]float64{"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "k": 1e3, "m": 1e6, "g": 1e9, "": 1}[u]
	if mult == 0 {
		return 0, fmt.Errorf("bad rate unit %q in %q", unit, s)
	}
	v *= mult
	if !bytes {
		v /= 8
	}
	return v, nil
}

// String renders the link for logs and metadata.
func (l Link) String() string {
	if l.BytesPerSec == 0 {
		return fmt.Sprintf("unlimited, %v latency", l.Latency)
	}
	return fmt.Sprintf("%.1f kbit/s, %v latency", l.BytesPerSec*8/1000, l.Latency)
}

// Writer wraps w so that writes leave no faster than the link allows, after
// its latency. Each connection gets its own bucket, as each has its own line.
func (l Link) Writer(ctx context.Context, w io.Writer) io.Writer {
	if l.BytesPerSec == 0 && l.Latency == 0 {
		return w
	}
	sw := &shapedWriter{ctx: ctx, w: w, latency: l.Latency}
	if l.BytesPerSec > 0 {
		// A burst of one chunk keeps the pacing smooth at modem speeds.
		sw.chunk = max(1, min(1024, int(l.BytesPerSec/10)))
		sw.lim = rate.NewLimiter(rate.Limit(l.BytesPerSec), sw.chunk)
	}
	return sw
}

type shapedWriter struct {
	ctx     context.Context
	w       io.Writer
	lim     *rate.Limiter
	chunk   int
	latency time.Duration
	started bool
}

func (s *shapedWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		if s.latency > 0 {
			select {
			case <-time.After(s.latency):
			case <-s.ctx.Done():
				return 0, s.ctx.Err()
			}
		}
	}
	if s.lim == nil {
		return s.w.Write(p)
	}
	n := 0
	for n < len(p) {
		k := min(s.chunk, len(p)-n)
		if err := s.lim.WaitN(s.ctx, k); err != nil {
			return n, err
		}
		m, err := s.w.Write(p[n : n+k])
		n += m
		if err != nil {
			return n, err
		}
		if f, ok := s.w.(interface{ Flush() }); ok {
			f.Flush()
		}
	}
	return n, nil
}

package netsim

import (
	"errors"
	"time"
)

// Fetch is one request a starting client makes over the link: a class
// fetched on first use, or a whole jar.
type Fetch struct {
	Name  string
	Bytes int
}

// StartupModel predicts a client's start-up time over a slow link (paper
// §4.1.3, Figure 11). The JVM asks for classes one at a time as it first
// uses them, so the fetches are sequential: each costs a round trip, the
// time to move its bytes (and the reply's headers) through the link, and a
// fixed cost at the two ends; the program's own start-up work, measured with
// everything local, comes on top.
type StartupModel struct {
	Link Link
	// Local is the start-up time with every class on the client's disk.
	Local time.Duration
	// PerRequest is the fixed cost of one request beyond the link: HTTP,
	// the proxy's cache lookup, the client's class definition.
	PerRequest time.Duration
	// HeaderBytes is what a reply adds to its body on the wire.
	HeaderBytes int
}

// DefaultHeaderBytes is about what an HTTP/1.1 reply's status line and
// headers take (date, content type and length, the proxy's signature).
const DefaultHeaderBytes = 250

// Predict is the start-up time for fetches made in order.
func (m StartupModel) Predict(fetches []Fetch) (time.Duration, error) {
	if m.Link.BytesPerSec < 0 || m.Link.Latency < 0 || m.Local < 0 || m.PerRequest < 0 || m.HeaderBytes < 0 {
		return 0, errors.New("startup model: negative parameter")
	}
	t := m.Local
	for _, f := range fetches {
		if f.Bytes < 0 {
			return 0, errors.New("startup model: negative size for " + f.Name)
		}
		t += 2*m.Link.Latency + m.PerRequest
		if m.Link.BytesPerSec > 0 {
			t += time.Duration(float64(f.Bytes+m.HeaderBytes) / m.Link.BytesPerSec * float64(time.Second))
		}
	}
	return t, nil
}

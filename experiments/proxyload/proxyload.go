// Package proxyload is the load generator behind Figure 10: many clients
// fetch different classes through one proxy on loopback, the cache off, and
// we measure the proxy's throughput and latency at each level of
// concurrency.
package proxyload

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"dvmlab/core/proxy"
)

// Row is one concurrency level's figures.
type Row struct {
	Clients       int
	Requests      int
	Failed        int
	Bytes         int64
	Elapsed       time.Duration
	P50, P90, P99 time.Duration
}

// ClassesPerSec is the proxy's throughput in classes.
func (r Row) ClassesPerSec() float64 { return float64(r.Requests-r.Failed) / r.Elapsed.Seconds() }

// MBPerSec is the throughput in megabytes of rewritten classes.
func (r Row) MBPerSec() float64 { return float64(r.Bytes) / 1e6 / r.Elapsed.Seconds() }

// Config says what to load.
type Config struct {
	Proxy    *proxy.Proxy // with its cache off
	Origin   http.Handler
	Paths    []string // class paths on the origin, e.g. /java/lang/String.class
	Levels   []int    // numbers of concurrent clients
	Requests int      // requests per level, spread over the clients
}

// listen serves h on loopback.
func listen(h http.Handler) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	return l.Addr().String(), func() { srv.Close() }, nil
}

// Run measures every level in turn.
func Run(ctx context.Context, cfg Config) ([]Row, error) {
	originAddr, stopO, err := listen(cfg.Origin)
	if err != nil {
		return nil, err
	}
	defer stopO()
	proxyAddr, stopP, err := listen(cfg.Proxy)
	if err != nil {
		return nil, err
	}
	defer stopP()
	pu, _ := url.Parse("http://" + proxyAddr)
	var rows []Row
	for _, n := range cfg.Levels {
		// Each client is a JVM of its own in the paper: its own connection.
		tr := &http.Transport{Proxy: http.ProxyURL(pu), MaxIdleConnsPerHost: n, MaxConnsPerHost: 0, DisableCompression: true}
		client := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
		lat := make([]time.Duration, cfg.Requests)
		var failed atomic.Int64
		var bytes atomic.Int64
		var next atomic.Int64
		var wg sync.WaitGroup
		t0 := time.Now()
		for c := 0; c < n; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= cfg.Requests || ctx.Err() != nil {
						return
					}
					// Client c walks its own stride of the class list, so
					// clients fetch different classes.
					path := cfg.Paths[(c+i*n)%len(cfg.Paths)]
					t := time.Now()
					resp, err := client.Get("http://" + originAddr + path)
					if err != nil {
						failed.Add(1)
						lat[i] = time.Since(t)
						continue
					}
					k, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					lat[i] = time.Since(t)
					if resp.StatusCode != 200 {
						failed.Add(1)
						continue
					}
					bytes.Add(k)
				}
			}(c)
		}
		wg.Wait()
		el := time.Since(t0)
		tr.CloseIdleConnections()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		rows = append(rows, Row{Clients: n, Requests: cfg.Requests, Failed: int(failed.Load()), Bytes: bytes.Load(), Elapsed: el,
			P50: pct(0.50), P90: pct(0.90), P99: pct(0.99)})
	}
	return rows, nil
}

// Print writes the rows as a table.
func Print(w io.Writer, rows []Row) {
	fmt.Fprintf(w, "%8s %9s %7s %10s %8s %9s %9s %9s\n", "clients", "requests", "failed", "classes/s", "MB/s", "p50", "p90", "p99")
	for _, r := range rows {
		fmt.Fprintf(w, "%8d %9d %7d %10.0f %8.2f %9v %9v %9v\n", r.Clients, r.Requests, r.Failed, r.ClassesPerSec(), r.MBPerSec(),
			r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond), r.P99.Round(time.Microsecond))
	}
}

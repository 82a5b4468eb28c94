// Package overhead measures what the proxy adds per application (paper
// §4.1.2: 265 ms per applet): the time to parse, rewrite and emit every
// class of a program, uncached, and to serve them all from the cache.
package overhead

import (
	"fmt"
	"io"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/proxy"
	"dvmlab/core/service"
)

// Row is one application's overhead.
type Row struct {
	Program  string
	Classes  int
	Bytes    int64
	Uncached time.Duration // parse + services + emit, every class, one thread
	Cached   time.Duration // every class from the disk cache
}

// Measure runs the pipeline over every class of jars, then reads them all
// back from a cache in dir.
func Measure(program string, jars []string, p *service.Pipeline, cacheDir string) (Row, error) {
	r := Row{Program: program}
	var classes [][]byte
	for _, j := range jars {
		src, err := classpath.Open(j)
		if err != nil {
			return r, err
		}
		err = src.Walk(func(_ string, data []byte) error {
			classes = append(classes, data)
			return nil
		})
		src.Close()
		if err != nil {
			return r, err
		}
	}
	cache, err := proxy.OpenCache(cacheDir)
	if err != nil {
		return r, err
	}
	cfg := p.String()
	t0 := time.Now()
	for _, c := range classes {
		res, err := p.Process(c)
		if err != nil {
			return r, err
		}
		cache.Do(proxy.Key(c, cfg), func() ([]byte, error) { return res.Out, nil })
		r.Bytes += int64(len(c))
	}
	r.Uncached = time.Since(t0)
	t0 = time.Now()
	for _, c := range classes {
		if _, ok := cache.Get(proxy.Key(c, cfg)); !ok {
			return r, fmt.Errorf("%s: a class missed the cache", program)
		}
	}
	r.Cached = time.Since(t0)
	r.Classes = len(classes)
	return r, nil
}

// Print writes the rows as a table.
func Print(w io.Writer, rows []Row) {
	fmt.Fprintf(w, "%-8s %8s %10s %12s %10s %10s\n", "program", "classes", "KB", "uncached", "cached", "per class")
	for _, r := range rows {
		fmt.Fprintf(w, "%-8s %8d %10d %12v %10v %10v\n", r.Program, r.Classes, r.Bytes/1024, r.Uncached.Round(time.Millisecond),
			r.Cached.Round(time.Millisecond), (r.Uncached / time.Duration(max(1, r.Classes))).Round(time.Microsecond))
	}
}

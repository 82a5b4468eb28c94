package classfile

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkParseWrite parses and writes every class of every JDK jmod, on one
// goroutine and on all cores, and reports classes/s and MB/s.
func BenchmarkParseWrite(b *testing.B) {
	classes := jdkClasses(b)
	var total int64
	for _, c := range classes {
		total += int64(len(c.data))
	}
	one := func(c corpusClass, buf []byte) []byte {
		k, err := Parse(c.data)
		if err != nil {
			b.Fatal(err)
		}
		out, err := k.AppendTo(buf[:0])
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	report := func(b *testing.B) {
		s := b.Elapsed().Seconds()
		b.ReportMetric(float64(len(classes)*b.N)/s, "classes/s")
		b.ReportMetric(float64(total*int64(b.N))/s/1e6, "MB/s")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("serial", func(b *testing.B) {
		buf := make([]byte, 0, 1<<16)
		for i := 0; i < b.N; i++ {
			for _, c := range classes {
				buf = one(c, buf)
			}
		}
		report(b)
	})
	b.Run("parallel", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var next atomic.Int64
			var wg sync.WaitGroup
			for w := 0; w < runtime.GOMAXPROCS(0); w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					buf := make([]byte, 0, 1<<16)
					for {
						k := int(next.Add(1)) - 1
						if k >= len(classes) {
							return
						}
						buf = one(classes[k], buf)
					}
				}()
			}
			wg.Wait()
		}
		report(b)
	})
}

// BenchmarkCheck measures the format checker beside the parse it follows,
// on every class of java.base, one goroutine.
func BenchmarkCheck(b *testing.B) {
	classes := jdkClasses(b, "java.base")
	parsed := make([]*Class, len(classes))
	for i, c := range classes {
		k, err := Parse(c.data)
		if err != nil {
			b.Fatal(err)
		}
		parsed[i] = k
	}
	b.Run("parse", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, c := range classes {
				Parse(c.data)
			}
		}
		b.ReportMetric(float64(len(classes)*b.N)/b.Elapsed().Seconds(), "classes/s")
		b.ReportMetric(0, "ns/op")
	})
	b.Run("check", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, c := range parsed {
				if err := Check(c); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(len(classes)*b.N)/b.Elapsed().Seconds(), "classes/s")
		b.ReportMetric(0, "ns/op")
	})
}

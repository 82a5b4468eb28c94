package classfile

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
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

// BenchmarkJavaBase reads, and reads and writes, every class of java.base
// on one goroutine, keeping nothing between classes (as a rewriting pass
// does), and reports µs of wall clock and of process CPU per class: the
// loop to compare reader changes on, with -benchmem for allocations.
func BenchmarkJavaBase(b *testing.B) {
	classes := jdkClasses(b, "java.base")
	for _, write := range []bool{false, true} {
		name := "read"
		if write {
			name = "read+write"
		}
		b.Run(name, func(b *testing.B) {
			buf := make([]byte, 0, 1<<16)
			cpu0 := cpuTime()
			for b.Loop() {
				for _, c := range classes {
					k, err := Parse(c.data)
					if err != nil {
						b.Fatal(err)
					}
					if write {
						if buf, err = k.AppendTo(buf[:0]); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			n := float64(len(classes) * b.N)
			b.ReportMetric(b.Elapsed().Seconds()/n*1e6, "µs/class")
			b.ReportMetric((cpuTime()-cpu0).Seconds()/n*1e6, "cpu-µs/class")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// cpuTime is the user and system time the process has used: on a shared
// machine it varies less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

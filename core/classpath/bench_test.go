package classpath

import (
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkJavaBase reads every class of java.base.jmod: by Walk on one
// goroutine, and by Find from all cores at once. Decompression is the cost
// being measured; the figures are classes/s and MB/s of class bytes.
func BenchmarkJavaBase(b *testing.B) {
	m, err := OpenJmod(filepath.Join(jdk17, "jmods", "java.base.jmod"))
	if err != nil {
		b.Skip(err)
	}
	defer m.Close()
	names, _ := m.Names()
	report := func(b *testing.B, bytes int64) {
		s := b.Elapsed().Seconds()
		b.ReportMetric(float64(len(names)*b.N)/s, "classes/s")
		b.ReportMetric(float64(bytes)/s/1e6, "MB/s")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("walk", func(b *testing.B) {
		var total int64
		for b.Loop() {
			if err := m.Walk(func(_ string, data []byte) error {
				total += int64(len(data))
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
		report(b, total)
	})
	b.Run("find-parallel", func(b *testing.B) {
		var total atomic.Int64
		for b.Loop() {
			var next atomic.Int64
			var wg sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						k := int(next.Add(1)) - 1
						if k >= len(names) {
							return
						}
						data, err := m.Find(names[k])
						if err != nil {
							b.Error(err)
							return
						}
						total.Add(int64(len(data)))
					}
				}()
			}
			wg.Wait()
		}
		report(b, total.Load())
	})
}

// BenchmarkOpenJDK is the cost of indexing all jmods: one central directory
// read per module.
func BenchmarkOpenJDK(b *testing.B) {
	for b.Loop() {
		j, err := OpenJDK(jdk17)
		if err != nil {
			b.Skip(err)
		}
		j.Close()
	}
}

package analyses

import (
	"os"
	"testing"

	"dvmlab/core/shadow"
)

// BenchmarkReplay measures the analysis server alone: decoding and
// dispatching a recorded run (DVMLAB_SHADOW_LOG) with the allocation
// counter, per-thread ordering.
func BenchmarkReplay(b *testing.B) {
	path := os.Getenv("DVMLAB_SHADOW_LOG")
	if path == "" {
		b.Skip("set DVMLAB_SHADOW_LOG to a log written by dvmlab shadow --analysis alloc --log")
	}
	l, err := shadow.ReadLogFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var events int64
	for i := 0; i < b.N; i++ {
		st, err := l.Replay(&Alloc{}, shadow.PerThread)
		if err != nil {
			b.Fatal(err)
		}
		events = st.Events
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*events), "ns/event")
}

package analyses

import (
	"os"
	"runtime"
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

// BenchmarkReplayFIA measures the analysis server running the FIA on a
// recorded run (DVMLAB_FIA_LOG, a log of dvmlab shadow --analysis fia
// --log), per-thread ordering: time per event, and the heap kept per
// object alive at VM death (shadow objects, the server's table, the FIA's
// state; the log itself excluded).
func BenchmarkReplayFIA(b *testing.B) {
	path := os.Getenv("DVMLAB_FIA_LOG")
	if path == "" {
		b.Skip("set DVMLAB_FIA_LOG to a log written by dvmlab shadow --analysis fia --log")
	}
	l, err := shadow.ReadLogFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	b.ResetTimer()
	var st shadow.AnalysisStats
	var kept uint64
	for i := 0; i < b.N; i++ {
		a := &heapAtDeath{FIA: &FIA{}}
		if st, err = l.Replay(a, shadow.PerThread); err != nil {
			b.Fatal(err)
		}
		kept = a.heap - base.HeapAlloc
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/(float64(b.N)*float64(st.Events)), "ns/event")
	b.ReportMetric(float64(kept)/float64(st.Objects-st.Frees), "B/object")
}

// heapAtDeath is the FIA noting the live heap at VM death, when the
// server still holds every object not freed.
type heapAtDeath struct {
	*FIA
	heap uint64
}

func (h *heapAtDeath) VMDeath() {
	h.FIA.VMDeath()
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	h.heap = m.HeapAlloc
}

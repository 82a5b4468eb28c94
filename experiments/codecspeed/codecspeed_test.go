package codecspeed

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

// TestVersusASM runs both libraries over java.base (the whole JDK with
// DVMLAB_CORPUS=jdk; DVMLAB_ROUNDS=N interleaves N rounds of both sides and
// reports medians) and logs the table. It checks that both sides processed
// the same classes; speed itself is reported, never asserted.
func TestVersusASM(t *testing.T) {
	asmJar := "/usr/share/java/asm.jar"
	if _, err := os.Stat(asmJar); err != nil {
		t.Skip("ASM not installed (Debian libasm-java); run make deps")
	}
	home, err := classpath.JavaHome()
	if err != nil {
		t.Skip(err)
	}
	corpus := []string{filepath.Join(home, "jmods", "java.base.jmod")}
	if os.Getenv("DVMLAB_CORPUS") == "jdk" {
		corpus, _ = filepath.Glob(filepath.Join(home, "jmods", "*.jmod"))
	}
	warmup, runs := 1, 1
	if !testing.Short() {
		warmup, runs = 3, 3
	}
	dir := t.TempDir()
	if err := BuildHarness(jvmtest.Tool(t, "javac"), asmJar, filepath.Join("..", "asmbench", "AsmBench.java"), dir); err != nil {
		t.Fatal(err)
	}
	rounds := 1
	if n, err := strconv.Atoi(os.Getenv("DVMLAB_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	rows, err := Run(Config{Corpus: corpus, Warmup: warmup, Runs: runs, Rounds: rounds, Java: jvmtest.Tool(t, "java"), ASMJar: asmJar, Harness: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Classes == 0 || r.Ours <= 0 || r.ASM <= 0 {
			t.Fatalf("empty measurement: %+v", r)
		}
	}
	var b strings.Builder
	Print(&b, rows)
	t.Log("\n" + b.String())
}

// BenchmarkOurs runs our two passes over java.base (every jmod with
// DVMLAB_CORPUS=jdk) without ASM beside them: the loop to profile
// (-cpuprofile, -memprofile) between full comparisons.
func BenchmarkOurs(b *testing.B) {
	home, err := classpath.JavaHome()
	if err != nil {
		b.Skip(err)
	}
	corpus := []string{filepath.Join(home, "jmods", "java.base.jmod")}
	if os.Getenv("DVMLAB_CORPUS") == "jdk" {
		corpus, _ = filepath.Glob(filepath.Join(home, "jmods", "*.jmod"))
	}
	classes, err := Load(corpus)
	if err != nil {
		b.Fatal(err)
	}
	p := newPasses(classes)
	for _, mode := range []struct {
		name   string
		frames bool
	}{{"read+write", false}, {"read+computeframes+write", true}} {
		b.Run(mode.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				if err := p.run(mode.frames); err != nil {
					b.Fatal(err)
				}
			}
			cpu := (cpuTime() - cpu0).Seconds() / float64(b.N)
			s := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(len(classes))/s, "classes/s")
			b.ReportMetric(s/float64(len(classes))*1e6, "µs/class")
			// On a shared machine the process's CPU time (the collector's
			// included) varies less than the wall clock.
			b.ReportMetric(cpu/float64(len(classes))*1e6, "cpu-µs/class")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

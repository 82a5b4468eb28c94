package netsim

import (
	"math"
	"testing"
	"time"
)

func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol*want {
		t.Errorf("%s = %.4g, want %.4g (±%.0f%%)", what, got, want, tol*100)
	}
}

// One client alone never queues: every request takes the service time and
// a round trip.
func TestProxyModelOneClient(t *testing.T) {
	m := ProxyModel{Service: []time.Duration{2 * time.Millisecond}, Replicas: 1, Workers: 1, ClassesPerClient: 50, RTT: time.Millisecond}
	r, err := m.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 50 || r.P50 != 3*time.Millisecond || r.P99 != 3*time.Millisecond {
		t.Fatalf("%+v", r)
	}
	within(t, "makespan", r.Makespan.Seconds(), 0.150, 1e-9)
	within(t, "utilization", r.Utilization, 2.0/3, 1e-9)
}

// Under saturation the proxies serve at their capacity, replicas times
// workers over the service time, whatever the number of clients.
func TestProxyModelSaturates(t *testing.T) {
	for _, reps := range []int{1, 2, 4} {
		m := ProxyModel{Service: []time.Duration{time.Millisecond}, Replicas: reps, Workers: 2, ClassesPerClient: 20}
		r, err := m.Run(2000)
		if err != nil {
			t.Fatal(err)
		}
		within(t, "throughput", r.Throughput, float64(reps*2)*1000, 0.01)
		within(t, "utilization", r.Utilization, 1, 0.01)
	}
}

// The interactive response time law (a closed system's Little's law):
// N = X (R + Z), for any service distribution.
func TestProxyModelResponseTimeLaw(t *testing.T) {
	svc := []time.Duration{300 * time.Microsecond, 800 * time.Microsecond, 2 * time.Millisecond, 5 * time.Millisecond}
	for _, n := range []int{5, 50, 500} {
		m := ProxyModel{Service: svc, Replicas: 2, Workers: 2, ClassesPerClient: 400, Think: 10 * time.Millisecond, Seed: 7}
		r, err := m.Run(n)
		if err != nil {
			t.Fatal(err)
		}
		within(t, "N = X(R+Z)", r.Throughput*(r.Mean.Seconds()+m.Think.Seconds()), float64(n), 0.02)
		// Capacity bound: X <= replicas*workers / mean service.
		capacity := 4 / (float64(300+800+2000+5000) / 4 / 1e6)
		if r.Throughput > capacity*1.02 {
			t.Errorf("n=%d: throughput %.0f above capacity %.0f", n, r.Throughput, capacity)
		}
		// Light load: X close to N/(S+Z).
		if n == 5 {
			within(t, "light-load throughput", r.Throughput, 5/(0.002025+0.010), 0.1)
		}
	}
}

func TestProxyModelDeterministic(t *testing.T) {
	m := ProxyModel{Service: []time.Duration{time.Millisecond, 3 * time.Millisecond}, Replicas: 3, Workers: 1, ClassesPerClient: 10, Arrivals: time.Second, Seed: 42}
	a, _ := m.Run(300)
	b, _ := m.Run(300)
	if a != b {
		t.Fatalf("same seed, different runs: %+v vs %+v", a, b)
	}
}

func TestProxyModelRefuses(t *testing.T) {
	for _, m := range []ProxyModel{
		{Replicas: 1, Workers: 1, ClassesPerClient: 1},
		{Service: []time.Duration{time.Millisecond}, Workers: 1, ClassesPerClient: 1},
		{Service: []time.Duration{0}, Replicas: 1, Workers: 1, ClassesPerClient: 1},
		{Service: []time.Duration{time.Millisecond}, Replicas: 1, Workers: 1},
	} {
		if _, err := m.Run(1); err == nil {
			t.Errorf("%+v accepted", m)
		}
	}
	ok := ProxyModel{Service: []time.Duration{time.Millisecond}, Replicas: 1, Workers: 1, ClassesPerClient: 1}
	if _, err := ok.Run(0); err == nil {
		t.Error("zero clients accepted")
	}
}

func BenchmarkProxyModel100k(b *testing.B) {
	m := ProxyModel{Service: []time.Duration{time.Millisecond, 2 * time.Millisecond}, Replicas: 8, Workers: 2, ClassesPerClient: 26, Seed: 1}
	for i := 0; i < b.N; i++ {
		if _, err := m.Run(100000); err != nil {
			b.Fatal(err)
		}
	}
}

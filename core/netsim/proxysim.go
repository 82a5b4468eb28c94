package netsim

import (
	"container/heap"
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"time"
)

// ProxyModel is a discrete-event model of the DVM's proxies under load
// (paper §4.1.2, Figure 10): clients each fetch a program's classes one at a
// time, each request waits for a free worker at one of the replicas, is
// served for a time drawn from measured per-class service times, and the
// client sends its next request a think time after the reply arrives.
type ProxyModel struct {
	// Service holds measured service times per class; each request draws
	// one at random (an empirical distribution, not a fitted one).
	Service []time.Duration
	// Replicas is the number of proxies; requests go to the replica with
	// the fewest requests in its system (join the shortest queue).
	Replicas int
	// Workers per replica: requests served at once (its cores).
	Workers int
	// ClassesPerClient is how many classes each client fetches.
	ClassesPerClient int
	// Think is the client's pause between a reply and its next request
	// (its own work: defining and running what it got), and RTT the
	// network's round trip added to every request.
	Think, RTT time.Duration
	// Arrivals spreads the clients' first requests uniformly over this
	// window; zero starts them all at once, the paper's worst case.
	Arrivals time.Duration
	Seed     int64
}

// ProxyResult is what a simulated run measured.
type ProxyResult struct {
	Clients    int
	Requests   int
	Makespan   time.Duration // first request to last reply
	Throughput float64       // classes served per second over the makespan
	// Latency of a request, queueing plus service plus RTT: mean and
	// percentiles.
	Mean, P50, P95, P99 time.Duration
	// Utilization is the busy fraction of the replicas' workers.
	Utilization float64
}

type eventKind uint8

const (
	arrive eventKind = iota // a client's request reaches the proxies
	depart                  // a worker finishes a request
)

type event struct {
	at      time.Duration
	kind    eventKind
	client  int
	replica int
	sent    time.Duration // when the request was sent (for latency)
	seq     int64         // tie-break: events at one instant in creation order
}

type eventQueue []event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// Validate refuses a model that cannot run.
func (m ProxyModel) Validate() error {
	switch {
	case len(m.Service) == 0:
		return errors.New("proxy model: no service times (measure some first)")
	case m.Replicas < 1 || m.Workers < 1:
		return fmt.Errorf("proxy model: %d replicas of %d workers", m.Replicas, m.Workers)
	case m.ClassesPerClient < 1:
		return fmt.Errorf("proxy model: %d classes per client", m.ClassesPerClient)
	case m.Think < 0 || m.RTT < 0 || m.Arrivals < 0:
		return errors.New("proxy model: negative time")
	}
	for _, s := range m.Service {
		if s <= 0 {
			return fmt.Errorf("proxy model: service time %v is not positive", s)
		}
	}
	return nil
}

// Run simulates clients and returns what they saw. It is deterministic for
// a given Seed.
func (m ProxyModel) Run(clients int) (ProxyResult, error) {
	if err := m.Validate(); err != nil {
		return ProxyResult{}, err
	}
	if clients < 1 {
		return ProxyResult{}, fmt.Errorf("proxy model: %d clients", clients)
	}
	rng := rand.New(rand.NewSource(m.Seed))
	var q eventQueue
	var seq int64
	push := func(e event) {
		seq++
		e.seq = seq
		heap.Push(&q, e)
	}
	for c := 0; c < clients; c++ {
		at := m.RTT / 2
		if m.Arrivals > 0 {
			at += time.Duration(rng.Int63n(int64(m.Arrivals)))
		}
		push(event{at: at, kind: arrive, client: c, sent: at - m.RTT/2})
	}
	type replica struct {
		busy    int
		waiting []event // FIFO
		inSys   int
		busyFor time.Duration
	}
	reps := make([]replica, m.Replicas)
	left := make([]int, clients) // requests each client has yet to send
	for c := range left {
		left[c] = m.ClassesPerClient - 1
	}
	lat := make([]time.Duration, 0, clients*m.ClassesPerClient)
	var first, last time.Duration = -1, 0
	start := func(r int, e event, now time.Duration) {
		s := m.Service[rng.Intn(len(m.Service))]
		reps[r].busy++
		reps[r].busyFor += s
		push(event{at: now + s, kind: depart, client: e.client, replica: r, sent: e.sent})
	}
	for q.Len() > 0 {
		e := heap.Pop(&q).(event)
		now := e.at
		switch e.kind {
		case arrive:
			if first < 0 {
				first = e.sent
			}
			// Join the shortest queue; ties go to the lowest replica.
			best := 0
			for r := 1; r < len(reps); r++ {
				if reps[r].inSys < reps[best].inSys {
					best = r
				}
			}
			reps[best].inSys++
			if reps[best].busy < m.Workers {
				start(best, e, now)
			} else {
				reps[best].waiting = append(reps[best].waiting, e)
			}
		case depart:
			r := &reps[e.replica]
			r.busy--
			r.inSys--
			if len(r.waiting) > 0 {
				next := r.waiting[0]
				r.waiting = r.waiting[1:]
				start(e.replica, next, now)
			}
			done := now + m.RTT/2
			lat = append(lat, done-e.sent)
			if done > last {
				last = done
			}
			if left[e.client] > 0 {
				left[e.client]--
				sent := done + m.Think
				push(event{at: sent + m.RTT/2, kind: arrive, client: e.client, sent: sent})
			}
		}
	}
	res := ProxyResult{Clients: clients, Requests: len(lat), Makespan: last - first}
	if res.Makespan > 0 {
		res.Throughput = float64(len(lat)) / res.Makespan.Seconds()
		var busy time.Duration
		for _, r := range reps {
			busy += r.busyFor
		}
		res.Utilization = busy.Seconds() / (res.Makespan.Seconds() * float64(m.Replicas*m.Workers))
	}
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	res.Mean = sum / time.Duration(len(lat))
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	res.P50, res.P95, res.P99 = pct(0.50), pct(0.95), pct(0.99)
	return res, nil
}

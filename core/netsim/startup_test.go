package netsim

import (
	"testing"
	"time"
)

func TestStartupModel(t *testing.T) {
	rate, _ := ParseRate("28.8kbps") // 3,600 bytes/s
	m := StartupModel{Link: Link{BytesPerSec: rate, Latency: 50 * time.Millisecond}, Local: 200 * time.Millisecond, PerRequest: time.Millisecond, HeaderBytes: 0}
	classes := []Fetch{{"A", 3600}, {"B", 1800}, {"C", 1800}}
	got, err := m.Predict(classes)
	if err != nil {
		t.Fatal(err)
	}
	// 200 ms local + 3 × (100 ms round trip + 1 ms) + 7,200 bytes at 3,600 B/s.
	if want := 200*time.Millisecond + 303*time.Millisecond + 2*time.Second; got != want {
		t.Fatalf("class by class: %v, want %v", got, want)
	}
	jar, _ := m.Predict([]Fetch{{"app.jar", 7200}})
	if want := 200*time.Millisecond + 101*time.Millisecond + 2*time.Second; jar != want {
		t.Fatalf("jar: %v, want %v", jar, want)
	}
	// On an unlimited link only latency and fixed costs remain.
	m.Link.BytesPerSec = 0
	if got, _ := m.Predict(classes); got != 503*time.Millisecond {
		t.Fatalf("unlimited: %v", got)
	}
	if _, err := (StartupModel{Local: -1}).Predict(nil); err == nil {
		t.Error("negative local time accepted")
	}
	if _, err := m.Predict([]Fetch{{"X", -1}}); err == nil {
		t.Error("negative size accepted")
	}
}

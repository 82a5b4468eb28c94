package netsim

import (
	"bytes"
	"context"
	"math"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
	}{{"28.8kbps", 3600}, {"10Mbps", 1.25e6}, {"1.5Mb/s", 187500}, {"64KB/s", 64000}, {"off", 0}, {"9600bps", 1200}} {
		got, err := ParseRate(c.in)
		if err != nil || math.Abs(got-c.want) > 1e-6 {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"fast", "-3kbps", "10 parsecs"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
}

// TestShapedWriterPaces writes 6 KB through a 28.8 kbit/s link: it must
// take about 6000/3600 s less the initial burst.
func TestShapedWriterPaces(t *testing.T) {
	rate, _ := ParseRate("28.8kbps")
	var buf bytes.Buffer
	w := Link{BytesPerSec: rate, Latency: 50 * time.Millisecond}.Writer(context.Background(), &buf)
	t0 := time.Now()
	data := bytes.Repeat([]byte("x"), 6000)
	if n, err := w.Write(data); n != len(data) || err != nil {
		t.Fatalf("wrote %d, %v", n, err)
	}
	took := time.Since(t0)
	// 360-byte burst, then 5,640 bytes at 3,600 B/s: ~1.57 s, plus 50 ms.
	if took < 1400*time.Millisecond {
		t.Fatalf("6 KB over 28.8 kbit/s took only %v", took)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Fatal("data changed")
	}
	t.Logf("6000 bytes over %v took %v", Link{BytesPerSec: rate}, took)
}

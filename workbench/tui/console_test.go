package tui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dvmlab/core/proxy"
)

// TestConsoleIsLive: the console view asks its proxy again while it is
// shown, as events arrive, and stops once another view replaces it.
func TestConsoleIsLive(t *testing.T) {
	defer func(d time.Duration) { consoleEvery = d }(consoleEvery)
	consoleEvery = 50 * time.Millisecond
	var asked atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := asked.Add(1)
		// Each answer has more events than the one before, as a
		// monitoring server's has while clients run.
		json.NewEncoder(w).Encode(proxy.ConsoleState{Time: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Events: 1000 * n})
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	m := model(t)
	// The first answer says 1000 events; only a refresh can say 4000.
	v, fm := runModel(t, m, " 4000 events", 20*time.Second, "M", "ctrl+u", "="+addr, "enter")
	if !strings.Contains(v, "— console") || !strings.Contains(fm.status, "live") {
		t.Fatalf("console not refreshed:\n%s\nstatus: %s", v, fm.status)
	}
	// Another view ends the refreshing: a tick for the console then asks
	// nothing.
	fm.pane = viewListing
	if cmd := fm.refreshConsole(consoleTick{addr}); cmd != nil {
		t.Fatal("a console no longer shown is still asked for")
	}
}

package monitor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"dvmlab/datasets"
)

// DefaultLimit bounds one run of a program in one configuration. With the
// monitor on, every client waits for the server to store each of its
// events, and jython, h2, lucene and sunflow send tens to hundreds of
// millions; two minutes a run lets the full experiment (nine programs,
// five configurations) finish in about 45 minutes on two cores, the runs
// that reach it recorded as lower bounds.
const DefaultLimit = 2 * time.Minute

// runLimit is DVMLAB_MONITOR_LIMIT (a Go duration, "10m") or DefaultLimit.
func runLimit() (time.Duration, error) {
	v := os.Getenv("DVMLAB_MONITOR_LIMIT")
	if v == "" {
		return DefaultLimit, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("DVMLAB_MONITOR_LIMIT: %q is not a positive duration such as 5m", v)
	}
	return d, nil
}

// stopGrace is how long a JVM asked to stop may take to run its shutdown
// hooks (the runtime's last batch) before it is killed.
const stopGrace = 10 * time.Second

// runLimited runs p with cfg in dir for at most limit. A run that reaches
// the limit is stopped: SIGTERM, so the JVM's shutdown hooks run, then
// SIGKILL after stopGrace; it is not an error, stopped is true and out is
// nil (a program stopped midway has no output to compare).
func runLimited(ctx context.Context, p datasets.Program, cfg datasets.RunConfig, dir string, limit time.Duration) (out *datasets.Output, stopped bool, err error) {
	rctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd, done, err := p.Command(rctx, cfg, dir)
	if err != nil {
		return nil, false, err
	}
	defer done()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopGrace
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return nil, false, ctx.Err()
	}
	if err != nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s: java failed after %v: %v; stderr ends:\n%s", p.Name, elapsed.Round(time.Millisecond), err, tailLines(stderr.String(), 10))
	}
	out, err = p.Collect(cmd.Dir, stdout.String(), stderr.String(), elapsed)
	return out, false, err
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

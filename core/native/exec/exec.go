package exec

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dvmlab/core/native/alpha"
)

// Config is one differential run: `dvmlab compile --arch A [--cpu C] --exec
// M --seed N --count K IN`.
type Config struct {
	In     string // jar, directory or class file
	Arch   string // "alpha" or "amd64"
	CPU    string // for alpha: ev4 or ev67
	Method string // 'pkg.Class.method(DESC)'
	Seed   int64
	Count  int
	// Timeout bounds each side's run of all the inputs (HotSpot's, the
	// target's); 0 means DefaultTimeout. Some methods loop as often as an
	// argument says (jzlib's Tree.bi_reverse, up to 2^31 times).
	Timeout time.Duration
	// AMD64, when set, runs the method on the amd64 target: given the
	// method and the inputs it returns the outcome lines of a JVM running
	// the class the compile service rewrote.
	AMD64 func(ctx context.Context, m *Method, inputs []string) ([]string, error)
}

// DefaultTimeout is Config.Timeout's default.
const DefaultTimeout = 10 * time.Minute

// Run makes the inputs, runs HotSpot and the target, and compares. A side
// not done in cfg.Timeout is an error wrapping context.DeadlineExceeded.
func Run(ctx context.Context, cfg Config) (Result, error) {
	limit := cfg.Timeout
	if limit <= 0 {
		limit = DefaultTimeout
	}
	side := func(run func(ctx context.Context) error) error {
		ctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		err := run(ctx)
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("not done in %v (--timeout): %w", limit, context.DeadlineExceeded)
		}
		return err
	}
	m, err := ParseMethod(cfg.Method)
	if err != nil {
		return Result{}, err
	}
	if cfg.Count <= 0 {
		return Result{}, fmt.Errorf("exec: --count must be positive")
	}
	if err := m.Resolve(cfg.In); err != nil {
		return Result{}, err
	}
	inputs := Inputs(m, cfg.Seed, cfg.Count)
	var got []string
	var want []string
	switch cfg.Arch {
	case "alpha":
		cpu, err := alpha.ParseCPU(cfg.CPU)
		if err != nil {
			return Result{}, err
		}
		snap, err := Alpha{In: cfg.In, CPU: cpu}.Snapshot(m)
		if err != nil {
			return Result{}, err
		}
		var lines []string
		if err := side(func(ctx context.Context) (err error) {
			lines, err = JVM{ClassPath: []string{cfg.In}, Pre: true, Snapshot: snap}.Run(ctx, m, inputs)
			return err
		}); err != nil {
			return Result{}, err
		}
		pres := make([]string, len(inputs))
		want = make([]string, len(inputs))
		for i := range inputs {
			pres[i], want[i] = lines[2*i], lines[2*i+1]
		}
		if err := side(func(ctx context.Context) (err error) {
			got, err = Alpha{In: cfg.In, CPU: cpu}.Run(ctx, m, inputs, pres)
			return err
		}); err != nil {
			return Result{}, err
		}
	case "amd64":
		if cfg.AMD64 == nil {
			return Result{}, fmt.Errorf("exec: no amd64 runner")
		}
		if err := side(func(ctx context.Context) (err error) {
			want, err = JVM{ClassPath: []string{cfg.In}}.Run(ctx, m, inputs)
			return err
		}); err != nil {
			return Result{}, err
		}
		if err := side(func(ctx context.Context) (err error) {
			got, err = cfg.AMD64(ctx, m, inputs)
			return err
		}); err != nil {
			return Result{}, err
		}
	default:
		return Result{}, fmt.Errorf("exec: unknown arch %q (alpha or amd64)", cfg.Arch)
	}
	return Compare(inputs, want, got), nil
}

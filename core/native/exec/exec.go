package exec

import (
	"context"
	"fmt"

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
	// AMD64, when set, runs the method on the amd64 target: given the
	// method and the inputs it returns the outcome lines of a JVM running
	// the class the compile service rewrote.
	AMD64 func(ctx context.Context, m *Method, inputs []string) ([]string, error)
}

// Run makes the inputs, runs HotSpot and the target, and compares.
func Run(ctx context.Context, cfg Config) (Result, error) {
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
		lines, err := JVM{ClassPath: []string{cfg.In}, Pre: true, Snapshot: snap}.Run(ctx, m, inputs)
		if err != nil {
			return Result{}, err
		}
		pres := make([]string, len(inputs))
		want = make([]string, len(inputs))
		for i := range inputs {
			pres[i], want[i] = lines[2*i], lines[2*i+1]
		}
		got, err = Alpha{In: cfg.In, CPU: cpu}.Run(ctx, m, inputs, pres)
		if err != nil {
			return Result{}, err
		}
	case "amd64":
		if cfg.AMD64 == nil {
			return Result{}, fmt.Errorf("exec: no amd64 runner")
		}
		want, err = JVM{ClassPath: []string{cfg.In}}.Run(ctx, m, inputs)
		if err != nil {
			return Result{}, err
		}
		got, err = cfg.AMD64(ctx, m, inputs)
		if err != nil {
			return Result{}, err
		}
	default:
		return Result{}, fmt.Errorf("exec: unknown arch %q (alpha or amd64)", cfg.Arch)
	}
	return Compare(inputs, want, got), nil
}

package cli

import (
	"flag"
	"fmt"
)

// framesValue is --frames keep|recompute, one spelling for every command
// that runs the pipeline: keep recomputes a method's StackMapTable (JVMS
// §4.7.4) only where a service changed its code, recompute does it in
// every method.
type framesValue struct{ recompute *bool }

func (f framesValue) String() string {
	if f.recompute != nil && *f.recompute {
		return "recompute"
	}
	return "keep"
}

func (f framesValue) Set(s string) error {
	switch s {
	case "keep":
		*f.recompute = false
	case "recompute":
		*f.recompute = true
	default:
		return fmt.Errorf("takes keep or recompute, not %q", s)
	}
	return nil
}

// FramesFlag defines --frames keep|recompute on fs; the result says
// whether to recompute frames in every method.
func FramesFlag(fs *flag.FlagSet) *bool {
	recompute := new(bool)
	fs.Var(framesValue{recompute}, "frames", "keep: recompute frames only where a service changed code; recompute: in every method")
	return recompute
}

// ParseFrames reads keep|recompute where a flag set is not at hand (the
// REPL's pipeline command).
func ParseFrames(s string) (recompute bool, err error) {
	err = framesValue{&recompute}.Set(s)
	if err != nil {
		err = fmt.Errorf("--frames %v", err)
	}
	return recompute, err
}

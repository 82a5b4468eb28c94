package cli

import (
	"bytes"
	"fmt"
	"os"

	"dvmlab/core/runtime"
)

func init() {
	Register(&Command{
		Name:    "runtime",
		Usage:   "runtime -o FILE.jar",
		Summary: "write the client runtime (the dynamic service components rewritten code calls) as a jar",
		Example: "dvmlab runtime -o /tmp/dvmlab-runtime.jar",
		Run:     runRuntime,
	})
}

func runRuntime(env *Env, args []string) error {
	cmd := Lookup("runtime")
	fs := newFlags(env, cmd)
	out := fs.String("o", "", "the jar to write")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if *out == "" || len(pos) != 0 {
		return usageError(cmd, "need -o FILE.jar and nothing else")
	}
	var buf bytes.Buffer
	if err := runtime.WriteJar(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s (%d classes, %d bytes)\n", *out, len(runtime.Classes()), buf.Len())
	return nil
}

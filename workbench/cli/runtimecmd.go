package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
	final := *out
	if strings.HasSuffix(final, "/") {
		final = filepath.Join(final, "dvmlab-runtime.jar")
	} else if st, err := os.Stat(final); err == nil && st.IsDir() {
		final = filepath.Join(final, "dvmlab-runtime.jar")
	}
	var buf bytes.Buffer
	if err := runtime.WriteJar(&buf); err != nil {
		return err
	}
	if err := writeOutput(final, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return pathError(final, err)
	}
	fmt.Fprintf(env.Stderr, "wrote %s (%d classes, %d bytes)\n", final, len(runtime.Classes()), buf.Len())
	return nil
}

package cli

import (
	"fmt"
	"io"
	"os"

	"dvmlab/core/shadow"
)

// sitesWriter is an analysis with a per-allocation-site table (fia).
type sitesWriter interface {
	WriteSitesCSV(w io.Writer) error
}

// writeSitesCSV writes an analysis's per-site table to path ("" nothing,
// "-" standard output).
func writeSitesCSV(env *Env, an shadow.Analysis, path string) error {
	if path == "" {
		return nil
	}
	w, ok := an.(sitesWriter)
	if !ok {
		return fmt.Errorf("analysis %s writes no per-site table", an.Name())
	}
	if path == "-" {
		return w.WriteSitesCSV(env.Stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := w.WriteSitesCSV(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

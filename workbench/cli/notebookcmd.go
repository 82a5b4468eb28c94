package cli

import (
	"fmt"
	"os"
	"time"

	"dvmlab/workbench/notebook"
)

func init() {
	Register(&Command{
		Name:  "notebook",
		Usage: "notebook run [--update] [--full] FILE…",
		Summary: "run Markdown notebooks: the REPL commands of each ```dvmlab block, in one session, their output compared with the ```output block after it " +
			"(a line ending in (re) is a regular expression, in (glob) a glob with * and ?); a difference prints a diff and exits 1; --update rewrites the outputs",
		Example:     "dvmlab notebook run notebooks/*.md\ndvmlab notebook run --update notebooks/lab-stack-machine.md   # after a change that alters what it shows",
		Run:         runNotebook,
		Subcommands: []string{"run"},
	})
}

func runNotebook(env *Env, args []string) error {
	cmd := Lookup("notebook")
	if len(args) == 0 || args[0] != "run" {
		return usageError(cmd, "say run FILE…")
	}
	fs := newFlags(env, cmd)
	update := fs.Bool("update", false, "rewrite each output block (and figure links) with what its commands print now")
	full := fs.Bool("full", false, "also run the blocks fenced as dvmlab full (the long studies)")
	verbose := fs.Bool("v", false, "name each block as it starts, on stderr")
	files, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(files) == 0 {
		return usageError(cmd, "which notebooks?")
	}
	failed, broken := 0, 0
	for _, f := range files {
		t0 := time.Now()
		nb, err := notebook.ParseFile(f)
		if err == nil && len(nb.Blocks) == 0 {
			err = fmt.Errorf("%s: no ```dvmlab blocks: not a notebook", f)
		}
		if err != nil && len(files) == 1 {
			return err
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "dvmlab notebook: %v\n", err)
			broken++
			continue
		}
		opt := notebook.Options{Full: *full, Update: *update}
		if *verbose {
			opt.Progress = env.Stderr
		}
		res, err := notebook.Run(nb, opt)
		if err != nil && len(files) == 1 {
			return err
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "dvmlab notebook: %v\n", err)
			broken++
			continue
		}
		for _, d := range res.Diffs {
			fmt.Fprint(env.Stdout, d)
		}
		status := "ok"
		switch {
		case *update && res.Changed:
			if err := writeNotebook(f, res.Updated); err != nil {
				return err
			}
			status = "updated"
			fallthrough
		case *update:
			if err := res.CopyFigures(); err != nil {
				return err
			}
		case res.Failed() && !*update:
			status = fmt.Sprintf("FAILED (%d blocks differ)", len(res.Diffs))
			failed++
		}
		skipped := ""
		if res.Skipped > 0 {
			skipped = fmt.Sprintf(", %d full blocks skipped (--full runs them)", res.Skipped)
		}
		fmt.Fprintf(env.Stderr, "%s: %s, %d blocks%s, %v\n", f, status, res.Ran, skipped, time.Since(t0).Round(100*time.Millisecond))
	}
	if failed+broken > 0 {
		return &ExitError{Code: 1, Msg: fmt.Sprintf("%d of %d notebooks failed", failed+broken, len(files))}
	}
	return nil
}

// writeNotebook replaces a notebook through a temporary file and a rename,
// keeping its mode.
func writeNotebook(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, st.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

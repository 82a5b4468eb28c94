package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Outputs are written atomically or not at all: into a temporary name in
// the target's own directory (so the rename stays on one file system), and
// renamed into place only when the whole output is good. A command that
// fails leaves nothing half-written.

// outputPath resolves -o OUT for an input in: "DIR/" (or an existing
// directory, when the input is a file) means "into that directory, under
// the input's name". It refuses to write over the input itself.
func outputPath(in, out string, inIsDir bool) (string, error) {
	into := strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator))
	if !into && !inIsDir {
		if st, err := os.Stat(out); err == nil && st.IsDir() {
			into = true
		}
	}
	if into {
		out = filepath.Join(out, filepath.Base(filepath.Clean(in)))
	}
	ai, _ := filepath.Abs(in)
	ao, _ := filepath.Abs(out)
	if ai == ao {
		return "", fmt.Errorf("%s: the output would overwrite the input", out)
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() != inIsDir {
		kind := "a directory"
		if !st.IsDir() {
			kind = "a file"
		}
		return "", fmt.Errorf("%s: already exists as %s", out, kind)
	}
	return out, nil
}

// stagedOutput is an output being written under a temporary name beside
// its final one.
type stagedOutput struct {
	final, tmp string
	dir        bool
}

// stageOutput reserves a temporary name beside final: a directory when dir,
// else a path no file is at yet (the writer creates it).
func stageOutput(final string, dir bool) (*stagedOutput, error) {
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(final)+".tmp-")
	if err != nil {
		return nil, err
	}
	s := &stagedOutput{final: final, tmp: tmp, dir: dir}
	if !dir {
		// A file is written inside the reserved directory, under its own
		// name, so that writers that look at the extension see the right one.
		s.tmp = filepath.Join(tmp, filepath.Base(final))
	}
	return s, nil
}

// path is where the writer writes.
func (s *stagedOutput) path() string { return s.tmp }

// discard removes what was written.
func (s *stagedOutput) discard() {
	if s.dir {
		os.RemoveAll(s.tmp)
	} else {
		os.RemoveAll(filepath.Dir(s.tmp))
	}
}

// commit puts the output in place. A directory that was there is replaced
// whole, swapped out first so that a failure leaves the old one.
func (s *stagedOutput) commit() error {
	if !s.dir {
		defer os.Remove(filepath.Dir(s.tmp))
		// Temporary files are made private; the output is an ordinary file.
		if err := os.Chmod(s.tmp, 0o644); err != nil {
			return err
		}
		return os.Rename(s.tmp, s.final)
	}
	if _, err := os.Stat(s.final); err == nil {
		old := s.tmp + ".old"
		if err := os.Rename(s.final, old); err != nil {
			s.discard()
			return err
		}
		if err := os.Rename(s.tmp, s.final); err != nil {
			os.Rename(old, s.final)
			s.discard()
			return err
		}
		return os.RemoveAll(old)
	}
	return os.Rename(s.tmp, s.final)
}

// writeOutput writes a whole file atomically with write.
func writeOutput(final string, write func(w io.Writer) error) error {
	s, err := stageOutput(final, false)
	if err != nil {
		return err
	}
	f, err := os.Create(s.path())
	if err == nil {
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		s.discard()
		return err
	}
	return s.commit()
}

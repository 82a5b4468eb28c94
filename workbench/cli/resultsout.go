package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"dvmlab/experiments"
	"dvmlab/plots"
)

// runExperimentAtomic runs experiment name and puts its results/NAME in
// place only when the experiment and every file of it succeeded: it writes
// into a temporary sibling of results/NAME and swaps the whole directory in,
// so a failed or interrupted run leaves the previous results as they were.
func runExperimentAtomic(ctx context.Context, name string, quick bool, results string, progress io.Writer) (string, error) {
	if err := os.MkdirAll(results, 0o755); err != nil {
		return "", err
	}
	root, err := os.MkdirTemp(results, "."+name+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(root)
	// Runs an experiment keeps to resume stay in results, not in root,
	// which goes with a failed or interrupted run.
	dir, err := experiments.RunAndWriteKeeping(ctx, name, quick, root, results, progress)
	if err != nil {
		return "", err
	}
	final := filepath.Join(results, name)
	s := &stagedOutput{final: final, tmp: dir, dir: true}
	if err := s.commit(); err != nil {
		return "", err
	}
	return final, nil
}

// renderAtomic draws figure name into a temporary directory beside outDir's
// files and renames each file into outDir only when all of them were drawn,
// so a figure that fails leaves the previous one untouched.
func renderAtomic(name, results, outDir string) (files []string, err error) {
	// The directories made for the figures go again if none is drawn.
	made := outDir
	for {
		parent := filepath.Dir(made)
		if _, err := os.Stat(parent); err == nil || parent == made {
			break
		}
		made = parent
	}
	if _, err := os.Stat(made); err == nil {
		made = ""
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && made != "" {
			os.RemoveAll(made)
		}
	}()
	tmp, err := os.MkdirTemp(outDir, "."+name+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	drawn, err := plots.Render(name, results, tmp)
	if err != nil {
		return nil, err
	}
	for _, f := range drawn {
		// The temporary directory is private; the figures are ordinary files.
		if err := os.Chmod(f, 0o644); err != nil {
			return nil, err
		}
		final := filepath.Join(outDir, filepath.Base(f))
		if err := os.Rename(f, final); err != nil {
			return nil, err
		}
		files = append(files, final)
	}
	return files, nil
}

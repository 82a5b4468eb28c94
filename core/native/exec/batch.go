package exec

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

//go:embed DvmBatch.java
var batchSource []byte

var (
	batchOnce sync.Once
	batchDir  string
	batchErr  error
)

// batchRunnerDir compiles DvmBatch.java against DvmExec once per process.
func batchRunnerDir() (string, error) {
	batchOnce.Do(func() {
		rd, err := RunnerDir()
		if err != nil {
			batchErr = err
			return
		}
		batchDir, batchErr = javacSource("dvmbatch", "DvmBatch.java", batchSource, rd)
	})
	return batchDir, batchErr
}

// Batch is one method's share of RunMany: its inputs in, its outcome lines
// (one per input) or why it has none out.
type Batch struct {
	M      *Method
	Inputs []string
	Lines  []string
	Err    error
}

// RunMany runs DvmExec on each method in turn in one JVM (DvmBatch.java),
// with j's class path and options (not Pre). A method whose run failed
// (DvmExec threw, too few lines) gets an Err and no lines; the caller can
// run it alone with Run to see why. The error returned is the JVM's own
// (it did not start, it crashed, the time ran out): then no method has
// lines past the one it died in.
func (j JVM) RunMany(ctx context.Context, bs []*Batch) error {
	rd, err := RunnerDir()
	if err != nil {
		return err
	}
	bd, err := batchRunnerDir()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "dvmbatch-run")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var list strings.Builder
	for i, b := range bs {
		in := filepath.Join(tmp, fmt.Sprintf("in%d", i))
		if err := os.WriteFile(in, []byte(strings.Join(b.Inputs, "\n")+"\n"), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&list, "%s %s %s %s\n", b.M.Class, b.M.Name, b.M.Desc, in)
	}
	listFile := filepath.Join(tmp, "list")
	if err := os.WriteFile(listFile, []byte(list.String()), 0o644); err != nil {
		return err
	}
	entries := []string{bd, rd}
	for _, e := range j.ClassPath {
		root, err := classPathEntry(e)
		if err != nil {
			return err
		}
		entries = append(entries, root)
	}
	args := append([]string{"-Xshare:off", "-XX:-OmitStackTraceInFastThrow"}, j.Options...)
	args = append(args, "-cp", strings.Join(entries, string(os.PathListSeparator)), "DvmBatch", listFile)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(Java(), "bin", "java"), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	runErr := cmd.Run()
	if j.Stderr != nil {
		j.Stderr.Write(errb.Bytes())
	}
	// Sections end in "@@end" or "@@error ..."; a JVM that died leaves the
	// rest without one.
	lines := strings.Split(out.String(), "\n")
	k := 0
	for _, b := range bs {
		var sec []string
		end := ""
		for k < len(lines) {
			l := lines[k]
			k++
			if l == "@@end" || strings.HasPrefix(l, "@@error") {
				end = l
				break
			}
			sec = append(sec, l)
		}
		switch {
		case end == "":
			b.Err = fmt.Errorf("exec: the JVM stopped before %s was done", b.M)
		case end != "@@end":
			b.Err = fmt.Errorf("exec: DvmExec %s: %s", b.M, strings.TrimPrefix(end, "@@error "))
		case len(sec) != len(b.Inputs):
			b.Err = fmt.Errorf("exec: DvmExec %s: %d lines for %d inputs", b.M, len(sec), len(b.Inputs))
		default:
			b.Lines = sec
		}
	}
	if runErr != nil {
		return fmt.Errorf("exec: java DvmBatch: %v: %s", runErr, strings.TrimSpace(tail(errb.String(), 2000)))
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

package shadowexp

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"dvmlab/experiments"
)

// The full forms of Tables 2, 3 and 4 take hours (ten runs of each FIA on
// five programs, a lucene or sunflow ShadowVM run taking minutes), more
// than one sitting and more than a machine stays quiet. Each finished run
// is therefore kept under RESULTS/fia-runs, one file per run, and a later
// invocation counts the runs kept and makes only the missing ones: an
// interrupted table resumes where it stopped, DVMLAB_FIA_PROGRAMS may run
// the programs in separate jobs, and the table is always computed from
// every run kept. The quick forms keep nothing.

// runStore keeps the finished runs of one kind ("gc" for Table 2,
// "coverage" for Tables 3 and 4) under dir.
type runStore struct {
	dir string // "" keeps nothing
}

// storeFor returns the store of kind for env: none in quick mode or when
// the runner names no results directory.
func storeFor(env *experiments.Env, kind string) runStore {
	if env.Quick || env.Results == "" {
		return runStore{}
	}
	return runStore{dir: filepath.Join(env.Results, "fia-runs", kind)}
}

// storedRun is the envelope of one kept run: where it was made, then its
// data.
type storedRun struct {
	Program  string          `json:"program"`
	Mode     string          `json:"mode"`
	Run      int             `json:"run"` // 0-based
	Revision string          `json:"git_revision"`
	Data     json.RawMessage `json:"data"`
}

func (s runStore) path(program, mode string, run int) string {
	return filepath.Join(s.dir, fmt.Sprintf("%s-%s-%02d.json.gz", program, mode, run))
}

// load returns the kept runs of program in mode, numbered from 0 without
// gaps (a run file missing in the middle ends the sequence), at most n.
func (s runStore) load(program, mode string, n int, decode func(json.RawMessage) error) (int, error) {
	if s.dir == "" {
		return 0, nil
	}
	for i := 0; i < n; i++ {
		f, err := os.Open(s.path(program, mode, i))
		if os.IsNotExist(err) {
			return i, nil
		}
		if err != nil {
			return i, err
		}
		var r storedRun
		zr, err := gzip.NewReader(f)
		if err == nil {
			err = json.NewDecoder(zr).Decode(&r)
		}
		f.Close()
		if err == nil && (r.Program != program || r.Mode != mode || r.Run != i) {
			err = fmt.Errorf("it holds %s %s run %d", r.Program, r.Mode, r.Run)
		}
		if err == nil {
			err = decode(r.Data)
		}
		if err != nil {
			return i, fmt.Errorf("kept run %s: %v (delete it to make the run again)", s.path(program, mode, i), err)
		}
	}
	return n, nil
}

// save keeps run i of program in mode. It writes a temporary file and
// renames it, so an interrupted save leaves no half-written run.
func (s runStore) save(program, mode string, i int, data any) error {
	if s.dir == "" {
		return nil
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, ".run-*")
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(tmp)
	err = json.NewEncoder(zw).Encode(storedRun{Program: program, Mode: mode, Run: i, Revision: experiments.Revision(), Data: raw})
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.path(program, mode, i))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

var runFile = regexp.MustCompile(`^([a-z0-9]+)-(.+)-(\d+)\.json\.gz$`)

// programs lists the programs with a kept run, in the order of want
// (the full list of the table), so that a table made while one program
// runs still shows the others' rows.
func (s runStore) programs(want []string) []string {
	if s.dir == "" {
		return nil
	}
	ents, _ := os.ReadDir(s.dir)
	have := map[string]bool{}
	for _, e := range ents {
		if m := runFile.FindStringSubmatch(e.Name()); m != nil {
			if _, err := strconv.Atoi(m[3]); err == nil {
				have[m[1]] = true
			}
		}
	}
	var out []string
	for _, w := range want {
		if have[w] {
			out = append(out, w)
		}
	}
	return out
}

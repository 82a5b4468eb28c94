// Package experiments runs the experiments behind the papers' figures and
// tables and writes what they measured as CSV, one directory per experiment
// (results/NAME/*.csv) with a metadata file saying where, when and how often
// it was measured. Experiments plug in with Register; package
// experiments/figures registers the DVM paper's.
package experiments

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Experiment is one figure or table.
type Experiment struct {
	Name    string // e.g. fig10
	Title   string // what the paper calls it
	Measure string // what is measured, against what, one line
	Run     func(ctx context.Context, env *Env) ([]Table, error)
}

// Env is what an experiment is given.
type Env struct {
	// Quick asks for a run of seconds: fewer programs, repetitions, points.
	Quick bool
	// Warmup and Reps are the throwaway and counted repetitions of each
	// measurement (the paper: 3 and 5). An experiment whose runs are too
	// long for that may lower them; the metadata records what it used.
	Warmup, Reps int
	// Progress gets a line per step; never nil.
	Progress io.Writer
	// Results is the results directory the tables go to (their parent:
	// results, not results/NAME); an experiment whose runs take hours may
	// keep its finished runs below it to resume later. "" keeps nothing.
	Results string
}

// Say writes a progress line.
func (e *Env) Say(format string, args ...any) {
	fmt.Fprintf(e.Progress, format+"\n", args...)
}

// Table is one CSV file of results.
type Table struct {
	Name   string // file name without .csv
	Header []string
	Rows   [][]string
}

// Add appends a row, formatting each value: floats with up to 6
// significant digits, durations in milliseconds.
func (t *Table) Add(values ...any) {
	row := make([]string, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case float64:
			row[i] = strconv.FormatFloat(v, 'g', 6, 64)
		case time.Duration:
			row[i] = strconv.FormatFloat(float64(v)/float64(time.Millisecond), 'f', 3, 64)
		default:
			row[i] = fmt.Sprint(v)
		}
	}
	t.Rows = append(t.Rows, row)
}

var (
	mu       sync.Mutex
	registry = map[string]*Experiment{}
)

// Register makes experiments available by name.
func Register(es ...*Experiment) {
	mu.Lock()
	defer mu.Unlock()
	for _, e := range es {
		registry[e.Name] = e
	}
}

// List returns the experiments sorted by name.
func List() []*Experiment {
	mu.Lock()
	defer mu.Unlock()
	var out []*Experiment
	for _, e := range registry {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup finds an experiment.
func Lookup(name string) (*Experiment, bool) {
	mu.Lock()
	defer mu.Unlock()
	e, ok := registry[name]
	return e, ok
}

// Metadata is written beside the CSVs.
type Metadata struct {
	Experiment string    `json:"experiment"`
	Title      string    `json:"title"`
	Quick      bool      `json:"quick"`
	Warmup     int       `json:"warmup"`
	Reps       int       `json:"repetitions"`
	Started    time.Time `json:"started"`
	Seconds    float64   `json:"seconds"`
	Machine    struct {
		OS     string `json:"os"`
		Arch   string `json:"arch"`
		CPUs   int    `json:"cpus"`
		CPU    string `json:"cpu"`
		Memory string `json:"memory"`
	} `json:"machine"`
	JVM      string   `json:"jvm"`
	Revision string   `json:"git_revision"`
	Files    []string `json:"files"`
}

// RunAndWrite runs the named experiment and writes its tables and metadata
// under resultsDir/NAME, replacing what an earlier run wrote there.
func RunAndWrite(ctx context.Context, name string, quick bool, resultsDir string, progress io.Writer) (string, error) {
	e, ok := Lookup(name)
	if !ok {
		var names []string
		for _, x := range List() {
			names = append(names, x.Name)
		}
		return "", fmt.Errorf("no experiment %q (have %s)", name, strings.Join(names, ", "))
	}
	if progress == nil {
		progress = io.Discard
	}
	env := &Env{Quick: quick, Warmup: 3, Reps: 5, Progress: progress, Results: resultsDir}
	if quick {
		env.Warmup, env.Reps = 0, 1
	}
	md := Metadata{Experiment: e.Name, Title: e.Title, Quick: quick, Warmup: env.Warmup, Reps: env.Reps, Started: time.Now().UTC()}
	tables, err := e.Run(ctx, env)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	md.Seconds = time.Since(md.Started).Seconds()
	// An experiment may choose its own repetitions (see Env).
	md.Warmup, md.Reps = env.Warmup, env.Reps
	dir := filepath.Join(resultsDir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, t := range tables {
		if err := t.Check(); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		f := filepath.Join(dir, t.Name+".csv")
		if err := writeCSV(f, t); err != nil {
			return "", err
		}
		md.Files = append(md.Files, t.Name+".csv")
	}
	describeMachine(&md)
	data, _ := json.MarshalIndent(md, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "metadata.json"), append(data, '\n'), 0o644); err != nil {
		return "", err
	}
	return dir, nil
}

// Check refuses a table with ragged rows or numbers that are not finite.
func (t *Table) Check() error {
	if len(t.Header) == 0 {
		return fmt.Errorf("table %s has no header", t.Name)
	}
	for i, r := range t.Rows {
		if len(r) != len(t.Header) {
			return fmt.Errorf("table %s row %d has %d fields, the header %d", t.Name, i+1, len(r), len(t.Header))
		}
		for _, v := range r {
			if f, err := strconv.ParseFloat(v, 64); err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
				return fmt.Errorf("table %s row %d: %s", t.Name, i+1, v)
			}
		}
	}
	return nil
}

func writeCSV(path string, t Table) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write(t.Header)
	w.WriteAll(t.Rows)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadCSV reads a table written by RunAndWrite.
func ReadCSV(path string) (Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return Table{}, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return Table{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return Table{}, fmt.Errorf("%s: empty", path)
	}
	t := Table{Name: strings.TrimSuffix(filepath.Base(path), ".csv"), Header: recs[0], Rows: recs[1:]}
	return t, t.Check()
}

func describeMachine(md *Metadata) {
	md.Machine.OS, md.Machine.Arch, md.Machine.CPUs = runtime.GOOS, runtime.GOARCH, runtime.NumCPU()
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				md.Machine.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if l, _, ok := strings.Cut(string(b), "\n"); ok {
			md.Machine.Memory = strings.Join(strings.Fields(strings.TrimPrefix(l, "MemTotal:")), " ")
		}
	}
	java := "java"
	if h := os.Getenv("JAVA_HOME"); h != "" {
		java = filepath.Join(h, "bin", "java")
	}
	if out, err := exec.Command(java, "-version").CombinedOutput(); err == nil {
		md.JVM = strings.Join(strings.Fields(strings.Split(string(out), "\n")[1]), " ")
	}
	md.Revision = Revision()
}

// Revision is the git commit of the working tree, with "+modified" when
// tracked files differ from it; "" outside a git checkout.
func Revision() string {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		rev += "+modified"
	}
	return rev
}

// Stats are a measurement's counted repetitions.
type Stats struct {
	Times            []time.Duration
	Median, Min, Max time.Duration
}

// Repeat runs f env.Warmup times unmeasured, then env.Reps times, and
// returns the counted durations f reports.
func Repeat(env *Env, what string, f func() (time.Duration, error)) (Stats, error) {
	var s Stats
	for i := -env.Warmup; i < env.Reps; i++ {
		d, err := f()
		if err != nil {
			return s, err
		}
		if i >= 0 {
			s.Times = append(s.Times, d)
			env.Say("  %s: repetition %d/%d %v", what, i+1, env.Reps, d.Round(time.Millisecond))
		}
	}
	if len(s.Times) == 0 {
		return s, errors.New("no counted repetition")
	}
	t := slices.Clone(s.Times)
	slices.Sort(t)
	s.Median, s.Min, s.Max = t[len(t)/2], t[0], t[len(t)-1]
	return s, nil
}

// Bar draws a fraction of width cells as a text bar, in eighths of a cell,
// for tables shown in a terminal. Nothing for a fraction that is not
// positive.
func Bar(frac float64, width int) string {
	if frac <= 0 || math.IsNaN(frac) {
		return ""
	}
	e := int(frac * float64(width*8))
	s := strings.Repeat("█", e/8)
	if r := e % 8; r > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[r-1])
	}
	return s
}

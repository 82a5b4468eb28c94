package repl

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"dvmlab/core/shadow"
	"dvmlab/core/shadow/analyses"
)

func isShadowLog(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 32)
	n, _ := io.ReadFull(f, head)
	return shadow.IsLog(head[:n])
}

// loadShadowLog reads a ShadowVM event log and summarises it: what was
// offered and instrumented, the threads and objects the events name, the
// events per hook.
func (s *Session) loadShadowLog(path string) error {
	l, err := shadow.ReadLogFile(path)
	if err != nil {
		return err
	}
	st, perHook, err := l.Count()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	s.shadowLog, s.shadowPath = l, path
	fmt.Fprintf(s.Out, "loaded shadow log %s: analysis %s, recorded under %s ordering\n", path, l.Analysis, l.Ordering)
	fmt.Fprintf(s.Out, "  %d classes offered, %d sites, %d threads, %d classes named, %d objects with identities, %d freed, %d thread ends, VM death %v\n",
		l.Registry.Offered(), len(l.Registry.Sites()), st.Threads, st.Classes, st.Objects, st.Frees, st.ThreadEnds, st.Death)
	names := make([]string, 0, len(perHook))
	for n := range perHook {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(s.Out, "  hook %-12s %d events\n", n, perHook[n])
	}
	return nil
}

// shadowTable replays the loaded log with its analysis and prints the top
// rows of the analysis's table.
func (s *Session) shadowTable(args []string) error {
	if s.shadowLog == nil {
		return errors.New("no shadow log loaded (try: load RUN.shlog, written by dvmlab shadow --log)")
	}
	fs := flag.NewFlagSet("shadow", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	top := fs.Int("top", 10, "rows to show")
	ordering := fs.String("ordering", "", "ordering model to replay under (default: the recorded one)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("usage: shadow [--top N] [--ordering global|thread|group]: %v", err)
	}
	ord := s.shadowLog.Ordering
	if *ordering != "" {
		var err error
		if ord, err = shadow.ParseOrdering(*ordering); err != nil {
			return err
		}
	}
	an, err := analyses.New(s.shadowLog.Analysis, "")
	if err != nil {
		return err
	}
	if _, err := s.shadowLog.Replay(an, ord); err != nil {
		return err
	}
	w, ok := an.(shadow.CSVWriter)
	if !ok {
		return fmt.Errorf("analysis %s has no table", an.Name())
	}
	var b strings.Builder
	if err := w.WriteCSV(&b, s.shadowLog.Registry); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) == 0 {
		return nil
	}
	header, rows := lines[0], lines[1:]
	if strings.HasPrefix(header, "site,class,count") {
		// most allocations first
		sort.SliceStable(rows, func(i, j int) bool { return lastInt(rows[i]) > lastInt(rows[j]) })
	}
	fmt.Fprintf(s.Out, "%s (replayed under %s ordering, %d rows)\n", header, ord, len(rows))
	for i, r := range rows {
		if i == *top {
			break
		}
		fmt.Fprintln(s.Out, r)
	}
	return nil
}

func lastInt(row string) int64 {
	var n int64
	i := strings.LastIndexByte(row, ',')
	fmt.Sscan(row[i+1:], &n)
	return n
}

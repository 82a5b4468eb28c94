package repl

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"dvmlab/core/classfile"
)

// The field immutability analysis's verdicts beside a class's fields: the
// per-field table of `dvmlab shadow --analysis fia --csv FILE` (ShadowVM or
// --in-process), loaded with "fia FILE.csv", then "fia CLASS".

func init() {
	commands = append(commands, command{"fia", "fia FILE.csv | fia CLASS",
		"load a field-immutability table (dvmlab shadow --analysis fia --csv), or show a loaded class's fields with their verdicts: immutable, stationary, mutable, or not accessed",
		"fia JLex.CSpec", (*Session).fia})
}

type fiaRow struct{ verdict, writes, ctorWrites, reads string }

// fiaTables holds each session's loaded table (class -> field -> row).
var (
	fiaMu     sync.Mutex
	fiaTables = map[*Session]map[string]map[string]fiaRow{}
)

func (s *Session) fia(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: fia FILE.csv | fia CLASS")
	}
	if strings.HasSuffix(args[0], ".csv") {
		return s.loadFIA(args[0])
	}
	fiaMu.Lock()
	table := fiaTables[s]
	fiaMu.Unlock()
	if table == nil {
		return errors.New("no field-immutability table loaded (dvmlab shadow --analysis fia --csv FILE -- java …, then: fia FILE)")
	}
	class, _, err := s.resolve(args[0])
	if err != nil {
		return err
	}
	c, _, err := s.read(class)
	if err != nil {
		return err
	}
	rows := table[class]
	fmt.Fprintf(s.Out, "%s: %d fields\n", classfile.BinaryName(class), len(c.Fields))
	fmt.Fprintf(s.Out, "  %-10s %-28s %-22s %8s %8s %8s\n", "verdict", "field", "type", "writes", "in ctor", "reads")
	for _, f := range c.Fields {
		name, desc := c.MemberName(f), c.MemberDesc(f)
		mods := ""
		if f.Access.Has(classfile.AccStatic) {
			mods += "static "
		}
		if f.Access.Has(classfile.AccFinal) {
			mods += "final "
		}
		r, ok := rows[name]
		if !ok {
			fmt.Fprintf(s.Out, "  %-10s %-28s %-22s %8s %8s %8s\n", "-", mods+name, desc, "", "", "")
			continue
		}
		fmt.Fprintf(s.Out, "  %-10s %-28s %-22s %8s %8s %8s\n", r.verdict, mods+name, desc, r.writes, r.ctorWrites, r.reads)
	}
	return nil
}

func (s *Session) loadFIA(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	want := []string{"class", "field", "verdict", "writes", "writes_in_constructor", "reads"}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(want, ",") {
		return fmt.Errorf("%s: not a field-immutability table (want the header %s)", path, strings.Join(want, ","))
	}
	table := map[string]map[string]fiaRow{}
	counts := map[string]int{}
	for _, r := range recs[1:] {
		if len(r) != len(want) {
			return fmt.Errorf("%s: a row of %d columns", path, len(r))
		}
		if table[r[0]] == nil {
			table[r[0]] = map[string]fiaRow{}
		}
		table[r[0]][r[1]] = fiaRow{r[2], r[3], r[4], r[5]}
		counts[r[2]]++
	}
	fiaMu.Lock()
	fiaTables[s] = table
	fiaMu.Unlock()
	fmt.Fprintf(s.Out, "loaded %s: %d fields of %d classes: %d immutable, %d stationary, %d mutable\n",
		path, len(recs)-1, len(table), counts["immutable"], counts["stationary"], counts["mutable"])
	return nil
}

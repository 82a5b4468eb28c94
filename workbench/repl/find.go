package repl

import (
	"errors"
	"fmt"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/workbench/listing"
)

// find searches the current listing, case-insensitively, and prints each
// matching line under the declaration of the member it belongs to.
func (s *Session) find(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: find TEXT")
	}
	if s.current == "" {
		return errors.New("no current class (try: show CLASS[.METHOD])")
	}
	_, data, err := s.read(s.current)
	if err != nil {
		return err
	}
	lines, err := listing.Of(data, s.currentMethod)
	if err != nil {
		return fmt.Errorf("%s: %w", classfile.BinaryName(s.current), err)
	}
	want := strings.ToLower(strings.Join(args, " "))
	member, shown, n := "", "", 0
	for _, l := range lines {
		if len(l) > 2 && l[:2] == "  " && l[2] != ' ' {
			member = l
		}
		if !strings.Contains(strings.ToLower(l), want) {
			continue
		}
		if member != shown && member != l {
			fmt.Fprintln(s.Out, member)
			shown = member
		}
		fmt.Fprintln(s.Out, l)
		n++
	}
	if n == 0 {
		return fmt.Errorf("%q: not in %s", want, classfile.BinaryName(s.current))
	}
	return nil
}

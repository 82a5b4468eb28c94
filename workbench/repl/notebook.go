package repl

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"dvmlab/workbench/cli"
	"dvmlab/workbench/notebook"
)

// Notebooks run in a REPL session, so a notebook runs exactly what a
// person types.
func init() {
	notebook.Sessions = func(out io.Writer) notebook.Session { return notebookSession{NewSession(out, out)} }
}

type notebookSession struct{ *Session }

// notInNotebooks are the commands that would never return in a notebook,
// and why.
var notInNotebooks = map[string]string{
	"origin":   "serves until interrupted, which a notebook cannot do (compare runs an origin, a proxy and a client, and stops them)",
	"proxy":    "serves until interrupted, which a notebook cannot do (compare runs an origin, a proxy and a client, and stops them)",
	"tui":      "is interactive; a notebook has no terminal",
	"repl":     "is interactive; a notebook's blocks already run in one REPL session",
	"notebook": "cannot run inside a notebook",
}

// Check says whether line names a command: the REPL's own, or one of the
// command line's (directly or after run).
func (s notebookSession) Check(line string) error {
	args, err := splitArgs(line)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return nil
	}
	name := args[0]
	if name == "run" && len(args) > 1 {
		if why, ok := notInNotebooks[args[1]]; ok {
			return fmt.Errorf("%s %s", args[1], why)
		}
	}
	if why, ok := notInNotebooks[name]; ok {
		return fmt.Errorf("%s %s", name, why)
	}
	if name == "dvmlab" || strings.HasSuffix(name, "/dvmlab") {
		return fmt.Errorf("unknown command %q: write commands as the REPL takes them, without the program's name (%s)", name, strings.Join(args[1:], " "))
	}
	if name == "run" {
		if len(args) == 1 {
			return errors.New("run: which command? (see dvmlab help)")
		}
		if cli.Lookup(args[1]) == nil {
			return fmt.Errorf("unknown command %q after run (dvmlab help lists them)", args[1])
		}
		return nil
	}
	if name == "exit" {
		return nil
	}
	for _, c := range commands {
		if c.name == name {
			return nil
		}
	}
	if cli.Lookup(name) != nil {
		return nil
	}
	return fmt.Errorf("unknown command %q (help lists the REPL's commands, dvmlab help the command line's)", name)
}

// Package cli is dvmlab's command line. Every command is a function over
// arguments and two writers, so the REPL and notebooks run exactly the same
// code a person runs from the shell.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Env is where a command reads and writes.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Command is one dvmlab subcommand.
type Command struct {
	Name    string
	Usage   string // the synopsis after "dvmlab "
	Summary string
	Example string
	Run     func(env *Env, args []string) error
}

// ExitError carries a non-zero exit status with an optional message.
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

// usageError reports a bad command line; it exits with status 2.
func usageError(cmd *Command, format string, args ...any) error {
	return &ExitError{Code: 2, Msg: fmt.Sprintf(format, args...) + "\nusage: dvmlab " + cmd.Usage}
}

var commands = map[string]*Command{}

// Register adds a command; packages above cli (the REPL, the TUI) add theirs.
func Register(c *Command) { commands[c.Name] = c }

// Commands lists the commands, sorted by name.
func Commands() []*Command {
	out := make([]*Command, 0, len(commands))
	for _, c := range commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the named command, or nil.
func Lookup(name string) *Command { return commands[name] }

// Run runs one command line (without the program name) and returns the exit
// status. Errors are printed to env.Stderr as one line per error.
func Run(env *Env, args []string) int {
	if len(args) == 0 {
		printUsage(env.Stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) > 1 {
			if c := commands[args[1]]; c != nil {
				printHelp(env.Stdout, c)
				return 0
			}
			fmt.Fprintf(env.Stderr, "dvmlab: no command %q\n", args[1])
			return 2
		}
		printUsage(env.Stdout)
		return 0
	}
	c := commands[name]
	if c == nil {
		fmt.Fprintf(env.Stderr, "dvmlab: unknown command %q (try: dvmlab help)\n", name)
		return 2
	}
	err := c.Run(env, args[1:])
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Msg != "" {
			fmt.Fprintf(env.Stderr, "dvmlab %s: %s\n", name, ee.Msg)
		}
		return ee.Code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(env.Stderr, "dvmlab %s: %v\n", name, err)
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: dvmlab COMMAND [ARGS…]")
	fmt.Fprintln(w)
	for _, c := range Commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\nRun 'dvmlab help COMMAND' for a command's usage and an example.")
}

func printHelp(w io.Writer, c *Command) {
	fmt.Fprintf(w, "usage: dvmlab %s\n\n%s\n", c.Usage, c.Summary)
	if c.Example != "" {
		fmt.Fprintf(w, "\nexample:\n  %s\n", strings.ReplaceAll(c.Example, "\n", "\n  "))
	}
}

// newFlags makes a FlagSet whose errors and -h output go to env.Stderr.
func newFlags(env *Env, c *Command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: dvmlab %s\n", c.Usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses flags that may come before or after positional
// arguments, as javap and most Unix tools allow.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

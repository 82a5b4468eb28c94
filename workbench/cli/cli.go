// Package cli is dvmlab's command line. Every command is a function over
// arguments and two writers, so the REPL and notebooks run exactly the same
// code a person runs from the shell.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Env is where a command reads and writes.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// help makes newFlags answer -h with the options on Stdout: Run asks a
	// command for its options this way, and the command does no work.
	help bool
	// helpTitle heads the options newFlags prints for help ("options" if
	// empty).
	helpTitle string
}

// Command is one dvmlab subcommand.
type Command struct {
	Name    string
	Usage   string // the synopsis after "dvmlab "
	Summary string
	Example string
	Run     func(env *Env, args []string) error
	// Subcommands are those of a command that takes a subcommand first
	// and whose flag sets differ; --help prints the options of each. An
	// entry "a|b" names subcommands that share one flag set, asked as a;
	// "" is the command without a subcommand.
	Subcommands []string
}

// ExitError carries a non-zero exit status with an optional message.
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

// usageError reports a bad command line on one line; it exits with status 2.
func usageError(cmd *Command, format string, args ...any) error {
	return &ExitError{Code: 2, Msg: fmt.Sprintf(format, args...) + usageHint(cmd)}
}

// UsageError is usageError for commands registered from other packages.
func UsageError(cmd *Command, format string, args ...any) error {
	return usageError(cmd, format, args...)
}

// usageHint is the synopsis after an error, kept to the error's one line:
// a synopsis of several lines is only pointed at.
func usageHint(cmd *Command) string {
	if strings.Contains(cmd.Usage, "\n") {
		return " (see: dvmlab help " + cmd.Name + ")"
	}
	return " (usage: dvmlab " + cmd.Usage + ")"
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
	if name == "--version" || name == "version" {
		fmt.Fprintln(env.Stdout, Version())
		return 0
	}
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
	if asksHelp(args[1:]) {
		printHelp(env.Stdout, c)
		// The options are the command's own flag set's: ask it for them.
		printOptions(env.Stdout, c)
		return 0
	}
	err := runRecovered(c, env, args[1:])
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
		printHelp(env.Stdout, c)
		return 0
	}
	fmt.Fprintf(env.Stderr, "dvmlab %s: %s\n", name, oneLine(err.Error()))
	return 1
}

// printOptions prints a command's options, or each subcommand's, by asking
// its flag sets (the command does no work when asked for help).
func printOptions(w io.Writer, c *Command) {
	help := func(title string, args ...string) {
		runRecovered(c, &Env{Stdin: strings.NewReader(""), Stdout: w, Stderr: io.Discard, help: true, helpTitle: title}, append(args, "-h"))
	}
	if len(c.Subcommands) == 0 {
		help("")
		return
	}
	for _, s := range c.Subcommands {
		if s == "" {
			help("")
			continue
		}
		first, _, _ := strings.Cut(s, "|")
		help("options of "+c.Name+" "+s, first)
	}
}

// runRecovered runs a command; a panic, which is a bug of ours whatever the
// input, is reported as one line like any error, unless DVMLAB_DEBUG is
// set, when it goes on with its stack trace.
func runRecovered(c *Command, env *Env, args []string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv("DVMLAB_DEBUG") != "" {
				panic(r)
			}
			err = fmt.Errorf("internal error: %v (a bug: DVMLAB_DEBUG=1 shows where)", r)
		}
	}()
	return c.Run(env, args)
}

// asksHelp reports whether a command line asks for the command's help
// rather than for work: -h, -help or --help among its options. Options end
// at "--" and at a URL, after which arguments belong to the program run
// (shadow's java command, run's application).
func asksHelp(args []string) bool {
	for _, a := range args {
		switch {
		case a == "--" || strings.Contains(a, "://"):
			return false
		case a == "-h" || a == "-help" || a == "--help":
			return true
		}
	}
	return false
}

// oneLine keeps an error to the one line the error style promises: what
// a wrapped error carried over several lines is joined with "; ".
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ; ")), " ")
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

// newFlags makes a FlagSet whose errors go to env.Stderr as one line in
// the error style ("dvmlab CMD: flag provided but not defined: -x (usage:
// …)"); -h is answered by Run, with the command's help on stdout.
func newFlags(env *Env, c *Command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(&flagErrors{w: env.Stderr, cmd: c})
	fs.Usage = func() {}
	if env.help {
		title := env.helpTitle
		if title == "" {
			title = "options"
		}
		fs.Usage = func() {
			fmt.Fprintf(env.Stdout, "\n%s:\n", title)
			fs.SetOutput(env.Stdout)
			fs.PrintDefaults()
		}
	}
	return fs
}

// NewFlags is newFlags for commands registered from other packages.
func NewFlags(env *Env, c *Command) *flag.FlagSet { return newFlags(env, c) }

// ParseInterspersed is parseInterspersed for commands registered from other
// packages.
func ParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	return parseInterspersed(fs, args)
}

// flagErrors prefixes what the flag package prints about a bad flag.
type flagErrors struct {
	w   io.Writer
	cmd *Command
}

func (f *flagErrors) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	if msg != "" {
		fmt.Fprintf(f.w, "dvmlab %s: %s%s\n", f.cmd.Name, oneLine(msg), usageHint(f.cmd))
	}
	return len(p), nil
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

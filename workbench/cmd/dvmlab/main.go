// Command dvmlab is the research workbench for distributed virtual machines:
// see README.md, or run `dvmlab help`. With no arguments it opens the
// terminal UI on the running JDK; `dvmlab PATH` opens it on PATH.
package main

import (
	"os"

	"dvmlab/workbench/cli"
	_ "dvmlab/workbench/repl"
	_ "dvmlab/workbench/tui"
)

func main() {
	env := &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	args := os.Args[1:]
	if len(args) == 0 {
		args = []string{"tui"}
	} else if len(args) == 1 && cli.Lookup(args[0]) == nil {
		if _, err := os.Stat(args[0]); err == nil {
			args = []string{"tui", args[0]}
		}
	}
	os.Exit(cli.Run(env, args))
}

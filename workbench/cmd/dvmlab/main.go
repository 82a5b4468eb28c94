// Command dvmlab is the research workbench for distributed virtual machines:
// see README.md, or run `dvmlab help`.
package main

import (
	"os"

	"dvmlab/workbench/cli"
	_ "dvmlab/workbench/repl"
)

func main() {
	env := &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(cli.Run(env, os.Args[1:]))
}

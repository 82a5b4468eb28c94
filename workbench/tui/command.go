package tui

import (
	"flag"
	"fmt"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/workbench/cli"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "tui",
		Usage:   "tui [--services a,b] [--frames] [PATH]",
		Summary: "the terminal UI: browse classes (the running JDK when no PATH is given) and step them through the pipeline",
		Example: "dvmlab tui --services coverage /usr/share/java/JLex.jar",
		Run:     runTUI,
	})
}

func runTUI(env *cli.Env, args []string) error {
	fs := flag.NewFlagSet("tui", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	services := fs.String("services", "coverage", "the pipeline the stepper runs")
	frames := fs.Bool("frames", false, "recompute frames in every method at the last stage")
	if err := fs.Parse(args); err != nil {
		return &cli.ExitError{Code: 2}
	}
	p, err := service.Parse(*services)
	if err != nil {
		return err
	}
	p.RecomputeFrames = *frames
	var src classpath.Source
	switch fs.NArg() {
	case 0:
		src, err = classpath.OpenJDK("")
	case 1:
		src, err = classpath.Open(fs.Arg(0))
	default:
		return &cli.ExitError{Code: 2, Msg: "usage: dvmlab tui [--services a,b] [--frames] [PATH]"}
	}
	if err != nil {
		return err
	}
	defer src.Close()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return fmt.Errorf("the JDK is needed for frame computation: %w", err)
	}
	defer jdk.Close()
	p.Hierarchy = classpath.NewHierarchy(src, jdk)
	return Run(src, p)
}

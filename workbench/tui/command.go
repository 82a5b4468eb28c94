package tui

import (
	"errors"
	"fmt"
	"os"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/workbench/cli"
	"dvmlab/workbench/listing"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "tui",
		Usage:   "tui [--services a,b] [--frames keep|recompute] [--coverage FILE] [PATH]",
		Summary: "the terminal UI: browse classes (the running JDK when no PATH is given) and step them through the pipeline",
		Example: "dvmlab tui --services coverage /usr/share/java/JLex.jar",
		Run:     runTUI,
	})
}

func runTUI(env *cli.Env, args []string) error {
	cmd := cli.Lookup("tui")
	fs := cli.NewFlags(env, cmd)
	services := fs.String("services", cli.DefaultPipeline, "the pipeline the stepper runs")
	frames := cli.FramesFlag(fs)
	cov := fs.String("coverage", "", "a coverage profile (java -Ddvmlab.coverage.out=FILE) whose counts are shown beside the code")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return &cli.ExitError{Code: 2}
	}
	p, err := service.Parse(*services)
	if err != nil {
		return cli.UsageError(cmd, "--services: %v", err)
	}
	p.RecomputeFrames = *frames
	var profile listing.Profile
	if *cov != "" {
		if profile, err = listing.ReadProfile(*cov); err != nil {
			return err
		}
	}
	var src classpath.Source
	switch len(pos) {
	case 0:
		src, err = classpath.OpenJDK("")
	case 1:
		src, err = classpath.Open(pos[0])
	default:
		return cli.UsageError(cmd, "one PATH at most")
	}
	if err != nil {
		return err
	}
	defer src.Close()
	// Without a terminal there is nothing to draw on: say so, with what
	// works without one, before the JDK is opened for frames.
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return errors.New("needs a terminal (no /dev/tty here); without one, dvmlab repl reads commands from standard input or -f FILE")
	}
	tty.Close()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return fmt.Errorf("the JDK is needed for frame computation: %w", err)
	}
	defer jdk.Close()
	p.Hierarchy = classpath.NewHierarchy(src, jdk)
	return Run(src, p, profile)
}

package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"dvmlab/core/shadow"
	"dvmlab/core/shadow/analyses"
)

func init() {
	Register(&Command{
		Name: "shadow",
		Usage: "shadow --analysis NAME [--ordering global|thread|group] [--csv FILE] [--sites FILE] [--log FILE] [--scope PATTERNS] [--in-process] -- java ARGS…\n" +
			"       shadow replay [--ordering global|thread|group] [--csv FILE] LOG",
		Summary: "run a Java program under a ShadowVM analysis (" + strings.Join(analyses.Names(), ", ") +
			"): every class instrumented from the primordial phase on, events analysed out of process; --log records the events, replay analyses a recording again",
		Example:     "dvmlab shadow --analysis alloc --ordering thread --csv allocs.csv -- java -cp /usr/share/java/JLex.jar JLex.Main sample.lex",
		Run:         runShadow,
		Subcommands: []string{"", "replay"},
	})
}

func runShadow(env *Env, args []string) error {
	cmd := Lookup("shadow")
	if len(args) > 0 && args[0] == "replay" {
		return runShadowReplay(env, cmd, args[1:])
	}
	fs := newFlags(env, cmd)
	logPath := fs.String("log", "", "record the events the analysis server receives in this file")
	name := fs.String("analysis", "", "the analysis: "+strings.Join(analyses.Names(), ", "))
	ordering := fs.String("ordering", "global", "ordering model: global, thread or group")
	csvPath := fs.String("csv", "", "write the analysis's table here (- for standard output)")
	scope := fs.String("scope", "", "classes and methods to instrument, e.g. 'java/util/*,-java/util/concurrent/*' (default: everything)")
	inProcess := fs.Bool("in-process", false, "analyse inside the observed VM instead (the in-process equivalent: counting, or fia's java/lang/ShadowFIA)")
	noEarly := fs.Bool("no-early-hooks", false, "do not offer classes loaded in the primordial phase")
	idField := fs.Bool("id-field", false, "identify objects of the program's classes by an injected id field instead of JVMTI tags")
	sitesPath := fs.String("sites", "", "fia: write the per-allocation-site table here (site,class,objects,objects_with_mutated_fields)")
	dash := -1
	for i, a := range args {
		if a == "--" {
			dash = i
			break
		}
	}
	if dash < 0 && env.help {
		// Asked for its options: there is no java command.
		dash = len(args)
	}
	if dash < 0 {
		return usageError(cmd, "put the java command after --")
	}
	if err := fs.Parse(args[:dash]); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return &ExitError{Code: 2}
	}
	java := args[dash+1:]
	if len(java) == 0 {
		return usageError(cmd, "no java command after --")
	}
	if *name == "" {
		return usageError(cmd, "--analysis is required")
	}
	an, err := analyses.New(*name, *scope)
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	ord, err := shadow.ParseOrdering(*ordering)
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	// What the run would only find out at its end is checked before it.
	if *csvPath != "" {
		if _, ok := an.(shadow.CSVWriter); !ok {
			return usageError(cmd, "--csv: analysis %s writes no table", an.Name())
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := shadow.Config{Analysis: an, Ordering: ord, InProcess: *inProcess, NoEarlyHooks: *noEarly, IDField: *idField,
		Java: java, Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr}
	// The log is kept whole or not at all.
	var logOut *stagedOutput
	var logFile *os.File
	if *logPath != "" {
		if logOut, err = stageOutput(*logPath, false); err != nil {
			return pathError(*logPath, err)
		}
		if logFile, err = os.Create(logOut.path()); err != nil {
			logOut.discard()
			return pathError(*logPath, err)
		}
		cfg.Log = logFile
	}
	res, err := shadow.Run(ctx, cfg)
	if logOut != nil {
		cerr := logFile.Close()
		if err == nil && cerr == nil {
			err = logOut.commit()
		} else {
			logOut.discard()
		}
		if err == nil && cerr != nil {
			err = pathError(*logPath, cerr)
		}
	}
	if err != nil {
		return err
	}
	st, as := res.Instrument, res.Analysis
	fmt.Fprintf(env.Stderr, "shadow: %d classes offered, %d instrumented, %d sites woven, %d failed, %d sites skipped; "+
		"%d methods left uninstrumented; %d events, %d threads, %d objects, %d frees, %d dropped after VM death; JVM %.2fs, exit %d\n",
		st.Classes, st.Instrumented, st.Sites, st.Failed, st.Skipped, st.MethodsFailed, as.Events, as.Threads, as.Objects, as.Frees, as.Dropped,
		res.Elapsed.Seconds(), res.ExitCode)
	if st.HiddenHooked {
		// Worded so as not to read as the summary line above.
		fmt.Fprintf(env.Stderr, "shadow: hidden classes seen at their definition (Lookup's definers): %d\n", st.Hidden)
	} else {
		fmt.Fprintf(env.Stderr, "shadow: hidden classes unobserved: Lookup was loaded before the hooks could weave its definers\n")
	}
	for i, e := range res.Errors {
		if i == 5 {
			fmt.Fprintf(env.Stderr, "shadow: … %d more\n", len(res.Errors)-5)
			break
		}
		fmt.Fprintf(env.Stderr, "shadow: %v\n", e)
	}
	if err := writeAnalysisCSV(env, an, *csvPath, res.Registry); err != nil {
		return err
	}
	if err := writeSitesCSV(env, an, *sitesPath); err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return &ExitError{Code: res.ExitCode}
	}
	return nil
}

func writeAnalysisCSV(env *Env, an shadow.Analysis, path string, reg *shadow.Registry) error {
	if path == "" {
		return nil
	}
	w, ok := an.(shadow.CSVWriter)
	if !ok {
		return fmt.Errorf("analysis %s writes no table", an.Name())
	}
	if path == "-" {
		return w.WriteCSV(env.Stdout, reg)
	}
	if err := writeOutput(path, func(out io.Writer) error { return w.WriteCSV(out, reg) }); err != nil {
		return pathError(path, err)
	}
	return nil
}

func runShadowReplay(env *Env, cmd *Command, args []string) error {
	fs := newFlags(env, cmd)
	ordering := fs.String("ordering", "", "ordering model (default: the recorded one)")
	csvPath := fs.String("csv", "-", "write the analysis's table here (- for standard output)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 {
		return usageError(cmd, "replay needs one log")
	}
	l, err := shadow.ReadLogFile(pos[0])
	if err != nil {
		return err
	}
	ord := l.Ordering
	if *ordering != "" {
		if ord, err = shadow.ParseOrdering(*ordering); err != nil {
			return usageError(cmd, "%v", err)
		}
	}
	an, err := analyses.New(l.Analysis, "")
	if err != nil {
		return err
	}
	st, err := l.Replay(an, ord)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "shadow replay: %s under %s ordering: %d events, %d threads, %d objects, %d frees\n",
		l.Analysis, ord, st.Events, st.Threads, st.Objects, st.Frees)
	return writeAnalysisCSV(env, an, *csvPath, l.Registry)
}

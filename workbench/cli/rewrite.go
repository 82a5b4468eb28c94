package cli

import (
	"fmt"
	"strings"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
	_ "dvmlab/core/service/verify"
)

// hierarchyPath opens the user's classpath followed by the running JDK.
func hierarchyPath(cp string) (classpath.Path, error) {
	var path classpath.Path
	if cp != "" {
		p, err := classpath.ParsePath(cp)
		if err != nil {
			return nil, err
		}
		path = p
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		path.Close()
		return nil, fmt.Errorf("the running JDK is needed for hierarchy questions: %w", err)
	}
	return append(path, jdk), nil
}

func init() {
	Register(&Command{
		Name:    "rewrite",
		Usage:   "rewrite [--services a,b,c] [--frames keep|recompute] [--classpath PATH] [--exclude CLASSES] IN -o OUT",
		Summary: "run the static service pipeline offline over a class file, a directory or a jar",
		Example: "dvmlab rewrite --services none /usr/share/java/JLex.jar -o /tmp/JLex.jar",
		Run:     runRewrite,
	})
}

func runRewrite(env *Env, args []string) error {
	cmd := Lookup("rewrite")
	fs := newFlags(env, cmd)
	services := fs.String("services", "none", "comma-separated services to run, in order (none: parse and write back)")
	out := fs.String("o", "", "output path: a class file, directory or jar like the input")
	frames := FramesFlag(fs)
	cp := fs.String("classpath", "", "colon-separated jars, directories and jmods for class-hierarchy questions (the running JDK is always searched last)")
	exclude := fs.String("exclude", "", "comma-separated classes to leave as they are (a.b.C, a/b/*, a.b.**), e.g. those the program reads as data")
	quiet := fs.Bool("q", false, "no summary on stderr")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 || *out == "" {
		return usageError(cmd, "need exactly one IN and -o OUT")
	}
	p, err := service.Parse(*services)
	if err != nil {
		return usageError(cmd, "--services: %v", err)
	}
	if p.Exclude, err = service.ParseClassPatterns(*exclude); err != nil {
		return usageError(cmd, "--exclude: %v", err)
	}
	p.RecomputeFrames = *frames
	in := pos[0]
	inIsDir, err := checkInput(in)
	if err != nil {
		return err
	}
	final, err := outputPath(in, *out, inIsDir)
	if err != nil {
		return err
	}
	path, err := hierarchyPath(*cp)
	if err != nil {
		return err
	}
	defer path.Close()
	for _, s := range path {
		p.Classpath = append(p.Classpath, s)
	}
	t0 := time.Now()
	staged, err := stageOutput(final, inIsDir)
	if err != nil {
		return err
	}
	st, err := p.RewritePath(in, staged.path(), nil)
	if err != nil {
		staged.discard()
		return err
	}
	// Nothing half-written: a rewrite with a failed class leaves no output.
	if st.Failed > 0 {
		staged.discard()
	} else if err := staged.commit(); err != nil {
		return err
	}
	for _, e := range st.Errors {
		fmt.Fprintf(env.Stderr, "dvmlab rewrite: %v\n", e)
	}
	for _, e := range st.Refused {
		fmt.Fprintf(env.Stderr, "dvmlab rewrite: warning: passed through unchanged, the JVM refuses it: %v\n", e)
	}
	for _, d := range st.Dropped {
		fmt.Fprintf(env.Stderr, "dvmlab rewrite: dropped %s: the jar's signature no longer matches its rewritten classes\n", d)
	}
	skipped := 0
	for _, r := range st.Reports {
		for _, n := range r.Notes {
			if strings.Contains(n, " left as it was: ") || strings.Contains(n, " keeps its own frames: ") {
				fmt.Fprintf(env.Stderr, "dvmlab rewrite: %s: %s\n", r.Service, n)
			}
		}
		skipped += len(r.Skipped)
	}
	if !*quiet {
		excluded := ""
		if st.Excluded > 0 {
			excluded = fmt.Sprintf(", %d excluded", st.Excluded)
		}
		fmt.Fprintf(env.Stderr, "rewrote %d classes (%d unchanged%s, %d failed, %d methods left as they were), copied %d other files, %d -> %d bytes, services %s, %v\n",
			st.Classes, st.Unchanged, excluded, st.Failed, skipped, st.Copied, st.BytesIn, st.BytesOut, p, time.Since(t0).Round(time.Millisecond))
	}
	if st.Failed > 0 {
		return &ExitError{Code: 1, Msg: fmt.Sprintf("%s: not written: %d classes failed", final, st.Failed)}
	}
	return nil
}

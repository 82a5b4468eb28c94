package cli

import (
	"fmt"
	"maps"
	"slices"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/verify"
)

func init() {
	Register(&Command{
		Name:  "verify",
		Usage: "verify [--classpath PATH] [--deferred] [--stats] IN",
		Summary: "verify classes statically (JVMS format, static constraints, types); one line per rejected class on stdout, " +
			"what is left to the client with --deferred, static and deferred checks with --stats",
		Example: "dvmlab verify --stats /usr/share/java/JLex.jar",
		Run:     runVerify,
	})
}

func runVerify(env *Env, args []string) error {
	cmd := Lookup("verify")
	fs := newFlags(env, cmd)
	cp := fs.String("classpath", "", "other classes: jars, directories and jmods, separated by :")
	deferred := fs.Bool("deferred", false, "list the checks left to the client, per class")
	stats := fs.Bool("stats", false, "print static and deferred checks per class and in all (the paper's Figure 8)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 {
		return usageError(cmd, "need one class, directory or jar")
	}
	src, err := openSource(pos[0])
	if err != nil {
		return err
	}
	defer src.Close()
	finders := []classpath.Finder{src}
	if *cp != "" {
		path, err := classpath.ParsePath(*cp)
		if err != nil {
			return err
		}
		defer path.Close()
		finders = append(finders, path)
	}
	if jdk, err := classpath.OpenJDK(""); err == nil {
		defer jdk.Close()
		finders = append(finders, jdk)
	} else {
		fmt.Fprintf(env.Stderr, "dvmlab verify: warning: no JDK for the platform classes (%v); what needs them is deferred\n", err)
	}
	h := classpath.NewHierarchy(finders...)
	classes, rejected, static, def := 0, 0, 0, 0
	var report func(r *verify.Result)
	check := func(h *classpath.Hierarchy, entry string) func(name string, data []byte) error {
		return func(name string, data []byte) error {
			if name == "module-info" {
				return nil
			}
			classes++
			r := verify.Verify(data, h)
			if entry != "" {
				r.Class = entry + name
			}
			report(r)
			return nil
		}
	}
	report = func(r *verify.Result) {
		static += r.Static
		def += r.Deferred
		if r.Err != nil {
			rejected++
			method, off := r.Err.Method, "-"
			if method == "" {
				method = "-"
			}
			if r.Err.Offset >= 0 {
				off = fmt.Sprint(r.Err.Offset)
			}
			fmt.Fprintf(env.Stdout, "%s %s %s %s\n", classfile.InternalName(r.Class), method, off, r.Err.Reason)
		}
		if *stats {
			fmt.Fprintf(env.Stderr, "%-50s %8d static %6d deferred\n", r.Class, r.Static, r.Deferred)
		}
		if *deferred && r.Err == nil {
			for _, a := range r.Assumptions {
				scope := a.Scope
				if scope == "" {
					scope = "(class)"
				}
				fmt.Fprintf(env.Stderr, "%s %s: %s\n", r.Class, scope, a)
			}
		}
	}
	if err := src.Walk(check(h, "")); err != nil {
		return err
	}
	// A multi-release jar's classes for release N are checked against what
	// a JVM of release N loads beside them: its release's classes, then
	// lower releases', then the base entries. They are named by entry.
	if j, ok := src.(*classpath.Jar); ok {
		byRelease, err := classpath.ReleaseClasses(j.Path())
		if err != nil {
			return err
		}
		var releases []int
		for r := range byRelease {
			releases = append(releases, r)
		}
		slices.Sort(releases)
		for i, rel := range releases {
			var overlay []classpath.Finder
			for k := i; k >= 0; k-- {
				overlay = append(overlay, byRelease[releases[k]])
			}
			rh := classpath.NewHierarchy(append(overlay, finders...)...)
			names := slices.Sorted(maps.Keys(byRelease[rel]))
			for _, n := range names {
				check(rh, fmt.Sprintf("META-INF/versions/%d/", rel))(n, byRelease[rel][n])
			}
		}
	}
	fmt.Fprintf(env.Stderr, "verify: %d classes, %d rejected; %d checks done statically, %d deferred to the client\n", classes, rejected, static, def)
	if rejected > 0 {
		return &ExitError{Code: 1}
	}
	return nil
}

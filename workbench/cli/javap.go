package cli

import (
	"fmt"

	"dvmlab/core/classfile"
	"dvmlab/core/javap"
)

func init() {
	Register(&Command{
		Name:    "javap",
		Usage:   "javap [-c] [-v] [-p] CLASS|JAR|DIR|JMOD|jdk [NAME…]",
		Summary: "disassemble classes in the layout of the JDK's javap (all classes of a container when no NAME is given; jdk: the running JDK's)",
		Example: "dvmlab javap -c -p /usr/share/java/JLex.jar JLex.Main",
		Run:     runJavap,
	})
}

func runJavap(env *Env, args []string) error {
	cmd := Lookup("javap")
	fs := newFlags(env, cmd)
	code := fs.Bool("c", false, "disassemble the code")
	verbose := fs.Bool("v", false, "print the constant pool and every attribute")
	private := fs.Bool("p", false, "show all classes and members, private ones too")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) == 0 {
		return usageError(cmd, "missing CLASS, JAR, DIR or JMOD")
	}
	opt := javap.Options{Code: *code, Verbose: *verbose, Private: *private}
	src, err := openSource(pos[0])
	if err != nil {
		return err
	}
	defer src.Close()
	names := pos[1:]
	if len(names) == 0 {
		if names, err = src.Names(); err != nil {
			return err
		}
	}
	failed := 0
	for i, n := range names {
		data, err := src.Find(n)
		if err == nil {
			var c *classfile.Class
			if c, err = classfile.Parse(data); err == nil {
				if i > 0 {
					fmt.Fprintln(env.Stdout)
				}
				err = javap.Print(env.Stdout, c, opt)
			}
		}
		if err != nil {
			failed++
			fmt.Fprintf(env.Stderr, "dvmlab javap: %s: %v\n", n, err)
		}
	}
	if failed > 0 {
		return &ExitError{Code: 1}
	}
	return nil
}

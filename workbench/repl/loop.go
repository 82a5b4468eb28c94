package repl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/chzyer/readline"

	"dvmlab/workbench/cli"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "repl",
		Usage:   "repl [-f FILE]",
		Summary: "the interactive workbench: load, browse, step the pipeline, diff; -f runs a script of commands (notebooks/*.md are checked sessions: dvmlab notebook run)",
		Example: "dvmlab repl -f script.txt\ndvmlab notebook run notebooks/tour.md   # the same commands, in a document that checks their output",
		Run:     runREPL,
	})
}

func runREPL(env *cli.Env, args []string) error {
	cmd := cli.Lookup("repl")
	fs := cli.NewFlags(env, cmd)
	file := fs.String("f", "", "run the commands in FILE, then exit")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return &cli.ExitError{Code: 2}
	}
	if len(pos) != 0 {
		return cli.UsageError(cmd, "unexpected %q (a script goes after -f)", pos[0])
	}
	if *file != "" {
		data, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		if err := checkScript(data); err != nil {
			return fmt.Errorf("%s: %v", *file, err)
		}
		s := NewSession(env.Stdout, env.Stderr)
		defer s.Close()
		return Script(s, bytes.NewReader(data))
	}
	s := NewSession(env.Stdout, env.Stderr)
	defer s.Close()
	if f, ok := env.Stdin.(*os.File); !ok || !isTerminal(f) {
		return Script(s, env.Stdin)
	}
	return Interactive(s)
}

// checkScript refuses what is not a script of commands: a class file, a
// jar or any other binary would otherwise be run line by line as commands.
func checkScript(data []byte) error {
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimPartialRune(head)) {
		return errors.New("a binary file, not a script of commands (load it instead: load FILE)")
	}
	return nil
}

// trimPartialRune drops a UTF-8 sequence cut off at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i < 4 && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Script runs commands line by line, echoing each after a prompt so the
// output reads like a session. An error prints one line and the script goes
// on; the result reports how many commands failed.
func Script(s *Session, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	failed := 0
	for sc.Scan() && !s.Done() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fmt.Fprintf(s.Out, "dvmlab> %s\n", line)
		if err := s.Exec(line); err != nil {
			fmt.Fprintf(s.Out, "error: %v\n", err)
			failed++
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if failed > 0 {
		return &cli.ExitError{Code: 1, Msg: fmt.Sprintf("%d commands failed", failed)}
	}
	return nil
}

// Interactive runs the REPL on a terminal with history and completion of
// commands and class names.
func Interactive(s *Session) error {
	rl, err := readline.NewEx(&readline.Config{
		Prompt:       "dvmlab> ",
		HistoryFile:  historyFile(),
		AutoComplete: completer{s},
	})
	if err != nil {
		return err
	}
	defer rl.Close()
	s.Out, s.Err = rl.Stdout(), rl.Stderr()
	fmt.Fprintln(s.Out, "dvmlab workbench — help lists the commands, quit leaves")
	for !s.Done() {
		line, err := rl.Readline()
		if err == readline.ErrInterrupt {
			continue
		}
		if err != nil {
			return nil // end of input
		}
		if err := s.Exec(line); err != nil {
			fmt.Fprintf(s.Out, "error: %v\n", err)
		}
		rl.SetPrompt(s.prompt())
	}
	return nil
}

// prompt names the current class, so that what step and diff will take is
// always in sight.
func (s *Session) prompt() string {
	if s.current == "" {
		return "dvmlab> "
	}
	name := strings.ReplaceAll(s.current, "/", ".")
	if s.currentMethod != "" {
		name += "." + s.currentMethod
	}
	return "dvmlab " + name + "> "
}

// historyFile is the REPL's history, kept per user under the XDG state
// directory; without one, no history is kept.
func historyFile() string {
	dir := cli.StateDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return filepath.Join(dir, "history")
}

// completer completes command names first, then class names (binary form)
// and, after a class, its methods.
type completer struct{ s *Session }

func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	text := string(line[:pos])
	words := strings.Fields(text)
	last := ""
	if len(words) > 0 && !strings.HasSuffix(text, " ") {
		last = words[len(words)-1]
		words = words[:len(words)-1]
	}
	var cands []string
	if len(words) == 1 && words[0] == "load" {
		return pathCompletions(last), len([]rune(last))
	}
	if len(words) == 0 {
		for _, cmd := range commands {
			cands = append(cands, cmd.name)
		}
		for _, cmd := range cli.Commands() {
			cands = append(cands, cmd.Name)
		}
	} else {
		for _, n := range c.s.names() {
			cands = append(cands, strings.ReplaceAll(n, "/", "."))
		}
		cands = append(cands, c.s.methodNames(last)...)
	}
	sort.Strings(cands)
	var out [][]rune
	for _, cand := range cands {
		if strings.HasPrefix(cand, last) {
			out = append(out, []rune(cand[len(last):]+" "))
		}
	}
	return out, len([]rune(last))
}

// pathCompletions completes a file name for load: the entries of the
// directory typed so far that start with what follows its last slash,
// directories with a slash and no space after them, so completion can go
// on into them; and jdk, the running JDK's classes.
func pathCompletions(typed string) [][]rune {
	dir, prefix := filepath.Split(typed)
	look := dir
	if look == "" {
		look = "."
	}
	if strings.HasPrefix(look, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			look = filepath.Join(home, look[2:])
		}
	}
	entries, _ := os.ReadDir(look)
	var out [][]rune
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, prefix) || (strings.HasPrefix(n, ".") && !strings.HasPrefix(prefix, ".")) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(look, n)); err == nil {
				isDir = st.IsDir()
			}
		}
		if isDir {
			out = append(out, []rune(n[len(prefix):]+"/"))
		} else {
			out = append(out, []rune(n[len(prefix):]+" "))
		}
	}
	if dir == "" && strings.HasPrefix("jdk", prefix) {
		out = append(out, []rune("jdk"[len(prefix):]+" "))
	}
	sort.Slice(out, func(i, j int) bool { return string(out[i]) < string(out[j]) })
	return out
}

// methodNames completes CLASS.METHOD: once what is typed names a loaded
// class and a dot, the candidates are that class's methods.
func (s *Session) methodNames(typed string) []string {
	i := strings.LastIndex(typed, ".")
	if i <= 0 {
		return nil
	}
	class := strings.ReplaceAll(typed[:i], ".", "/")
	if _, ok := s.owner[class]; !ok {
		return nil
	}
	c, _, err := s.read(class)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range c.Methods {
		n := typed[:i+1] + c.MemberName(m)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

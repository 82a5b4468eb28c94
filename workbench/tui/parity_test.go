package tui

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"testing"

	"dvmlab/workbench/cli"
	"dvmlab/workbench/repl"
)

// declaredViews is every view the package declares: the constants of type
// view in its source, read with go/parser, so that a view added anywhere
// is in the list without anyone adding it.
func declaredViews(t *testing.T) []view {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	var views []view
	for _, p := range pkgs {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "view" {
					return true
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok {
						s, _ := strconv.Unquote(lit.Value)
						views = append(views, view(s))
					}
				}
				return true
			})
		}
	}
	if len(views) < 10 {
		t.Fatalf("found %d views in the source: %v", len(views), views)
	}
	return views
}

// replCommandNames is the REPL's own commands, as its help lists them
// (the lines before the command-line commands).
func replCommandNames(t *testing.T) []string {
	t.Helper()
	var out bytes.Buffer
	s := repl.NewSession(&out, &out)
	defer s.Close()
	if err := s.Exec("help"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range strings.Split(out.String(), "\n") {
		if !strings.HasPrefix(l, "  ") {
			break
		}
		names = append(names, strings.Fields(l)[0])
	}
	if len(names) < 10 {
		t.Fatalf("found %d REPL commands in:\n%s", len(names), out.String())
	}
	return names
}

// TestREPLAndTUIAlike: every REPL command is reachable from the TUI (a key
// of its own, or : running it) and every TUI view is a REPL command. Both
// sets are read from the code, so a new REPL command or a new view
// without its counterpart fails here.
func TestREPLAndTUIAlike(t *testing.T) {
	keys := map[string]bool{}
	for _, b := range AllKeys() {
		keys[b.Help().Key] = true
	}
	cmds := replCommandNames(t)
	known := map[string]bool{}
	for _, c := range cmds {
		known[c] = true
		b, ok := replInTUI[c]
		if !ok {
			t.Errorf("REPL command %s: no way to it from the TUI in replInTUI (a key, or Keys.Command)", c)
			continue
		}
		if !keys[b.Help().Key] {
			t.Errorf("REPL command %s: key %q is not one the TUI has", c, b.Help().Key)
		}
	}
	for c := range replInTUI {
		if !known[c] {
			t.Errorf("replInTUI names %s, which is no REPL command", c)
		}
	}
	views := declaredViews(t)
	for _, v := range views {
		c, ok := replCommands[v]
		if !ok {
			t.Errorf("view %s: no REPL command in replCommands", v)
			continue
		}
		// The REPL runs the command line's commands as its own.
		if !known[c] && cli.Lookup(c) == nil {
			t.Errorf("view %s: %s is neither a REPL command nor a command-line one", v, c)
		}
	}
	sort.Strings(cmds)
	t.Logf("%d REPL commands %v; %d views %v", len(cmds), cmds, len(views), views)
}

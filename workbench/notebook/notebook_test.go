package notebook_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/internal/jvmtest"
	"dvmlab/workbench/notebook"
	_ "dvmlab/workbench/repl" // the REPL session notebooks run in
)

// needPrograms skips where the JDK or Debian's programs the notebooks use
// are missing (make deps installs them).
func needPrograms(t *testing.T) {
	t.Helper()
	jvmtest.Tool(t, "java")
	for _, f := range []string{"/usr/share/java/JLex.jar", "/usr/share/java/cup.jar"} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("no %s (make deps installs it)", f)
		}
	}
}

// TestNotebooks runs every notebook of notebooks/ in its quick form: a
// change that alters what a notebook shows fails here until the notebook is
// updated on purpose (dvmlab notebook run --update). Each runs with one of
// its output lines changed (in memory, in place, so its relative paths hold):
// that line, and only that line, must show in the diff, and --update must
// give back the notebook byte for byte.
func TestNotebooks(t *testing.T) {
	needPrograms(t)
	files, err := filepath.Glob("../../notebooks/*.md")
	if err != nil || len(files) < 4 {
		t.Fatalf("notebooks: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if testing.Short() && filepath.Base(f) != "lab-stack-machine.md" {
				t.Skip("-short runs the lab only")
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := notebook.Parse(f, src)
			if err != nil {
				t.Fatal(err)
			}
			line, text := changeable(nb)
			if line == 0 {
				t.Fatal("no output line to change")
			}
			lines := strings.SplitAfter(string(src), "\n")
			lines[line-1] = strings.Replace(lines[line-1], text, text+" (changed)", 1)
			changed := []byte(strings.Join(lines, ""))
			if nb, err = notebook.Parse(f, changed); err != nil {
				t.Fatal(err)
			}
			res, err := notebook.Run(nb, notebook.Options{Update: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Ran == 0 {
				t.Fatal("no block ran")
			}
			want := "\n-" + text + " (changed)\n+" + text + "\n"
			if len(res.Diffs) != 1 || !strings.Contains(res.Diffs[0], want) {
				t.Fatalf("line %d changed; want one diff showing %q, got:\n%s", line, want, strings.Join(res.Diffs, "\n"))
			}
			if !bytes.Equal(res.Updated, src) {
				t.Fatalf("--update did not give back the notebook:\n%s", firstDifference(res.Updated, src))
			}
		})
	}
}

// changeable finds an output line of a block that runs in the quick form,
// with no pattern: its line in the file and its text.
func changeable(nb *notebook.Notebook) (int, string) {
	for _, b := range nb.Blocks {
		if b.Full || b.Output == nil {
			continue
		}
		for i, l := range b.Output.Lines {
			if strings.TrimSpace(l) != "" && !strings.HasSuffix(l, ")") {
				return b.Output.Line + 1 + i, l
			}
		}
	}
	return 0, ""
}

// labCopy puts a notebook text beside a copy of the lab's classes, in a
// temporary directory, and returns its path.
func labCopy(t *testing.T, text []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "lab"), 0o755); err != nil {
		t.Fatal(err)
	}
	class, err := os.ReadFile("../../notebooks/lab/Lab.class")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lab", "Lab.class"), class, 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "lab-stack-machine.md")
	if err := os.WriteFile(p, text, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestChangedOutputFailsAndUpdateRestoresIt: testdata's copy of the lab
// has one output line changed. It must fail with a diff that names the line
// and shows both versions, and --update must give back the notebook byte
// for byte: the output restored, the prose untouched.
func TestChangedOutputFailsAndUpdateRestoresIt(t *testing.T) {
	needPrograms(t)
	good, err := os.ReadFile("../../notebooks/lab-stack-machine.md")
	if err != nil {
		t.Fatal(err)
	}
	broken, err := os.ReadFile("testdata/lab-one-line-changed.md")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(good, broken) {
		t.Fatal("testdata's copy is the notebook itself")
	}
	p := labCopy(t, broken)
	nb, err := notebook.ParseFile(p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := notebook.Run(nb, notebook.Options{Update: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diffs) != 1 {
		t.Fatalf("%d diffs, want 1:\n%s", len(res.Diffs), strings.Join(res.Diffs, "\n"))
	}
	d := res.Diffs[0]
	for _, want := range []string{
		"--- " + p + ":56: output block at line 55\n",
		"+++ what the dvmlab block at line 51 printed\n",
		"@@ -57,5 +57,5 @@\n",
		"\n-   2  [int, int]  [int]       iadd\n+   2  [int, int]  [int, int]  iadd\n",
		"\n    1  [int, int]  [int]       iload_1\n", // context
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if !res.Changed || !bytes.Equal(res.Updated, good) {
		t.Fatalf("--update did not give back the notebook:\n%s", firstDifference(res.Updated, good))
	}
	// And the CLI's status: exit 1 with the diff on stdout.
	cmd := exec.Command(dvmlab(t), "notebook", "run", p)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("dvmlab notebook run: %v, want exit status 1", err)
	}
	if !strings.Contains(string(out), "+   2  [int, int]  [int, int]  iadd") {
		t.Fatalf("no diff on stdout:\n%s", out)
	}
	if err := exec.Command(dvmlab(t), "notebook", "run", "--update", p).Run(); err != nil {
		t.Fatalf("--update: %v", err)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(after, good) {
		t.Fatalf("the file --update wrote differs:\n%s", firstDifference(after, good))
	}
	if err := exec.Command(dvmlab(t), "notebook", "run", p).Run(); err != nil {
		t.Fatalf("after --update: %v", err)
	}
}

// dvmlab builds the command once per test binary.
func dvmlab(t *testing.T) string {
	t.Helper()
	if dvmlabBin != "" {
		return dvmlabBin
	}
	dir, err := os.MkdirTemp("", "dvmlab-notebook-test-")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "dvmlab")
	if out, err := exec.Command("go", "build", "-o", bin, "dvmlab/workbench/cmd/dvmlab").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dvmlabBin = bin
	return bin
}

var dvmlabBin string

func TestMain(m *testing.M) {
	code := m.Run()
	if dvmlabBin != "" {
		os.RemoveAll(filepath.Dir(dvmlabBin))
	}
	os.Exit(code)
}

func firstDifference(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got  " + al[i] + "\n want " + bl[i]
		}
	}
	return "lengths " + strconv.Itoa(len(al)) + " and " + strconv.Itoa(len(bl)) + " lines"
}

// TestBadNotebooks: mistakes in a notebook's format are errors naming the
// file and line, never a panic, and nothing runs.
func TestBadNotebooks(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"unclosed fence", "# T\n\n```dvmlab\nhelp\n\nprose that is now code\n",
			"bad.md:3: the fence opened here (```dvmlab) is never closed"},
		{"unclosed output fence", "```dvmlab\nhelp\n```\n\n```output\nusage\n",
			"bad.md:5: the fence opened here (```output) is never closed"},
		{"unclosed other fence", "```dvmlab\nhelp\n```\n\nText\n\n~~~sh\nls\n",
			"bad.md:7: the fence opened here (~~~sh) is never closed"},
		{"output without commands", "# T\n\n```output\nloaded\n```\n",
			"bad.md:3: an output block with no dvmlab block of commands before it"},
		{"two outputs for one block", "```dvmlab\nhelp\n```\n\n```output\n```\n\n```output\n```\n",
			"bad.md:8: an output block with no dvmlab block of commands before it"},
		{"unknown command", "```dvmlab\nhelp\n\nlod /usr/share/java/JLex.jar\n```\n",
			`bad.md:4: unknown command "lod"`},
		{"unknown command after run", "```dvmlab\nrun javapp -c X\n```\n",
			`bad.md:2: unknown command "javapp" after run`},
		{"a server", "```dvmlab\nhelp\nproxy --listen 127.0.0.1:8080\n```\n",
			"bad.md:3: proxy serves until interrupted"},
		{"a notebook in a notebook", "```dvmlab\nrun notebook run other.md\n```\n",
			"bad.md:2: notebook cannot run inside a notebook"},
		{"the program's name", "```dvmlab\nbin/dvmlab javap -c X.class\n```\n",
			`bad.md:2: unknown command "bin/dvmlab": write commands as the REPL takes them`},
		{"unknown option", "```dvmlab quick\nhelp\n```\n",
			`bad.md:1: unknown option "quick" on a dvmlab fence`},
		{"option on output", "```dvmlab\nhelp\n```\n```output full\n```\n",
			`bad.md:4: unknown option "full" on an output fence`},
		{"bad pattern", "```dvmlab\nhelp\n```\n```output\nok\nsize [0-9+ (re)\n```\n",
			"bad.md:6: bad (re) pattern"},
		{"unterminated quote", "```dvmlab\nload \"/usr/share/java\n```\n",
			"bad.md:2: unterminated quote"},
		{"output in a quote", "```dvmlab\nhelp\n```\n> ```output\n> x\n> ```\n",
			"bad.md:4: an output block inside a block quote cannot be updated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.md")
			if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			nb, err := notebook.ParseFile(p)
			if err == nil {
				_, err = notebook.Run(nb, notebook.Options{})
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want one containing %q", err, c.want)
			}
		})
	}
}

// TestNewcomerNotebook: a notebook written by following only `dvmlab help`
// and the README runs; whatever fails in it fails as a command's output,
// never as the notebook's format.
func TestNewcomerNotebook(t *testing.T) {
	needPrograms(t)
	nb, err := notebook.ParseFile("testdata/newcomer.md")
	if err != nil {
		t.Fatalf("the format: %v", err)
	}
	res, err := notebook.Run(nb, notebook.Options{})
	if err != nil {
		t.Fatalf("the format: %v", err)
	}
	if res.Ran < 5 {
		t.Fatalf("%d blocks ran", res.Ran)
	}
	for _, d := range res.Diffs {
		t.Errorf("%s", d)
	}
}

// TestNotebookClassesAreJavacs: the class files the notebooks load are what
// javac makes of the sources beside them, so the lab's answers are about
// the code its students read.
func TestNotebookClassesAreJavacs(t *testing.T) {
	for _, src := range []string{"../../notebooks/lab/Lab.java", "../../notebooks/shadow/Shapes.java"} {
		text, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		out := jvmtest.Javac(t, map[string]string{filepath.Base(src): string(text)}, "--release", "17")
		made, _ := filepath.Glob(filepath.Join(out, "*.class"))
		if len(made) == 0 {
			t.Fatalf("javac made nothing of %s", src)
		}
		for _, m := range made {
			want, _ := os.ReadFile(m)
			have, err := os.ReadFile(filepath.Join(filepath.Dir(src), filepath.Base(m)))
			if err != nil {
				t.Errorf("%s: %v (javac --release 17 %s makes it)", src, err, filepath.Base(src))
				continue
			}
			if !bytes.Equal(have, want) {
				t.Errorf("%s is not what javac --release 17 makes of %s", filepath.Base(m), src)
			}
		}
	}
}

// TestLabShowsItsSource: the Java shown in the lab is the source of
// Lab.class, method by method.
func TestLabShowsItsSource(t *testing.T) {
	src, err := os.ReadFile("../../notebooks/lab/Lab.java")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../notebooks/lab-stack-machine.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```java\n")[1:]
	if len(blocks) < 6 {
		t.Fatalf("%d java blocks", len(blocks))
	}
	for _, b := range blocks {
		code := b[:strings.Index(b, "```")]
		var indented strings.Builder
		for _, l := range strings.SplitAfter(code, "\n") {
			if strings.TrimSpace(l) != "" {
				indented.WriteString("    ")
			}
			indented.WriteString(l)
		}
		if !strings.Contains(string(src), indented.String()) {
			t.Errorf("the lab shows Java that is not in Lab.java:\n%s", code)
		}
	}
}

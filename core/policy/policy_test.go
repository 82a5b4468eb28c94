package policy

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

// readGlobTable reads testdata/glob.txt: pattern, name ("" for empty),
// expected.
func readGlobTable(t *testing.T) [][3]string {
	f, err := os.Open("testdata/glob.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][3]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("glob.txt: %q", line)
		}
		if f[1] == `""` {
			f[1] = ""
		}
		out = append(out, [3]string{f[0], f[1], f[2]})
	}
	return out
}

func TestMatch(t *testing.T) {
	for _, c := range readGlobTable(t) {
		if got := Match(c[0], c[1]); (got && c[2] != "true") || (!got && c[2] != "false") {
			t.Errorf("Match(%q, %q) = %v, want %s", c[0], c[1], got, c[2])
		}
	}
}

func TestExampleParses(t *testing.T) {
	p, err := Parse("example", []byte(Example))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Guards) < 10 || len(p.Rules) < 5 || p.Sid("secrets") == nil {
		t.Fatalf("example: %d guards, %d rules", len(p.Guards), len(p.Rules))
	}
	apps := Subject{User: "alice", Codebase: "http://127.0.0.1:8081/app.jar"}
	guest := Subject{User: "guest", Codebase: "file:/home/guest/x.jar"}
	cases := []struct {
		sub             Subject
		perm, kind, res string
		allow           bool
		ruleLine        int // 0: the default decided
	}{
		{apps, "property.read", "property", "java.version", true, 23},
		{apps, "property.read", "property", "user.home", true, 0},
		{apps, "property.write", "property", "user.home", false, 24},
		{apps, "file.read", "file", "/etc/shadow", false, 25},
		{guest, "file.open", "file", "/srv/secret/a/b", false, 25},
		{guest, "file.open", "file", "/srv/public", true, 0},
		{guest, "exit", "exit", "0", false, 26},
		{apps, "exit", "exit", "0", true, 0},
		{apps, "socket.connect", "host", "127.0.0.1:80", true, 27},
		{guest, "socket.connect", "host", "10.1.1.1:80", false, 28},
	}
	for _, c := range cases {
		d := p.Decide(c.sub, c.perm, c.kind, c.res)
		line := 0
		if d.Rule != nil {
			line = d.Rule.Pos.Line
		}
		if d.Allow != c.allow || line != c.ruleLine {
			t.Errorf("%v %s %s: %v, want allow=%v by line %d", c.sub, c.perm, c.res, d, c.allow, c.ruleLine)
		}
	}
}

// TestMalformed: every malformed policy gives an *Error at the right line
// and column.
func TestMalformed(t *testing.T) {
	cases := []struct{ text, pos, msg string }{
		{"<policy>\n  <sid name='a' files='/x'>\n</policy>", "3:1", "XML"},
		{"<policy default='maybe'/>", "1:1", "default must be allow or deny"},
		{"<policy>\n <sid name='a'/>\n</policy>", "2:2", "names nothing"},
		{"<policy>\n <sid name='a' users='x' files='/y'/>\n</policy>", "2:2", "both principals"},
		{"<policy>\n <allow subject='a' object='b' permissions='p'/>\n</policy>", "2:2", `subject "a" is not a defined sid`},
		{"<policy>\n  <guard permission='p' method='Foo' resource='file:arg0'/>\n</policy>", "2:3", "want owner.name"},
		{"<policy>\n  <guard permission='p' method='a/B.m(I)V' resource='file:arg1'/>\n</policy>", "2:3", "takes 1 argument"},
		{"<policy>\n  <guard permission='p' method='a/B.m' resource='disk:arg0'/>\n</policy>", "2:3", "unknown resource kind"},
		{"<policy>\n  <frobnicate/>\n</policy>", "2:3", "unknown element"},
		{"<rules/>", "1:1", "root element"},
		{"", "1:1", "no <policy>"},
		{"<policy>\n <sid name='a' files='/x'/>\n <sid name='a' files='/y'/>\n</policy>", "3:2", "defined twice"},
		{"<policy>\n <sid name='a' files='/x' colour='red'/>\n</policy>", "2:2", `no attribute "colour"`},
		{"<policy>\n <sid name='a' users='x'/>\n <deny subject='a' object='a' permissions='p'/>\n</policy>", "3:2", "names principals"},
	}
	for _, c := range cases {
		_, err := Parse("t.xml", []byte(c.text))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a *policy.Error", c.text, err)
			continue
		}
		if pe.Pos.String() != c.pos || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q: %v, want at %s: …%s…", c.text, err, c.pos, c.msg)
		}
	}
}

func TestWire(t *testing.T) {
	p, err := Parse("example", []byte(Example))
	if err != nil {
		t.Fatal(err)
	}
	w := p.Wire(Subject{User: "guest", Codebase: "file:/x.jar"}, 7)
	if !strings.HasPrefix(w, "version 7\ndefault allow\n") {
		t.Fatalf("wire: %s", w)
	}
	// A guest's code from a file: URL gets the guest rules and the everyone
	// rule, not the apps' rules.
	if !strings.Contains(w, "rule deny exit ") || strings.Contains(w, "rule allow property.read") {
		t.Errorf("wire for guest:\n%s", w)
	}
	if !strings.Contains(w, "guard file.read java%2Fio%2FFileInputStream read%2A - file -1 -") {
		t.Errorf("wire guards:\n%s", w)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(Example))
	f.Add([]byte("<policy><sid name='a' files='/x'/></policy>"))
	f.Add([]byte("<policy><guard permission='p' method='a/B.m(I)V' resource='file:arg0'/></policy>"))
	f.Add([]byte("<policy>\n<allow subject='*' object='x' permissions='p'/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz", data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Pos.Line < 1 || pe.Pos.Col < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		// A policy that parses decides and explains without panicking.
		p.Decide(Subject{User: "u", Codebase: "http://h/x.jar"}, "p", "file", "/x")
		p.Wire(Subject{}, 1)
		p.Explain(&strings.Builder{}, nil)
	})
}

func TestGuardsFingerprint(t *testing.T) {
	a, _ := Parse("a", []byte(Example))
	b, _ := Parse("b", []byte(strings.Replace(Example, `<deny  subject="guests" object="anywhere" permissions="exit"/>`, "", 1)))
	c, _ := Parse("c", []byte(strings.Replace(Example, `resource="exit:arg0"`, `resource="exit"`, 1)))
	if a.GuardsFingerprint() != b.GuardsFingerprint() {
		t.Error("a change of the matrix changed the guards' fingerprint")
	}
	if a.GuardsFingerprint() == c.GuardsFingerprint() {
		t.Error("a change of a guard kept the fingerprint")
	}
}

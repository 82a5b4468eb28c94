package listing

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dvmlab/internal/jvmtest"
)

const flowSource = `
public class Flow {
    static int loop(int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) continue;
            s += i;
        }
        return s;
    }
    static String guarded(String x) {
        try {
            try {
                return x.trim();
            } catch (NullPointerException e) {
                return "npe";
            }
        } catch (RuntimeException e) {
            return "rt";
        } finally {
            System.out.println("done");
        }
    }
    static int sw(int k) {
        switch (k) {
        case 1: return 10;
        case 2: return 20;
        case 7: return 70;
        default: return -1;
        }
    }
}
`

var (
	branchLine = regexp.MustCompile(`^\s+(\d+): (if\w*|goto|goto_w)\s+(\d+)`)
	caseLine   = regexp.MustCompile(`^\s+(?:\d+|default): (\d+)$`)
	tableRow   = regexp.MustCompile(`^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)`)
)

// TestAnnotatedAgainstJavap checks the drawn control flow against what the
// JDK's javap prints: every branch and switch target it lists is marked as
// a landing with its source, and every exception-table row starts a range
// at its from offset and marks its target as a handler.
func TestAnnotatedAgainstJavap(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Flow.java": flowSource})
	class := filepath.Join(dir, "Flow.class")
	data, err := os.ReadFile(class)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(jvmtest.Tool(t, "javap"), "-c", "-p", class).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := Annotated(data, "")
	if err != nil {
		t.Fatal(err)
	}
	// Our lines by method and offset.
	at := map[string]map[string]string{}
	method := ""
	for _, l := range lines {
		body := string([]rune(l)[gutterWidth:])
		if strings.HasSuffix(strings.TrimSpace(body), ");") {
			method = strings.TrimSpace(body)
			at[method] = map[string]string{}
			continue
		}
		if m := instructionLine.FindStringSubmatch(body); m != nil && method != "" {
			at[method][m[1]] = l
		}
	}
	checks := 0
	method = ""
	var switchAt string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasSuffix(strings.TrimSpace(l), ");") {
			method = strings.TrimSpace(l)
			continue
		}
		if m := branchLine.FindStringSubmatch(l); m != nil {
			got := at[method][m[3]]
			if !strings.Contains(got, "▶") || !strings.Contains(got, "from") || !strings.Contains(got, m[1]) {
				t.Errorf("%s: %s jumps to %s, but our line there is %q", method, m[1], m[3], got)
			}
			checks++
		}
		if m := instructionLine.FindStringSubmatch(l); m != nil {
			switchAt = ""
			if strings.Contains(l, "switch") {
				switchAt = m[1]
			}
		}
		if m := caseLine.FindStringSubmatch(l); m != nil && switchAt == "" {
			got := at[method][m[1]]
			if !strings.Contains(got, "▶") {
				t.Errorf("%s: a switch case lands at %s, but our line there is %q", method, m[1], got)
			}
			checks++
		}
		if m := tableRow.FindStringSubmatch(l); m != nil {
			from, target := at[method][m[1]], at[method][m[3]]
			g := []rune(from)
			if len(g) < gutterWidth || !strings.ContainsAny(string(g[:maxRangeColumns]), "┌╶") {
				t.Errorf("%s: range [%s, %s) starts at %s, but our line is %q", method, m[1], m[2], m[1], from)
			}
			if !strings.Contains(target, "▶") || !strings.Contains(target, "in ["+m[1]+", "+m[2]+")") {
				t.Errorf("%s: handler at %s for [%s, %s), but our line is %q", method, m[3], m[1], m[2], target)
			}
			checks++
		}
	}
	if checks < 10 {
		t.Fatalf("only %d control-flow facts checked; javap output:\n%s", checks, out)
	}
	t.Logf("%d branch, case and handler facts agree with javap", checks)
}

func TestAnnotatedErrors(t *testing.T) {
	if _, err := Annotated([]byte("not a class"), ""); err == nil {
		t.Error("garbage accepted")
	}
	dir := jvmtest.Javac(t, map[string]string{"Flow.java": flowSource})
	data, _ := os.ReadFile(filepath.Join(dir, "Flow.class"))
	if _, err := Annotated(data, "nosuch"); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("missing method: %v", err)
	}
	lines, err := Annotated(data, "sw")
	if err != nil || len(lines) < 5 {
		t.Fatalf("sw: %v %q", err, lines)
	}
}

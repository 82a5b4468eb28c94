package analyses

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/shadow"
	"dvmlab/internal/jvmtest"
)

// fieldsProgram compiles testdata/fia/Fields.java and reads the verdicts
// it must get (class.field -> verdict).
func fieldsProgram(t *testing.T) (dir string, want map[string]Verdict) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "fia", "Fields.java"))
	if err != nil {
		t.Fatal(err)
	}
	dir = jvmtest.Javac(t, map[string]string{"Fields.java": string(src)})
	f, err := os.Open(filepath.Join("testdata", "fia", "Fields.expected"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want = map[string]Verdict{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, ",")
		if len(p) != 3 {
			t.Fatalf("Fields.expected: bad line %q", line)
		}
		v, err := ParseVerdict(p[2])
		if err != nil {
			t.Fatal(err)
		}
		want[p[0]+"."+p[1]] = v
	}
	return dir, want
}

func checkVerdicts(t *testing.T, name string, got, want map[string]Verdict) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: %s not observed (want %s)", name, k, v)
		} else if g != v {
			t.Errorf("%s: %s is %s, want %s", name, k, g, v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s (%s) is not in Fields.expected", name, k, v)
		}
	}
}

func runFields(t *testing.T, dir string, ord shadow.Ordering, inProcess, idField bool) *FIA {
	t.Helper()
	a := &FIA{}
	var out, errb bytes.Buffer
	res, err := shadow.Run(context.Background(), shadow.Config{Analysis: a, Ordering: ord, InProcess: inProcess, IDField: idField,
		IdentifyTiming: idField, Java: []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-cp", dir, "Fields"}, Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 || !strings.HasPrefix(out.String(), "done 18201 1047000 100") {
		t.Fatalf("%s in-process=%v: exit %d, stdout %q, stderr %s", ord, inProcess, res.ExitCode, out.String(), errb.String())
	}
	if len(res.Errors) > 0 {
		t.Errorf("%s: %v", ord, res.Errors)
	}
	if !inProcess && res.Analysis.Panics != nil {
		t.Errorf("%s: %v", ord, res.Analysis.Panics)
	}
	// Every Fields object is sent by its id field: 2,300 made, each sent
	// several times.
	if idField && (res.Analysis.IDs < 2300*3 || res.Analysis.IDNanos == 0 || res.Analysis.Tagged == 0) {
		t.Errorf("id field: %d objects sent by id in %d ns, %d by tag", res.Analysis.IDs, res.Analysis.IDNanos, res.Analysis.Tagged)
	}
	return a
}

// TestFIAExact: every field of Fields.java gets the verdict it must, under
// every ordering model, in process (java/lang/ShadowFIA) and with objects
// known by the injected id field instead of JVMTI tags, and the counts
// javac's code implies.
func TestFIAExact(t *testing.T) {
	dir, want := fieldsProgram(t)
	for _, ord := range []shadow.Ordering{shadow.Global, shadow.PerThread, shadow.PerGroup, "in-process", "id-field"} {
		inProcess, idField := ord == "in-process", ord == "id-field"
		run := ord
		if inProcess {
			run = shadow.Global
		} else if idField {
			run = shadow.PerThread
		}
		a := runFields(t, dir, run, inProcess, idField)
		checkVerdicts(t, string(ord), a.Verdicts("Fields"), want)
		rows := map[string]FieldRow{}
		for _, r := range a.Fields() {
			rows[r.Class+"."+r.Field] = r
		}
		// 100 in main, 2 x 1000 in the workers; each a constructor write.
		if r := rows["Fields.finalField"]; r.Writes != 2100 || r.CtorWrites != 2100 {
			t.Errorf("%s: Fields.finalField %+v, want 2100 writes, all in the constructor", ord, r)
		}
		// javac's this$0, written before super(): a constructor write.
		if r := rows["Fields$Inner.this$0"]; r.Writes != 100 || r.CtorWrites != 100 {
			t.Errorf("%s: Fields$Inner.this$0 %+v, want 100 writes, all in the constructor", ord, r)
		}
		if r := rows["Fields.counter"]; r.Writes != 100 || r.CtorWrites != 0 || r.Read != 101 {
			t.Errorf("%s: Fields.counter %+v, want 100 writes, none in <clinit>, 101 reads", ord, r)
		}
		sites := map[string]SiteRow{}
		for _, r := range a.Sites() {
			if strings.HasPrefix(r.Site, "Fields.main(") {
				sites[r.Class] = r
			}
		}
		// Every Fields made in main has setAfter written after construction.
		if r := sites["Fields"]; r.Objects != 100 || r.Mutated != 100 {
			t.Errorf("%s: main's Fields site %+v, want 100 objects, 100 mutated", ord, r)
		}
		if r := sites["Fields$Inner"]; r.Objects != 100 || r.Mutated != 0 {
			t.Errorf("%s: main's Fields$Inner site %+v, want 100 objects, none mutated", ord, r)
		}
	}
}

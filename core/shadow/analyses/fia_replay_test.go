package analyses

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"dvmlab/core/shadow"
)

// TestFIAReplayTables replays a recorded run of testdata/fia/Fields.java
// (dvmlab shadow --analysis fia --scope 'Fields*' --ordering thread
// --log, JDK 17) under every ordering and requires the tables the
// analysis made of it before its per-object state was compacted: fields,
// sites, and allocations by thread and site, byte for byte. (A replay
// has no class files, so inherited fields stay with the class the
// reference names: Fields$Sub.baseField here, Fields$Base's live.)
func TestFIAReplayTables(t *testing.T) {
	dir := filepath.Join("testdata", "fia")
	f, err := os.Open(filepath.Join(dir, "Fields.shlog.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	l, err := shadow.ParseLog(data)
	if err != nil {
		t.Fatal(err)
	}
	want := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, "Fields.replay."+name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, ord := range []shadow.Ordering{shadow.Global, shadow.PerThread, shadow.PerGroup} {
		a := &FIA{}
		if _, err := l.Replay(a, ord); err != nil {
			t.Fatalf("%s: %v", ord, err)
		}
		var fields, sites bytes.Buffer
		if err := a.WriteCSV(&fields, l.Registry); err != nil {
			t.Fatal(err)
		}
		if err := a.WriteSitesCSV(&sites); err != nil {
			t.Fatal(err)
		}
		counts := a.ThreadSiteCounts()
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var perThread strings.Builder
		for _, k := range keys {
			perThread.WriteString(k + "\t" + strconv.FormatInt(counts[k], 10) + "\n")
		}
		for name, got := range map[string]string{"fields.csv": fields.String(), "sites.csv": sites.String(), "threadsites.txt": perThread.String()} {
			if w := want(name); got != w {
				t.Errorf("%s: %s is\n%s\nwant\n%s", ord, name, got, w)
			}
		}
	}
}

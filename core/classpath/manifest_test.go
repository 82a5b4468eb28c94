package classpath

import (
	"slices"
	"testing"
)

func TestManifestClassPath(t *testing.T) {
	// A 72-byte line continued, CRLF, and a per-entry section that must not count.
	man := "Manifest-Version: 1.0\r\nclass-path: lib/a.jar lib/my%20b.j\r\n ar ../c/ file:/abs/d.jar http://h/e.jar\r\nMulti-Release: true\r\n\r\nName: x\r\nClass-Path: no.jar\r\n"
	got := ManifestClassPath([]byte(man))
	want := []string{"lib/a.jar", "lib/my%20b.jar", "../c/", "file:/abs/d.jar", "http://h/e.jar"}
	if !slices.Equal(got, want) {
		t.Fatalf("Class-Path %q, want %q", got, want)
	}
	if !IsMultiRelease([]byte(man)) {
		t.Error("Multi-Release: true not seen")
	}
	var files []string
	for _, e := range got {
		files = append(files, ResolveClassPathFile("/site/app/app.jar", e))
	}
	wantFiles := []string{"/site/app/lib/a.jar", "/site/app/lib/my b.jar", "/site/c", "/abs/d.jar", ""}
	if !slices.Equal(files, wantFiles) {
		t.Errorf("resolved %q, want %q", files, wantFiles)
	}
	for name, want := range map[string]int{"META-INF/versions/11/p/C.class": 11, "META-INF/versions/8/p/C.class": 0,
		"META-INF/versions/x/p/C.class": 0, "p/C.class": 0, "META-INF/versions/17/": 17} {
		if rel, _ := VersionedEntry(name); rel != want {
			t.Errorf("%s: release %d, want %d", name, rel, want)
		}
	}
}

package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// revision is set by the Makefile (-ldflags -X) where Go records no
// version-control information, as in a git worktree.
var revision string

// Version is what `dvmlab --version` prints: the module's version, the git
// revision the binary was built from (with +dirty for uncommitted changes)
// and the Go release, all from the build information Go records.
func Version() string {
	version, rev, dirty := "devel", revision, false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	out := "dvmlab " + version
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "+dirty"
		}
		out += " (" + rev + ")"
	}
	return fmt.Sprintf("%s %s %s/%s", out, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

package cli

import (
	"os"
	"path/filepath"
)

// Per-user state lives where the XDG Base Directory Specification puts it,
// never in a /tmp shared by every user of the machine: what can be rebuilt
// (the proxy's cache) under $XDG_CACHE_HOME/dvmlab, what should persist
// (the proxy's signing key, its audit trail, the REPL's history) under
// $XDG_STATE_HOME/dvmlab.

// CacheDir is $XDG_CACHE_HOME/dvmlab, by default ~/.cache/dvmlab.
func CacheDir() string { return xdgDir("XDG_CACHE_HOME", ".cache") }

// StateDir is $XDG_STATE_HOME/dvmlab, by default ~/.local/state/dvmlab.
func StateDir() string { return xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state")) }

// xdgDir follows the specification: a relative value of the variable is
// invalid and ignored. Without a home directory, the per-user temporary
// directory is the last resort.
func xdgDir(env, fallback string) string {
	if d := os.Getenv(env); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "dvmlab")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, fallback, "dvmlab")
	}
	return filepath.Join(os.TempDir(), "dvmlab-"+os.Getenv("USER"), filepath.Base(fallback))
}

// DefaultAudit is the proxy's audit trail when --audit is not given, and
// where `dvmlab audit` looks.
func DefaultAudit() string { return filepath.Join(StateDir(), "audit.db") }

// ensureParent makes the directory a per-user default file goes in,
// readable by its owner only.
func ensureParent(path string) error {
	return os.MkdirAll(filepath.Dir(path), 0o700)
}

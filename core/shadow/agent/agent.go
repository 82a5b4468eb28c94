// Package agent builds the ShadowVM JVMTI agent (src/agent.c) with the system C
// compiler against the JDK's headers, once per source and JDK, into the
// user's cache directory.
package agent

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

//go:embed src/agent.c
var source []byte

// Build returns the path of the agent library for the JDK at javaHome,
// compiling it if this source has not been compiled for that JDK before.
// dir "" means the user's cache directory.
func Build(javaHome, dir string) (string, error) {
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			c = os.TempDir()
		}
		dir = filepath.Join(c, "dvmlab", "shadow")
	}
	h := sha256.Sum256(append(append([]byte{}, source...), javaHome...))
	lib := filepath.Join(dir, "libdvmshadow-"+hex.EncodeToString(h[:6])+".so")
	if _, err := os.Stat(lib); err == nil {
		return lib, nil
	}
	include := filepath.Join(javaHome, "include")
	if _, err := os.Stat(filepath.Join(include, "jvmti.h")); err != nil {
		return "", fmt.Errorf("shadow agent: no %s/jvmti.h: a JDK (not a JRE) is needed", include)
	}
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "gcc"
	}
	if _, err := exec.LookPath(cc); err != nil {
		return "", fmt.Errorf("shadow agent: no C compiler %q: install gcc", cc)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Concurrent builders (test binaries run in parallel) each work in a
	// directory of their own and rename the result into place.
	work, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	src := filepath.Join(work, "agent.c")
	tmp := filepath.Join(work, "libdvmshadow.so")
	if err := os.WriteFile(src, source, 0o644); err != nil {
		return "", err
	}
	cmd := exec.Command(cc, "-shared", "-fPIC", "-O2", "-Wall", "-I"+include, "-I"+filepath.Join(include, "linux"),
		"-o", tmp, src, "-lpthread")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("shadow agent: %s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	if err := os.Rename(tmp, lib); err != nil {
		return "", err
	}
	return lib, nil
}

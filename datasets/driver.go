package datasets

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// The drivers are kept as source and compiled where they run, against the
// installed jars, so that no class file in the repository can drift from
// its source or from the Debian package it calls.
//
//go:embed java/*.java
var driverSources embed.FS

// driverPackage is the Java package of every driver class.
const driverPackage = "dvmlab.datasets."

// driverRelease is the class-file level of the drivers: the programs'
// own jars are Java 7 and 8 code, and the drivers run on the same JVMs.
const driverRelease = "8"

var (
	driverMu     sync.Mutex
	driverFailed = map[string]error{} // by jar path: builds that failed in this process
)

// driverJar returns where p's driver jar is, building it first if it is
// not there yet. The path is returned even when the build fails, so that
// Classpath always has an entry in the driver's place.
//
// The jar is named by a hash of the driver's source and of the jars it is
// compiled against (path, size, time), so a changed driver or an upgraded
// package gets a new jar and never a stale one. It lives in the user's
// cache directory: compiling takes a second or two, once per machine, not
// once per run or per test process.
func (p Program) driverJar() (string, error) {
	src, err := driverSources.ReadFile("java/" + p.Driver + ".java")
	if err != nil {
		// A name no build produces, rather than "", which java would
		// take for the current directory.
		return filepath.Join(driverCacheDir(), p.Driver+".jar"), fmt.Errorf("%s: driver %s: %v", p.Name, p.Driver, err)
	}
	deps := slices.Concat(p.Jars, p.Deps)
	h := sha256.New()
	fmt.Fprintf(h, "release %s\n%s\n", driverRelease, src)
	for _, j := range deps {
		fmt.Fprintf(h, "%s", j)
		if st, err := os.Stat(j); err == nil {
			fmt.Fprintf(h, " %d %d", st.Size(), st.ModTime().UnixNano())
		}
		fmt.Fprintln(h)
	}
	jar := filepath.Join(driverCacheDir(), p.Driver+"-"+hex.EncodeToString(h.Sum(nil)[:8])+".jar")

	driverMu.Lock()
	defer driverMu.Unlock()
	if _, err := os.Stat(jar); err == nil {
		return jar, nil
	}
	if err, failed := driverFailed[jar]; failed {
		return jar, err
	}
	for _, j := range deps {
		if _, err := os.Stat(j); err != nil {
			// Not remembered: the package may be installed later.
			return jar, fmt.Errorf("%s: compiling driver %s needs %s: %v", p.Name, p.Driver, j, err)
		}
	}
	if err := buildDriver(p.Driver, src, deps, jar); err != nil {
		// Remembered: a driver that does not compile will not compile on
		// the next call either, and each try costs seconds.
		err = fmt.Errorf("%s: compiling driver %s: %v", p.Name, p.Driver, err)
		driverFailed[jar] = err
		return jar, err
	}
	return jar, nil
}

// driverCacheDir is $XDG_CACHE_HOME/dvmlab/datasets (or the platform's
// equivalent), else a directory under the temporary directory.
func driverCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "dvmlab", "datasets")
	}
	return filepath.Join(os.TempDir(), "dvmlab-datasets")
}

// javacPath finds the compiler of the JDK whose java Run starts by default.
func javacPath() (string, error) {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		j := filepath.Join(h, "bin", "javac")
		if _, err := os.Stat(j); err == nil {
			return j, nil
		}
	}
	return exec.LookPath("javac")
}

// missingJavac names the compiler for Missing when there is none.
func missingJavac() string {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return filepath.Join(h, "bin", "javac")
	}
	return "javac"
}

// buildDriver compiles one driver source against classpath and writes its
// classes to jar. Everything happens in a directory beside jar, and the jar
// appears by a rename, so that test processes building the same driver at
// the same time each get a whole jar.
func buildDriver(name string, src []byte, classpath []string, jar string) error {
	javac, err := javacPath()
	if err != nil {
		return fmt.Errorf("no javac (install a JDK or set JAVA_HOME): %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(jar), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(jar), "build-"+name+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	srcFile := filepath.Join(tmp, name+".java")
	if err := os.WriteFile(srcFile, src, 0o644); err != nil {
		return err
	}
	classes := filepath.Join(tmp, "classes")
	// The first errors say what is wrong (usually a missing package); the
	// rest follow from them.
	cmd := exec.Command(javac, "-nowarn", "-Xlint:-options", "-Xmaxerrs", "5", "--release", driverRelease, "-encoding", "UTF-8",
		"-cp", strings.Join(classpath, string(os.PathListSeparator)), "-d", classes, srcFile)
	cmd.Env = childEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", javac, err, tail(string(out)))
	}
	data, err := zipDir(classes)
	if err != nil {
		return err
	}
	part := filepath.Join(tmp, "driver.jar")
	if err := os.WriteFile(part, data, 0o644); err != nil {
		return err
	}
	return os.Rename(part, jar)
}

// zipDir makes a jar of a directory's files, in name order and with a
// fixed time, so that the same classes always give the same bytes.
func zipDir(dir string) ([]byte, error) {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			names = append(names, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	stamp := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp})
		if err == nil {
			_, err = w.Write(data)
		}
		return err
	}
	if err := add("META-INF/MANIFEST.MF", []byte("Manifest-Version: 1.0\r\nCreated-By: dvmlab datasets\r\n\r\n")); err != nil {
		return nil, err
	}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
		if err != nil {
			return nil, err
		}
		if err := add(n, data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

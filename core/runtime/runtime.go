// Package runtime holds the client side of the DVM: the dynamic service
// components that rewritten code calls into, written in Java and run by an
// unmodified JVM. The sources are in java/; `go generate` compiles them into
// classes/, which are committed and embedded.
package runtime

//go:generate ./build.sh

import (
	"archive/zip"
	"embed"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed classes
var classesFS embed.FS

// Package is the Java package of the runtime, as an internal-name prefix.
const Package = "dvmlab/runtime/"

// Coverage is the class whose hit(String, int) the coverage service calls.
const Coverage = Package + "Coverage"

// Monitor and Profile are the classes whose enter, exit and unwind the monitor and profile services call.
const Monitor, Profile = Package + "Monitor", Package + "Profile"

// LinkCheck is the class whose check(Class, String) the verify service
// calls for the checks it leaves to the client.
const LinkCheck = Package + "LinkCheck"
const Security = Package + "Security" // the enforcement manager the security service calls

// Classes returns the runtime's class files by internal name.
func Classes() map[string][]byte {
	out := map[string][]byte{}
	_ = fs.WalkDir(classesFS, "classes", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".class") {
			return err
		}
		data, err := classesFS.ReadFile(path)
		if err != nil {
			return err
		}
		out[strings.TrimSuffix(strings.TrimPrefix(path, "classes/"), ".class")] = data
		return nil
	})
	return out
}

// IsRuntimeClass reports whether an internal name belongs to the runtime,
// which services must never instrument (it would call itself).
func IsRuntimeClass(name string) bool { return strings.HasPrefix(name, Package) }

// Launcher is the client's entry point, the one class a client needs
// locally; the proxy serves the rest on demand.
const Launcher = Package + "Launcher"

// WriteJar writes the runtime classes as a jar, in name order with a fixed
// time stamp so the jar is the same byte for byte on every run.
func WriteJar(w io.Writer) error { return writeJar(w, "", func(string) bool { return true }) }

// WriteLauncherJar writes only the launcher, for clients that take the rest
// of the runtime from the proxy.
func WriteLauncherJar(w io.Writer) error { return writeJar(w, "", isLauncher) }

// WriteServedJar writes the runtime without the launcher: what the proxy
// hands a launcher to put on the boot class path.
func WriteServedJar(w io.Writer) error {
	return writeJar(w, "", func(n string) bool { return !isLauncher(n) })
}

func isLauncher(n string) bool { return n == Launcher || strings.HasPrefix(n, Launcher+"$") }

func writeJar(w io.Writer, attrs string, keep func(string) bool) error {
	classes := Classes()
	names := make([]string, 0, len(classes))
	for n := range classes {
		if keep(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	zw := zip.NewWriter(w)
	stamp := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	mf, err := zw.CreateHeader(&zip.FileHeader{Name: "META-INF/MANIFEST.MF", Method: zip.Deflate, Modified: stamp})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(mf, "Manifest-Version: 1.0\r\nCreated-By: dvmlab\r\n"+attrs+"\r\n"); err != nil {
		return err
	}
	for _, n := range names {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: n + ".class", Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		if _, err := f.Write(classes[n]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// NativeLibrary is the class whose fetch(String) copies a library the
// compile service built from the proxy to a local file for System.load.
const NativeLibrary = Package + "NativeLibrary"

package coverage_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/internal/jvmtest"
)

func pipeline(t *testing.T) *service.Pipeline {
	t.Helper()
	p, err := service.Parse("coverage")
	if err != nil {
		t.Fatal(err)
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	p.Classpath = []classpath.Finder{jdk}
	return p
}

func runtimeJar(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := runtime.WriteJar(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "dvmlab-runtime.jar")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readCoverage parses the runtime's output: "class block count" lines.
func readCoverage(t *testing.T, path string) map[string]map[int]int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("coverage output: %v", err)
	}
	out := map[string]map[int]int64{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var cls string
		var block int
		var n int64
		if _, err := fmt.Sscan(line, &cls, &block, &n); err != nil {
			t.Fatalf("bad coverage line %q: %v", line, err)
		}
		if out[cls] == nil {
			out[cls] = map[int]int64{}
		}
		out[cls][block] = n
	}
	return out
}

// TestOldClassesWithSubroutines assembles classes that use jsr/ret (as javac
// did for finally before Java 6) with Debian's Jasmin, stamps them with each
// version from 45.3 to 49.0 (Jasmin itself writes 46.0), instruments them and
// checks that HotSpot's old verifier accepts them and they print the same.
func TestOldClassesWithSubroutines(t *testing.T) {
	jasmin, err := exec.LookPath("jasmin")
	if err != nil {
		t.Skip("jasmin (Debian jasmin-sable) not installed; run make deps")
	}
	src, err := os.ReadFile("testdata/Old.j")
	if err != nil {
		t.Fatal(err)
	}
	rt := runtimeJar(t)
	p := pipeline(t)
	asm := t.TempDir()
	j := filepath.Join(asm, "Old.j")
	if err := os.WriteFile(j, src, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(jasmin, "-d", asm, j).CombinedOutput()
	assembled, rerr := os.ReadFile(filepath.Join(asm, "Old.class"))
	if err != nil || rerr != nil {
		t.Fatalf("jasmin: %v %v\n%s", err, rerr, b)
	}
	for _, v := range []struct{ major, minor uint16 }{{45, 3}, {46, 0}, {47, 0}, {48, 0}, {49, 0}} {
		version := fmt.Sprintf("%d.%d", v.major, v.minor)
		t.Run(version, func(t *testing.T) {
			dir := t.TempDir()
			data := bytes.Clone(assembled)
			binary.BigEndian.PutUint16(data[4:], v.minor)
			binary.BigEndian.PutUint16(data[6:], v.major)
			if err := os.WriteFile(filepath.Join(dir, "Old.class"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			if c, err := classfile.Parse(data); err != nil || fmt.Sprintf("%d.%d", c.Major, c.Minor) != version {
				t.Fatalf("assembled class: %v (version %d.%d)", err, c.Major, c.Minor)
			}
			want := jvmtest.MustJava(t, "-Xverify:all", "-cp", dir, "Old").Stdout

			res, err := p.Process(data)
			if err != nil {
				t.Fatal(err)
			}
			if res.Reports[0].Inserted == 0 {
				t.Fatal("no probes inserted")
			}
			out := t.TempDir()
			if err := os.WriteFile(filepath.Join(out, "Old.class"), res.Out, 0o644); err != nil {
				t.Fatal(err)
			}
			covFile := filepath.Join(t.TempDir(), "cov.txt")
			got := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-Ddvmlab.coverage.out="+covFile,
				"-cp", out+string(os.PathListSeparator)+rt, "Old")
			if got.Stdout != want {
				t.Fatalf("output %q, want %q", got.Stdout, want)
			}
			cov := readCoverage(t, covFile)
			if len(cov["Old"]) == 0 {
				t.Fatalf("no blocks of Old counted: %v", cov)
			}
			// The subroutine runs once per loop iteration and once at the end.
			t.Logf("version %s: %d probes, %d blocks executed", version, res.Reports[0].Inserted, len(cov["Old"]))
		})
	}
}

// TestCountsMatchExecution checks the counts against a loop whose trip
// count is known.
func TestCountsMatchExecution(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Loop.java": `
public class Loop {
    public static void main(String[] a) {
        int s = 0;
        for (int i = 0; i < 1000; i++) { if ((i & 1) == 0) s += i; }
        System.out.println(s);
    }
}`})
	data, err := os.ReadFile(filepath.Join(dir, "Loop.class"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline(t).Process(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Loop.class"), res.Out, 0o644); err != nil {
		t.Fatal(err)
	}
	covFile := filepath.Join(t.TempDir(), "cov.txt")
	r := jvmtest.MustJava(t, "-Xverify:all", "-Ddvmlab.coverage.out="+covFile, "-cp", dir+string(os.PathListSeparator)+runtimeJar(t), "Loop")
	if strings.TrimSpace(r.Stdout) != "249500" {
		t.Fatalf("printed %q", r.Stdout)
	}
	counts := map[int64]int{}
	for _, n := range readCoverage(t, covFile)["Loop"] {
		counts[n]++
	}
	// The loop test runs 1001 times, the body 1000, the even branch 500.
	for _, n := range []int64{1001, 1000, 500} {
		if counts[n] == 0 {
			t.Errorf("no block executed %d times: %v", n, counts)
		}
	}
}

// TestRegressionCases rewrites the classes of each testdata/<fault>
// directory with probes and recomputed frames and checks them against what
// the JDK says about the originals (want.txt): the program's output under
// HotSpot's -Xverify:all ("run MAIN ARGS", "> line"), and for type
// annotations, the instruction javap shows each one's offset names
// ("target METHOD ATTRIBUTE KIND -> opcode").
func TestRegressionCases(t *testing.T) {
	rt := runtimeJar(t)
	for _, name := range []string{"typeanno-after-insert", "max-locals-lvt"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			want, err := os.ReadFile(filepath.Join(dir, "want.txt"))
			if err != nil {
				t.Fatal(err)
			}
			var run []string
			var stdout, targets []string
			for _, l := range strings.Split(strings.TrimSpace(string(want)), "\n") {
				switch {
				case strings.HasPrefix(l, "run "):
					run = strings.Fields(l)[1:]
				case strings.HasPrefix(l, "> "):
					stdout = append(stdout, l[2:])
				case strings.HasPrefix(l, "target "):
					targets = append(targets, l[len("target "):])
				}
			}
			p := pipeline(t)
			out := t.TempDir()
			classes, _ := filepath.Glob(filepath.Join(dir, "*.class"))
			for _, c := range classes {
				res, err := p.Process(mustRead(t, c))
				if err != nil {
					t.Fatalf("%s: %v", c, err)
				}
				if err := os.WriteFile(filepath.Join(out, filepath.Base(c)), res.Out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			orig := jvmtest.MustJava(t, append([]string{"-Xverify:all", "-Xshare:off", "-cp", dir}, run...)...).Stdout
			if got := strings.Join(stdout, "\n") + "\n"; orig != got {
				t.Fatalf("want.txt says %q, but the original prints %q", got, orig)
			}
			got := jvmtest.MustJava(t, append([]string{"-Xverify:all", "-Xshare:off", "-cp", out + string(os.PathListSeparator) + rt}, run...)...).Stdout
			if got != orig {
				t.Errorf("rewritten: printed %q, want %q", got, orig)
			}
			for _, which := range []string{dir, out} {
				if got := typeAnnotationTargets(t, filepath.Join(which, run[0]+".class")); strings.Join(got, "\n") != strings.Join(targets, "\n") {
					t.Errorf("%s: type annotations point at\n%s\nwant\n%s", which, strings.Join(got, "\n"), strings.Join(targets, "\n"))
				}
			}
		})
	}
}

var (
	javapMethod  = regexp.MustCompile(`^  [a-zA-Z].*\);$`)
	javapInsn    = regexp.MustCompile(`^\s+(\d+): ([a-z][a-z_0-9]*)`)
	javapSection = regexp.MustCompile(`^\s+(Runtime(?:Inv|V)isibleTypeAnnotations):$`)
	javapTarget  = regexp.MustCompile(`^\s+\d+: #\d+\(.*?\): ([A-Z_]+).*offset=(\d+)`)
)

// typeAnnotationTargets runs the JDK's javap on a class file and lists each
// code-level type annotation with an offset, by the opcode at that offset.
func typeAnnotationTargets(t *testing.T, path string) []string {
	t.Helper()
	b, err := exec.Command(jvmtest.Tool(t, "javap"), "-c", "-p", "-v", path).Output()
	if err != nil {
		t.Fatalf("javap %s: %v", path, err)
	}
	var out []string
	method, section := "", ""
	ops := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if javapMethod.MatchString(l) {
			method, section, ops = strings.TrimSpace(l), "", map[string]string{}
			continue
		}
		if m := javapSection.FindStringSubmatch(l); m != nil {
			section = m[1]
			continue
		}
		if section == "" {
			if m := javapInsn.FindStringSubmatch(l); m != nil {
				ops[m[1]] = m[2]
			}
			continue
		}
		if m := javapTarget.FindStringSubmatch(l); m != nil {
			op, ok := ops[m[2]]
			if !ok {
				op = "NOT AN INSTRUCTION"
			}
			out = append(out, fmt.Sprintf("%s %s %s -> %s", method, section, m[1], op))
		}
	}
	return out
}

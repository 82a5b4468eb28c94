// Package simulate feeds core/netsim's models with what a real program does:
// the classes it loads at start-up, in first-use order and with their sizes
// (from HotSpot's class-load log of a real run), and the proxy's service time
// per class (from running the real pipeline on them). The workbench's
// simulate command is built on it.
package simulate

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/netsim"
	"dvmlab/core/service"
	"dvmlab/datasets"
	"dvmlab/experiments"
)

// Profile is what one real run of a program tells the models.
type Profile struct {
	Program string
	// Classes are the program's own classes in the order the JVM first
	// loaded them, with their sizes; JDK classes are on the client already.
	Classes []netsim.Fetch
	// Jars are the program's jars with their sizes, for jar-at-once loading.
	Jars []netsim.Fetch
	// Local is the run's wall time with everything on the local disk.
	Local time.Duration
}

// Measure runs p once with HotSpot's class-load log on and reads which of
// its classes it loaded, in order.
func Measure(ctx context.Context, p datasets.Program) (*Profile, error) {
	tmp, err := os.MkdirTemp("", "dvmlab-simulate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	logFile := filepath.Join(tmp, "classload.log")
	// The log goes to a file so the program's own output stays as it is.
	out, err := p.Run(ctx, datasets.RunConfig{JVMFlags: []string{"-Xlog:class+load=info:file=" + logFile}}, filepath.Join(tmp, "work"))
	if err != nil {
		return nil, err
	}
	prof := &Profile{Program: p.Name, Local: out.Elapsed}
	// Which jar each class came from, so sizes come from the same file.
	jars := map[string]classpath.Source{}
	for _, j := range p.Classpath(datasets.RunConfig{}) {
		src, err := classpath.Open(j)
		if err != nil {
			return nil, err
		}
		defer src.Close()
		jars[j] = src
		// The log names the file the JVM opened, after symbolic links
		// (Debian's JLex.jar is a link to JLex-1.2.6.jar).
		if real, err := filepath.EvalSymlinks(j); err == nil {
			jars[real] = src
		}
		if st, err := os.Stat(j); err == nil {
			prof.Jars = append(prof.Jars, netsim.Fetch{Name: filepath.Base(j), Bytes: int(st.Size())})
		}
	}
	f, err := os.Open(logFile)
	if err != nil {
		return nil, fmt.Errorf("%s: no class-load log: %w", p.Name, err)
	}
	defer f.Close()
	classes, err := parseClassLoad(f, func(name, source string) (int, bool) {
		src, ok := jars[strings.TrimPrefix(source, "file:")]
		if !ok {
			return 0, false
		}
		data, err := src.Find(classfile.InternalName(name))
		if err != nil {
			return 0, false
		}
		return len(data), true
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name, err)
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("%s: the class-load log names none of the program's own classes", p.Name)
	}
	prof.Classes = classes
	return prof, nil
}

// parseClassLoad reads -Xlog:class+load lines such as
// "[0.071s][info][class,load] JLex.Main source: file:/usr/share/java/JLex.jar"
// and keeps the classes size accepts, in order.
func parseClassLoad(r io.Reader, size func(name, source string) (int, bool)) ([]netsim.Fetch, error) {
	var out []netsim.Fetch
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, "[class,load] ")
		if i < 0 {
			continue
		}
		rest := line[i+len("[class,load] "):]
		name, source, ok := strings.Cut(rest, " source: ")
		if !ok {
			continue
		}
		if n, ok := size(name, strings.TrimSpace(source)); ok {
			out = append(out, netsim.Fetch{Name: name, Bytes: n})
		}
	}
	return out, sc.Err()
}

// StartupRow is one link's predictions.
type StartupRow struct {
	Link         string
	BytesPerSec  float64 // 0: unlimited
	ClassByClass time.Duration
	Jar          time.Duration
}

// Startup predicts start-up over each link, loading class by class and as
// jars, from a measured profile.
func Startup(prof *Profile, links []string, latency, perRequest time.Duration) ([]StartupRow, error) {
	var rows []StartupRow
	for _, l := range links {
		rate, err := netsim.ParseRate(l)
		if err != nil {
			return nil, err
		}
		m := netsim.StartupModel{Link: netsim.Link{BytesPerSec: rate, Latency: latency}, Local: prof.Local,
			PerRequest: perRequest, HeaderBytes: netsim.DefaultHeaderBytes}
		cls, err := m.Predict(prof.Classes)
		if err != nil {
			return nil, err
		}
		jar, err := m.Predict(prof.Jars)
		if err != nil {
			return nil, err
		}
		rows = append(rows, StartupRow{Link: l, BytesPerSec: rate, ClassByClass: cls, Jar: jar})
	}
	return rows, nil
}

// ServiceTimes runs the pipeline on each class the profile names, as the
// proxy would for an uncached request, and returns the time each took.
func ServiceTimes(p datasets.Program, prof *Profile, pl *service.Pipeline) ([]time.Duration, error) {
	path, err := p.OpenClasspath()
	if err != nil {
		return nil, err
	}
	defer path.Close()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return nil, err
	}
	defer jdk.Close()
	pl.Hierarchy = classpath.NewHierarchy(path, jdk)
	var classes [][]byte
	for _, c := range prof.Classes {
		if data, err := path.Find(classfile.InternalName(c.Name)); err == nil {
			classes = append(classes, data)
		}
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("%s: no class to time", p.Name)
	}
	return TimeEach(pl, classes)
}

// TimeEach runs the pipeline on each class, as the proxy would for an
// uncached request, and returns the time each took. Two passes: the first
// warms what a long-running proxy has warm (the hierarchy it has read, its
// allocator); the second is timed.
func TimeEach(pl *service.Pipeline, classes [][]byte) ([]time.Duration, error) {
	times := make([]time.Duration, len(classes))
	for pass := 0; pass < 2; pass++ {
		for i, data := range classes {
			t0 := time.Now()
			if _, err := pl.Process(data); err != nil {
				return nil, err
			}
			times[i] = time.Since(t0)
		}
	}
	return times, nil
}

// round keeps three significant places or so: µs below 10 ms, ms above.
func round(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// ScalingRow is the model's result for one client count and replica count.
type ScalingRow struct {
	Replicas int
	netsim.ProxyResult
}

// Scaling runs the proxy model for every client and replica count.
func Scaling(service []time.Duration, classes int, clients, replicas []int, workers int, think, rtt time.Duration) ([]ScalingRow, error) {
	var rows []ScalingRow
	for _, r := range replicas {
		for _, n := range clients {
			m := netsim.ProxyModel{Service: service, Replicas: r, Workers: workers, ClassesPerClient: classes, Think: think, RTT: rtt, Seed: 1}
			res, err := m.Run(n)
			if err != nil {
				return nil, err
			}
			rows = append(rows, ScalingRow{Replicas: r, ProxyResult: res})
		}
	}
	return rows, nil
}

// PrintStartup writes the start-up predictions with a bar per mode.
func PrintStartup(w io.Writer, rows []StartupRow, latency time.Duration) {
	var longest time.Duration
	for _, r := range rows {
		longest = max(longest, r.ClassByClass, r.Jar)
	}
	fmt.Fprintf(w, "predicted start-up, %v one-way latency:\n", latency)
	fmt.Fprintf(w, "  %-10s %12s %12s\n", "link", "by class", "as jars")
	for _, r := range rows {
		fmt.Fprintf(w, "  %-10s %12v %12v\n", r.Link, r.ClassByClass.Round(time.Millisecond), r.Jar.Round(time.Millisecond))
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "  %-10s class %s\n", r.Link, bar(r.ClassByClass, longest, 50))
		fmt.Fprintf(w, "  %-10s jar   %s\n", "", bar(r.Jar, longest, 50))
	}
}

// PrintScaling writes the proxy model's table.
func PrintScaling(w io.Writer, services string, service []time.Duration, rows []ScalingRow) {
	var sum time.Duration
	for _, s := range service {
		sum += s
	}
	fmt.Fprintf(w, "proxy model: services %s, %d measured service times, mean %v per class\n", services, len(service), (sum / time.Duration(len(service))).Round(time.Microsecond))
	fmt.Fprintf(w, "  %8s %9s %12s %10s %10s %10s %6s\n", "replicas", "clients", "classes/s", "p50", "p99", "makespan", "busy")
	var top float64
	for _, r := range rows {
		top = max(top, r.Throughput)
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %8d %9d %12.0f %10v %10v %10v %5.0f%%  %s\n", r.Replicas, r.Clients, r.Throughput,
			round(r.P50), round(r.P99), round(r.Makespan), 100*r.Utilization,
			bar(time.Duration(r.Throughput), time.Duration(top), 20))
	}
}

// bar draws v as a share of of width cells.
func bar(v, of time.Duration, width int) string {
	if of <= 0 {
		return ""
	}
	return experiments.Bar(float64(v)/float64(of), width)
}

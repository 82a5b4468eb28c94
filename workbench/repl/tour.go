package repl

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/service/coverage"
)

// tour follows one class from the origin to the client, explaining each
// stage as it runs the real commands: what an instructor would say at the
// board, with the machine doing the work.
func (s *Session) tour(args []string) error {
	jar := "/usr/share/java/JLex.jar"
	class := "JLex.CSpec"
	if len(args) == 2 {
		jar, class = args[0], args[1]
	} else if len(args) != 0 {
		return errors.New("usage: tour [JAR CLASS]")
	}
	say := func(text string) { fmt.Fprintf(s.Out, "\n# %s\n", text) }
	run := func(line string) error {
		fmt.Fprintf(s.Out, "dvmlab> %s\n", line)
		return s.Exec(line)
	}
	say("The origin holds the application as class files; the DVM proxy sees every one on its way to the client.")
	if err := run("load " + jar); err != nil {
		return err
	}
	say("The proxy parses each class once into a model: constant pool, fields, methods, code.")
	if err := run("show " + class + ".<init>"); err != nil {
		return err
	}
	say("A site configuration names the static services; here the profiler, which puts a counter probe at every basic block.")
	if err := run("pipeline coverage --frames recompute"); err != nil {
		return err
	}
	if err := run("step " + class); err != nil {
		return err
	}
	say("Each service rewrites the shared model in place; nothing is re-parsed between services.")
	if err := run("step"); err != nil {
		return err
	}
	say("The diff: probes inserted, every original instruction moved but unchanged.")
	if err := run("diff <init>"); err != nil {
		return err
	}
	say("Last, the class is emitted once, with stack-map frames recomputed so the client's verifier accepts it.")
	if err := run("step"); err != nil {
		return err
	}
	say("The client is a stock JVM: `dvmlab run --proxy ADDR URL MAIN` loads the application through the proxy, and the probes report to dvmlab.runtime.Coverage, which the proxy serves too. `load` a coverage file it writes to see which blocks ran.")
	return nil
}

// loadCoverage reads a coverage profile (class block count) and maps each
// block back to its method and offset in the loaded classes.
func (s *Session) loadCoverage(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	counts := map[string]map[int]int64{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		var cls string
		var block int
		var n int64
		if _, err := fmt.Sscan(sc.Text(), &cls, &block, &n); err != nil {
			return fmt.Errorf("%s:%d: not a coverage line (class block count): %q", path, line, sc.Text())
		}
		if counts[cls] == nil {
			counts[cls] = map[int]int64{}
		}
		counts[cls][block] = n
	}
	if err := sc.Err(); err != nil {
		return err
	}
	// Kept for show, added to what earlier profiles counted.
	for cls, byBlock := range counts {
		if s.coverage[cls] == nil {
			s.coverage[cls] = map[int]int64{}
		}
		for id, n := range byBlock {
			s.coverage[cls][id] += n
		}
	}
	classes := make([]string, 0, len(counts))
	for c := range counts {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, cls := range classes {
		var blocks []coverage.Block
		if src := s.owner[cls]; src != nil {
			if data, err := src.Find(cls); err == nil {
				if c, err := classfile.Parse(data); err == nil {
					if blocks, err = coverage.Blocks(c); err != nil {
						blocks = nil
					} else if blocks == nil {
						blocks = []coverage.Block{}
					}
				}
			}
		}
		total := int64(0)
		for _, n := range counts[cls] {
			total += n
		}
		fmt.Fprintf(s.Out, "%s: %d blocks executed, %d executions\n", classfile.BinaryName(cls), len(counts[cls]), total)
		ids := make([]int, 0, len(counts[cls]))
		for id := range counts[cls] {
			ids = append(ids, id)
		}
		// Most executed first; equal counts by block, so the listing is the same every time.
		sort.Slice(ids, func(i, j int) bool {
			ci, cj := counts[cls][ids[i]], counts[cls][ids[j]]
			return ci > cj || ci == cj && ids[i] < ids[j]
		})
		for _, id := range ids[:min(5, len(ids))] {
			where := "(load the class to see where)"
			if blocks != nil {
				where = fmt.Sprintf("(no such block: the class has %d)", len(blocks))
			}
			if id < len(blocks) {
				where = fmt.Sprintf("%s @%d", blocks[id].Method, blocks[id].Offset)
			}
			fmt.Fprintf(s.Out, "  block %-5d %10d  %s\n", id, counts[cls][id], where)
		}
	}
	return nil
}

// isCoverageFile tells a coverage profile from a class container by name.
func isCoverageFile(path string) bool {
	return strings.HasSuffix(path, ".txt") || strings.HasSuffix(path, ".cov")
}

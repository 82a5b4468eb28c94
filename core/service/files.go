package service

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// ClassError names the class (or container entry) a failure happened in.
type ClassError struct {
	Entry string
	Err   error
}

func (e *ClassError) Error() string { return e.Entry + ": " + e.Err.Error() }
func (e *ClassError) Unwrap() error { return e.Err }

// Stats counts what a rewrite of a file, directory or jar did.
type Stats struct {
	Classes   int // class files that went through the pipeline
	Copied    int // other entries copied unchanged
	Failed    int // classes left as they were because the pipeline failed on them
	BytesIn   int64
	BytesOut  int64
	Reports   []Report
	Errors    []error  // one *ClassError per failed class
	Unchanged int      // classes whose output equals their input
	Dropped   []string // signature files of a signed jar, invalid once classes change
	Refused   []error  // one *ClassError per class passed through because the JVM refuses it
	Excluded  int      // classes Pipeline.Exclude let through as they came (counted in Unchanged too)
}

// Progress, when set, is called after every class with the number done.
type Progress func(done int)

// RewritePath runs the pipeline over a class file, a directory tree, a jar or a jmod
// and writes the result to out, keeping the same shape: a class file gives a
// class file, a directory a directory with the same relative paths (other
// files copied), a jar a jar with every other entry copied as it was. A class
// the pipeline fails on is written unchanged and reported in Stats.Errors;
// the rest still goes through.
func (p *Pipeline) RewritePath(in, out string, progress Progress) (*Stats, error) {
	st, err := os.Stat(in)
	if err != nil {
		return nil, err
	}
	switch {
	case st.IsDir():
		return p.rewriteDir(in, out, progress)
	case strings.HasSuffix(in, ".jar") || strings.HasSuffix(in, ".zip") || strings.HasSuffix(in, ".jmod"):
		// A jmod is a zip behind a 4-byte header, which is kept.
		return p.rewriteJar(in, out, progress)
	case strings.HasSuffix(in, ".class"):
		data, err := os.ReadFile(in)
		if err != nil {
			return nil, err
		}
		j := &job{entry: filepath.Base(in), data: data}
		j.res, j.err = p.withHierarchy([]*job{j}).Process(data)
		s := &Stats{}
		return s, writeFileAtomic(out, s.account(j))
	}
	return nil, fmt.Errorf("%s: not a class file, directory or jar", in)
}

type job struct {
	entry string
	data  []byte
	out   []byte
	err   error
	res   *Result
}

// withHierarchy returns a copy of p whose hierarchy sees the container's own
// classes first, then p.Classpath.
func (p *Pipeline) withHierarchy(jobs []*job) *Pipeline {
	if p.Hierarchy != nil {
		return p
	}
	own := classpath.Classes{}
	for _, j := range jobs {
		if h, err := classfile.ParseHeader(j.data); err == nil {
			own[h.Name] = j.data
		}
	}
	return p.With(classpath.NewHierarchy(append([]classpath.Finder{own}, p.Classpath...)...), p.Classpath)
}

// parallel runs the pipeline over jobs on all cores; results stay in order.
func (p *Pipeline) parallel(jobs []*job, progress Progress) {
	p = p.withHierarchy(jobs)
	var wg sync.WaitGroup
	next := make(chan *job)
	var mu sync.Mutex
	done := 0
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				j.res, j.err = p.Process(j.data)
				if progress != nil {
					mu.Lock()
					done++
					progress(done)
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

// account adds one class's outcome to s and returns the bytes to write: the
// rewritten class, or the original when the pipeline failed on it.
func (s *Stats) account(j *job) []byte {
	s.Classes++
	s.BytesIn += int64(len(j.data))
	if j.err != nil {
		s.Failed++
		s.Errors = append(s.Errors, &ClassError{Entry: j.entry, Err: j.err})
		s.BytesOut += int64(len(j.data))
		return j.data
	}
	if j.res.Refused != nil {
		s.Refused = append(s.Refused, &ClassError{Entry: j.entry, Err: j.res.Refused})
	}
	if j.res.Excluded {
		s.Excluded++
	}
	s.Reports = append(s.Reports, j.res.Reports...)
	s.BytesOut += int64(len(j.res.Out))
	if bytes.Equal(j.res.Out, j.data) {
		s.Unchanged++
	}
	return j.res.Out
}

func (p *Pipeline) rewriteDir(in, out string, progress Progress) (*Stats, error) {
	var jobs []*job
	var others []string
	err := filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(in, path)
		if strings.HasSuffix(path, ".class") {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			jobs = append(jobs, &job{entry: rel, data: data})
		} else if d.Type().IsRegular() {
			others = append(others, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.parallel(jobs, progress)
	s := &Stats{}
	for _, j := range jobs {
		if err := writeFileAtomic(filepath.Join(out, j.entry), s.account(j)); err != nil {
			return s, err
		}
	}
	for _, rel := range others {
		data, err := os.ReadFile(filepath.Join(in, rel))
		if err != nil {
			return s, err
		}
		if err := writeFileAtomic(filepath.Join(out, rel), data); err != nil {
			return s, err
		}
		s.Copied++
	}
	return s, nil
}

// MaxEntrySize bounds one jar entry's uncompressed size, so a zip bomb is
// refused instead of exhausting memory.
const MaxEntrySize = 64 << 20

func readEntry(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > MaxEntrySize {
		return nil, fmt.Errorf("entry of %d bytes exceeds the %d-byte limit", f.UncompressedSize64, MaxEntrySize)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxEntrySize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxEntrySize {
		return nil, errors.New("entry larger than its header says")
	}
	return data, nil
}

func (p *Pipeline) rewriteJar(in, out string, progress Progress) (*Stats, error) {
	f, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".rewrite-*.jar")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	// The jars the manifest's Class-Path names are where a JVM finds the
	// classes this jar's code refers to, so frames are computed with them.
	if p.Hierarchy == nil {
		mcp, err := classpath.OpenManifestClassPath(in)
		if err != nil {
			return nil, err
		}
		defer mcp.Close()
		if len(mcp) > 0 {
			var cp []classpath.Finder
			for _, s := range mcp {
				cp = append(cp, s)
			}
			p = p.With(nil, append(cp, p.Classpath...))
		}
	}
	s, err := p.RewriteJar(f, st.Size(), tmp, progress)
	if err != nil {
		tmp.Close()
		return s, fmt.Errorf("%s: %w", in, err)
	}
	if err := tmp.Close(); err != nil {
		return s, err
	}
	return s, os.Rename(tmp.Name(), out)
}

// MaxJarEntries bounds the entries of one jar, against zip bombs made of
// many small entries.
const MaxJarEntries = 200000

// RewriteJar runs the pipeline over every class of the jar in r and writes
// the new jar to w. Every entry the pipeline does not change is copied as
// stored (local header, data, descriptor and central record), in the same
// order, so a jar in which nothing changes comes out byte-identical and a
// signed one stays signed. When a class does change, the signature files of
// a signed jar no longer match and are left out; Stats.Dropped names them.
//
// The classes of a multi-release jar under META-INF/versions/N/ are
// rewritten against what a JVM of release N loads beside them: their own
// release's classes, then lower releases', then the base entries.
func (p *Pipeline) RewriteJar(r io.ReaderAt, size int64, w io.Writer, progress Progress) (*Stats, error) {
	z, err := classpath.ReadZipEdit(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a jar: %w", err)
	}
	if len(z.Entries) > MaxJarEntries {
		return nil, fmt.Errorf("%d entries exceed the limit of %d", len(z.Entries), MaxJarEntries)
	}
	var jobs []*job
	index := map[*job]int{}
	byRelease := map[int][]*job{}
	for i, e := range z.Entries {
		if !strings.HasSuffix(e.Name, ".class") || e.IsDir() {
			continue
		}
		data, err := readEntry(e.File)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name, err)
		}
		j := &job{entry: e.Name, data: data}
		jobs = append(jobs, j)
		index[j] = i
		rel, _ := classpath.VersionedEntry(e.Name)
		byRelease[rel] = append(byRelease[rel], j)
	}
	releases := make([]int, 0, len(byRelease))
	for rel := range byRelease {
		releases = append(releases, rel)
	}
	slices.Sort(releases)
	done := 0
	for _, rel := range releases {
		// The classes a JVM of this release sees in the jar: the base
		// entries overlaid by every release up to this one, in order.
		var seen []*job
		for _, r := range releases {
			if r <= rel {
				seen = append(seen, byRelease[r]...)
			}
		}
		var prog Progress
		if progress != nil {
			base := done
			prog = func(n int) { progress(base + n) }
		}
		p.withHierarchy(seen).parallel(byRelease[rel], prog)
		done += len(byRelease[rel])
	}

	s := &Stats{}
	replace := map[int][]byte{}
	for _, j := range jobs {
		out := s.account(j)
		if !bytes.Equal(out, j.data) {
			replace[index[j]] = out
		}
	}
	classAt := map[int]bool{}
	for _, i := range index {
		classAt[i] = true
	}
	drop := map[int]bool{}
	for i, e := range z.Entries {
		if classAt[i] {
			continue
		}
		if len(replace) > 0 && isSignatureFile(e.Name) {
			s.Dropped = append(s.Dropped, e.Name)
			drop[i] = true
			continue
		}
		s.Copied++
	}
	return s, z.WriteTo(w, replace, drop)
}

// isSignatureFile reports whether a jar entry belongs to a jar signature
// (META-INF/*.SF, *.RSA, *.DSA, *.EC, SIG-*), which rewriting invalidates;
// the JDK's JarFile treats the same names as signature-related.
func isSignatureFile(name string) bool {
	if !strings.HasPrefix(name, "META-INF/") || strings.Count(name, "/") != 1 {
		return false
	}
	if strings.HasPrefix(strings.ToUpper(name), "META-INF/SIG-") {
		return true
	}
	for _, ext := range []string{".SF", ".RSA", ".DSA", ".EC"} {
		if strings.HasSuffix(strings.ToUpper(name), ext) {
			return true
		}
	}
	return false
}

// writeFileAtomic writes through a temporary file and a rename, so a reader
// never sees half a class.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

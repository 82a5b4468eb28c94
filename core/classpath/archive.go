package classpath

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// archive is the zip underneath a jar or a jmod. It is opened once; the
// central directory is indexed by class name at open, so Find is a map lookup
// and one decompression.
//
// Concurrent Find is safe: the index is never written after open, and
// zip.File.Open reads through io.SectionReaders over the file's ReadAt (pread,
// no shared offset) with a decompressor of its own from a sync.Pool.
type archive struct {
	desc  string // "jar /p/a.jar": the prefix of every error
	file  *os.File
	zr    *zip.Reader
	index map[string]*zip.File
	names []string // sorted keys of index
}

// openArchive opens the zip that starts offset bytes into path and indexes the
// entries under prefix ("" for a jar, "classes/" for a jmod) by class name.
// check, when set, vets the bytes before the zip and names what is wrong.
func openArchive(kind, path string, offset int64, prefix string, check func([]byte) error) (*archive, error) {
	desc := kind + " " + path
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	a, err := indexArchive(desc, f, offset, prefix, check)
	if err != nil {
		f.Close()
		return nil, err
	}
	return a, nil
}

func indexArchive(desc string, f *os.File, offset int64, prefix string, check func([]byte) error) (*archive, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", desc, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", desc)
	}
	if check != nil {
		head := make([]byte, offset)
		n, err := f.ReadAt(head, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: %w", desc, err)
		}
		if err := check(head[:n]); err != nil {
			return nil, fmt.Errorf("%s: %w", desc, err)
		}
	}
	size := st.Size() - offset
	zr, err := zip.NewReader(io.NewSectionReader(f, offset, size), size)
	// ErrInsecurePath (only under GODEBUG=zipinsecurepath=0) still returns a
	// usable reader; className drops the offending entries below.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if errors.Is(err, zip.ErrFormat) {
			return nil, fmt.Errorf("%s: not a valid zip archive, or a truncated one: %w", desc, err)
		}
		return nil, fmt.Errorf("%s: %w", desc, err)
	}
	a := &archive{desc: desc, file: f, zr: zr, index: make(map[string]*zip.File, len(zr.File))}
	for _, zf := range zr.File {
		rest, ok := strings.CutPrefix(zf.Name, prefix)
		if !ok {
			continue
		}
		name, ok := className(rest)
		if !ok {
			continue
		}
		// A later entry of the same name replaces an earlier one: the JDK's
		// ZipFile resolves duplicates to the last central-directory record,
		// and a lookup here should agree with what a JVM would load.
		a.index[name] = zf
	}
	a.names = make([]string, 0, len(a.index))
	for n := range a.index {
		a.names = append(a.names, n)
	}
	slices.Sort(a.names)
	return a, nil
}

func (a *archive) find(name string) ([]byte, error) {
	zf := a.index[InternalName(name)]
	if zf == nil {
		return nil, &NotFoundError{Name: InternalName(name), Source: a.desc}
	}
	return a.read(zf)
}

// read decompresses one entry, trusting neither the declared size (a zip bomb
// declares little and inflates to much) nor the data (a truncated or
// corrupted archive): it reads exactly the declared size and then insists on
// end of data, which is also what makes archive/zip verify the CRC.
func (a *archive) read(zf *zip.File) ([]byte, error) {
	fail := func(err error) ([]byte, error) {
		return nil, &EntryError{Source: a.desc, Entry: zf.Name, Err: err}
	}
	if zf.UncompressedSize64 > MaxClassSize {
		return fail(fmt.Errorf("declared uncompressed size %d is over the %d-byte limit for a class file", zf.UncompressedSize64, MaxClassSize))
	}
	rc, err := zf.Open()
	if err != nil {
		return fail(err)
	}
	defer rc.Close()
	data := make([]byte, zf.UncompressedSize64)
	if _, err := io.ReadFull(rc, data); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("data ends before the declared %d bytes: %w", len(data), io.ErrUnexpectedEOF)
		}
		return fail(err)
	}
	var one [1]byte
	switch n, err := rc.Read(one[:]); {
	case n > 0 || errors.Is(err, zip.ErrFormat):
		return fail(fmt.Errorf("data runs past the declared %d bytes", len(data)))
	case err != nil && !errors.Is(err, io.EOF):
		return fail(err)
	}
	return data, nil
}

func (a *archive) walk(fn func(string, []byte) error) error {
	for _, n := range a.names {
		data, err := a.read(a.index[n])
		if err != nil {
			return err
		}
		if err := fn(n, data); err != nil {
			return err
		}
	}
	return nil
}

func (a *archive) close() error {
	if err := a.file.Close(); err != nil {
		return fmt.Errorf("%s: %w", a.desc, err)
	}
	return nil
}

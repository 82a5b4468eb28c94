package classpath

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
)

// ZipEdit is a zip archive (a jar) read as stored, so that it can be written
// back with some entries replaced or left out and every other entry copied
// byte for byte: local header, extra fields, data and data descriptor as the
// tool that made the jar wrote them, in the same order, with the same
// central-directory record. An archive with nothing replaced or dropped is
// written back identical, which keeps a jar signature valid. Directory
// entries of any compression, data descriptors, Zip64 records and bytes
// before the first entry (a launcher script) are all kept.
//
// See the ZIP File Format Specification (APPNOTE.TXT) §4.3.
type ZipEdit struct {
	r    io.ReaderAt
	size int64
	// Reader reads the entries' contents; its File slice is in the same
	// order as Entries.
	Reader  *zip.Reader
	Entries []*ZipRecord

	base      int64 // what the archive's offsets are relative to
	cdStart   int64 // where the central directory is, absolute
	zip64     []byte
	zip64Loc  []byte
	eocd      []byte // the end of central directory record and comment
	firstData int64  // the first local header, absolute
}

// ZipRecord is one entry: its central-directory record and where its local
// record lies.
type ZipRecord struct {
	Name    string
	File    *zip.File
	central []byte
	local   int64 // absolute offset of the local header
	end     int64 // end of the local record (data descriptor included)
	zip64At int   // offset of the Zip64 extra field in central, -1 if none
}

const (
	sigLocal     = 0x04034b50
	sigCentral   = 0x02014b50
	sigEOCD      = 0x06054b50
	sigZip64EOCD = 0x06064b50
	sigZip64Loc  = 0x07064b50
	zip64ExtraID = 0x0001
)

// ReadZipEdit reads the central directory of the archive in r. Anything
// archive/zip rejects is rejected too; the records are then read again as
// bytes so that they can be copied unchanged.
func ReadZipEdit(r io.ReaderAt, size int64) (*ZipEdit, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, err
	}
	z := &ZipEdit{r: r, size: size, Reader: zr}
	if err := z.readEnd(); err != nil {
		return nil, fmt.Errorf("zip: %w", err)
	}
	if err := z.readCentral(); err != nil {
		return nil, fmt.Errorf("zip: %w", err)
	}
	if len(z.Entries) != len(zr.File) {
		return nil, fmt.Errorf("zip: %d central-directory records, archive/zip reads %d", len(z.Entries), len(zr.File))
	}
	for i, e := range z.Entries {
		if zr.File[i].Name != e.Name {
			return nil, fmt.Errorf("zip: record %d is %q, archive/zip reads %q", i, e.Name, zr.File[i].Name)
		}
		e.File = zr.File[i]
	}
	return z, nil
}

func (z *ZipEdit) readAt(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || off+int64(n) > z.size {
		return nil, fmt.Errorf("%d bytes at offset %d lie outside the %d-byte archive", n, off, z.size)
	}
	b := make([]byte, n)
	if _, err := z.r.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && off+int64(n) == z.size) {
		return nil, err
	}
	return b, nil
}

// readEnd finds the end of central directory record (APPNOTE §4.3.16),
// searching back over a comment of up to 65535 bytes, and the Zip64 records
// before it (§4.3.14, §4.3.15) when there are any.
func (z *ZipEdit) readEnd() error {
	n := int64(22 + 65535)
	if n > z.size {
		n = z.size
	}
	tail, err := z.readAt(z.size-n, int(n))
	if err != nil {
		return err
	}
	at := -1
	for i := len(tail) - 22; i >= 0; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == sigEOCD && i+22+int(binary.LittleEndian.Uint16(tail[i+20:])) <= len(tail) {
			at = i
			break
		}
	}
	if at < 0 {
		return errors.New("no end of central directory record")
	}
	eocdOff := z.size - n + int64(at)
	z.eocd = tail[at : at+22+int(binary.LittleEndian.Uint16(tail[at+20:]))]
	cdSize := int64(binary.LittleEndian.Uint32(z.eocd[12:]))
	cdOff := int64(binary.LittleEndian.Uint32(z.eocd[16:]))
	cdEnd := eocdOff
	if eocdOff >= 20 {
		loc, err := z.readAt(eocdOff-20, 20)
		if err == nil && binary.LittleEndian.Uint32(loc) == sigZip64Loc {
			z64off := int64(binary.LittleEndian.Uint64(loc[8:]))
			head, err := z.readAt(z64off, 56)
			if err != nil || binary.LittleEndian.Uint32(head) != sigZip64EOCD {
				return errors.New("Zip64 end of central directory locator points at no record")
			}
			recLen := int64(binary.LittleEndian.Uint64(head[4:])) + 12
			if recLen < 56 || z64off+recLen > eocdOff-20 {
				return errors.New("Zip64 end of central directory record of a bad size")
			}
			if z.zip64, err = z.readAt(z64off, int(recLen)); err != nil {
				return err
			}
			z.zip64Loc = loc
			cdSize = int64(binary.LittleEndian.Uint64(z.zip64[40:]))
			cdOff = int64(binary.LittleEndian.Uint64(z.zip64[48:]))
			cdEnd = z64off
		}
	}
	// Offsets are relative to the start of the zip proper, which a prefix
	// (a script or an executable) moves away from the file's start.
	z.cdStart = cdEnd - cdSize
	z.base = z.cdStart - cdOff
	if z.cdStart < 0 || z.base < 0 {
		return errors.New("central directory lies outside the archive")
	}
	return nil
}

// readCentral reads every central-directory header (APPNOTE §4.3.12).
func (z *ZipEdit) readCentral() error {
	end := z.size - int64(len(z.eocd))
	if z.zip64 != nil {
		end -= int64(len(z.zip64)) + int64(len(z.zip64Loc))
	}
	cd, err := z.readAt(z.cdStart, int(end-z.cdStart))
	if err != nil {
		return err
	}
	z.firstData = z.cdStart
	for p := 0; p+46 <= len(cd) && binary.LittleEndian.Uint32(cd[p:]) == sigCentral; {
		nl, xl, cl := int(binary.LittleEndian.Uint16(cd[p+28:])), int(binary.LittleEndian.Uint16(cd[p+30:])), int(binary.LittleEndian.Uint16(cd[p+32:]))
		n := 46 + nl + xl + cl
		if p+n > len(cd) {
			return errors.New("central directory record runs past the directory")
		}
		rec := &ZipRecord{Name: string(cd[p+46 : p+46+nl]), central: cd[p : p+n : p+n], zip64At: -1}
		off := int64(binary.LittleEndian.Uint32(rec.central[42:]))
		extra := rec.central[46+nl : 46+nl+xl]
		for q := 0; q+4 <= len(extra); {
			id, sz := binary.LittleEndian.Uint16(extra[q:]), int(binary.LittleEndian.Uint16(extra[q+2:]))
			if q+4+sz > len(extra) {
				break
			}
			if id == zip64ExtraID {
				rec.zip64At = 46 + nl + q
				// The Zip64 field holds, in order, only those of the
				// uncompressed size, compressed size and offset that
				// overflowed their 32-bit fields (APPNOTE §4.5.3).
				f := extra[q+4 : q+4+sz]
				for _, at := range []int{24, 20} {
					if binary.LittleEndian.Uint32(rec.central[at:]) == 0xffffffff && len(f) >= 8 {
						f = f[8:]
					}
				}
				if off == 0xffffffff && len(f) >= 8 {
					off = int64(binary.LittleEndian.Uint64(f))
				}
			}
			q += 4 + sz
		}
		rec.local = z.base + off
		if rec.local < 0 || rec.local+30 > z.cdStart {
			return fmt.Errorf("%s: local header at %d lies outside the entries", rec.Name, rec.local)
		}
		z.firstData = min(z.firstData, rec.local)
		z.Entries = append(z.Entries, rec)
		p += n
	}
	// A local record runs to the next one, or to the central directory.
	starts := make([]int64, 0, len(z.Entries)+1)
	for _, e := range z.Entries {
		starts = append(starts, e.local)
	}
	starts = append(starts, z.cdStart)
	slices.Sort(starts)
	for _, e := range z.Entries {
		i, _ := slices.BinarySearch(starts, e.local)
		for i < len(starts) && starts[i] == e.local {
			i++
		}
		e.end = starts[min(i, len(starts)-1)]
	}
	return nil
}

// IsDir reports whether the entry is a directory (its name ends in '/').
func (e *ZipRecord) IsDir() bool { return len(e.Name) > 0 && e.Name[len(e.Name)-1] == '/' }

// WriteTo writes the archive to w. replace gives new contents for some
// entries (by index in Entries), which are written compressed as the
// original was (stored stays stored, anything else is deflated) with the
// original's name, time, flags and extra fields; drop leaves entries out.
// Every other entry, and the bytes before the first entry, are copied as
// they are. With nothing replaced or dropped the output is the input.
func (z *ZipEdit) WriteTo(w io.Writer, replace map[int][]byte, drop map[int]bool) error {
	if len(replace) == 0 && len(drop) == 0 {
		_, err := io.Copy(w, io.NewSectionReader(z.r, 0, z.size))
		return err
	}
	cw := &countWriter{w: w}
	if _, err := io.Copy(cw, io.NewSectionReader(z.r, 0, z.firstData)); err != nil {
		return err
	}
	var central bytes.Buffer
	count := 0
	for i, e := range z.Entries {
		if drop[i] {
			continue
		}
		count++
		off := cw.n - z.base
		if off >= 0xffffffff {
			return fmt.Errorf("%s: offset %d needs Zip64, which rewriting does not write", e.Name, off)
		}
		rec := slices.Clone(e.central)
		if data, ok := replace[i]; ok {
			var err error
			if rec, err = z.writeNew(cw, e, rec, data); err != nil {
				return fmt.Errorf("%s: %w", e.Name, err)
			}
		} else if _, err := io.Copy(cw, io.NewSectionReader(z.r, e.local, e.end-e.local)); err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		if e.zip64At >= 0 && binary.LittleEndian.Uint32(rec[42:]) == 0xffffffff && !replacedIn(replace, i) {
			// The offset lives in the Zip64 field, after the sizes that
			// overflowed.
			at := e.zip64At + 4
			for _, f := range []int{24, 20} {
				if binary.LittleEndian.Uint32(rec[f:]) == 0xffffffff {
					at += 8
				}
			}
			binary.LittleEndian.PutUint64(rec[at:], uint64(off))
		} else {
			binary.LittleEndian.PutUint32(rec[42:], uint32(off))
		}
		central.Write(rec)
	}
	cdOff := cw.n - z.base
	cdSize := int64(central.Len())
	if _, err := cw.Write(central.Bytes()); err != nil {
		return err
	}
	if z.zip64 != nil {
		z64 := slices.Clone(z.zip64)
		binary.LittleEndian.PutUint64(z64[24:], uint64(count))
		binary.LittleEndian.PutUint64(z64[32:], uint64(count))
		binary.LittleEndian.PutUint64(z64[40:], uint64(cdSize))
		binary.LittleEndian.PutUint64(z64[48:], uint64(cdOff))
		loc := slices.Clone(z.zip64Loc)
		binary.LittleEndian.PutUint64(loc[8:], uint64(cw.n-z.base))
		if _, err := cw.Write(z64); err != nil {
			return err
		}
		if _, err := cw.Write(loc); err != nil {
			return err
		}
	}
	eocd := slices.Clone(z.eocd)
	put16 := func(at int, v int64) {
		if z.zip64 != nil && binary.LittleEndian.Uint16(eocd[at:]) == 0xffff || v >= 0xffff {
			v = 0xffff
		}
		binary.LittleEndian.PutUint16(eocd[at:], uint16(v))
	}
	put32 := func(at int, v int64) {
		if z.zip64 != nil && binary.LittleEndian.Uint32(eocd[at:]) == 0xffffffff || v >= 0xffffffff {
			v = 0xffffffff
		}
		binary.LittleEndian.PutUint32(eocd[at:], uint32(v))
	}
	put16(8, int64(count))
	put16(10, int64(count))
	put32(12, cdSize)
	put32(16, cdOff)
	_, err := cw.Write(eocd)
	return err
}

func replacedIn(m map[int][]byte, i int) bool { _, ok := m[i]; return ok }

// writeNew writes a local record with new contents for e and returns its
// central record, updated. Sizes fit 32 bits (a class file does), so a
// Zip64 extra field is left out of both headers.
func (z *ZipEdit) writeNew(w io.Writer, e *ZipRecord, rec []byte, data []byte) ([]byte, error) {
	head, err := z.readAt(e.local, 30)
	if err != nil {
		return nil, err
	}
	if binary.LittleEndian.Uint32(head) != sigLocal {
		return nil, errors.New("no local header where the central directory says")
	}
	nl, xl := int(binary.LittleEndian.Uint16(head[26:])), int(binary.LittleEndian.Uint16(head[28:]))
	localExtra, err := z.readAt(e.local+30+int64(nl), xl)
	if err != nil {
		return nil, err
	}
	method := binary.LittleEndian.Uint16(rec[10:])
	body := data
	if method != zip.Store {
		method = zip.Deflate
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
		fw.Write(data)
		fw.Close()
		body = buf.Bytes()
	}
	if len(data) >= 0xffffffff || len(body) >= 0xffffffff {
		return nil, fmt.Errorf("%d bytes need Zip64, which rewriting does not write", len(data))
	}
	sum := crc32.ChecksumIEEE(data)
	// No data descriptor: the sizes and CRC are known up front.
	flags := binary.LittleEndian.Uint16(rec[8:]) &^ 0x8
	nameLen := int(binary.LittleEndian.Uint16(rec[28:]))
	centralExtra := withoutZip64(rec[46+nameLen : 46+nameLen+int(binary.LittleEndian.Uint16(rec[30:]))])
	out := make([]byte, 0, 46+nameLen+len(centralExtra)+len(rec)-46-nameLen)
	out = append(out, rec[:46]...)
	binary.LittleEndian.PutUint16(out[8:], flags)
	binary.LittleEndian.PutUint16(out[10:], method)
	binary.LittleEndian.PutUint32(out[16:], sum)
	binary.LittleEndian.PutUint32(out[20:], uint32(len(body)))
	binary.LittleEndian.PutUint32(out[24:], uint32(len(data)))
	binary.LittleEndian.PutUint16(out[30:], uint16(len(centralExtra)))
	out = append(out, rec[46:46+nameLen]...)
	out = append(out, centralExtra...)
	out = append(out, rec[46+nameLen+int(binary.LittleEndian.Uint16(rec[30:])):]...)

	localExtra = withoutZip64(localExtra)
	lh := make([]byte, 30, 30+nameLen+len(localExtra))
	copy(lh, head[:30])
	binary.LittleEndian.PutUint16(lh[4:], binary.LittleEndian.Uint16(rec[6:]))
	binary.LittleEndian.PutUint16(lh[6:], flags)
	binary.LittleEndian.PutUint16(lh[8:], method)
	binary.LittleEndian.PutUint32(lh[14:], sum)
	binary.LittleEndian.PutUint32(lh[18:], uint32(len(body)))
	binary.LittleEndian.PutUint32(lh[22:], uint32(len(data)))
	binary.LittleEndian.PutUint16(lh[26:], uint16(nameLen))
	binary.LittleEndian.PutUint16(lh[28:], uint16(len(localExtra)))
	lh = append(lh, rec[46:46+nameLen]...)
	lh = append(lh, localExtra...)
	if _, err := w.Write(lh); err != nil {
		return nil, err
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	return out, nil
}

// withoutZip64 returns extra fields without the Zip64 one, whose sizes
// would no longer be true.
func withoutZip64(extra []byte) []byte {
	var out []byte
	for q := 0; q+4 <= len(extra); {
		sz := int(binary.LittleEndian.Uint16(extra[q+2:]))
		if q+4+sz > len(extra) {
			// A malformed tail is kept as it was.
			out = append(out, extra[q:]...)
			break
		}
		if binary.LittleEndian.Uint16(extra[q:]) != zip64ExtraID {
			out = append(out, extra[q:q+4+sz]...)
		}
		q += 4 + sz
	}
	return out
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

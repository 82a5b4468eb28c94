package classpath

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// jmodMagic starts every jmod: 'J' 'M', then major version 1 and minor 0, the
// only format the JDK's jmod tool has written (jdk.internal.jmod.JmodFile).
var jmodMagic = []byte{'J', 'M', 1, 0}

// Jmod is a JDK module file: a 4-byte header and then a zip whose classes sit
// under "classes/". Its other sections (native libraries, commands, config,
// legal notices) are not classes and are left out.
type Jmod struct {
	path   string
	module string
	a      *archive
}

// OpenJmod opens a .jmod file; it refuses a file that does not start with
// the jmod header, since a zip reader would otherwise find the zip inside
// most anything.
func OpenJmod(path string) (*Jmod, error) {
	a, err := openArchive("jmod", path, int64(len(jmodMagic)), "classes/", func(head []byte) error {
		if !bytes.Equal(head, jmodMagic) {
			return fmt.Errorf("bad jmod header % x, want % x (J M 1 0)", head, jmodMagic)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Jmod{path: path, module: strings.TrimSuffix(filepath.Base(path), ".jmod"), a: a}, nil
}

// Path is the file the jmod was opened from.
func (m *Jmod) Path() string { return m.path }

// Module is the module's name, taken from the file name as the JDK names its
// jmods ("java.base.jmod"), not from module-info.class.
func (m *Jmod) Module() string { return m.module }

func (m *Jmod) Find(name string) ([]byte, error) { return m.a.find(name) }

func (m *Jmod) Names() ([]string, error) { return append([]string(nil), m.a.names...), nil }

// Walk reads the classes in name order.
func (m *Jmod) Walk(fn func(name string, data []byte) error) error { return m.a.walk(fn) }

func (m *Jmod) String() string { return m.a.desc }

func (m *Jmod) Close() error { return m.a.close() }

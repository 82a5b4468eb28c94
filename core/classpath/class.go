package classpath

import "fmt"

// ClassFile is a single .class file as a source of one class, named by the
// this_class entry inside it rather than by its file name, since a class file
// can be saved under any name.
type ClassFile struct {
	path string
	name string
	data []byte
}

// OpenClass reads a class file and finds its name. The bytes are kept, so
// later changes to the file are not seen.
func OpenClass(path string) (*ClassFile, error) {
	data, err := readFileBounded(path)
	if err != nil {
		return nil, fmt.Errorf("class: %w", err)
	}
	name, err := ClassName(data)
	if err != nil {
		return nil, fmt.Errorf("class %s: %w", path, err)
	}
	return &ClassFile{path: path, name: name, data: data}, nil
}

// Path is the file the class was read from.
func (c *ClassFile) Path() string { return c.path }

// Name is the class's internal name.
func (c *ClassFile) Name() string { return c.name }

// Find returns a copy of the bytes, so one caller editing them in place
// cannot change what the next one gets.
func (c *ClassFile) Find(name string) ([]byte, error) {
	if InternalName(name) != c.name {
		return nil, &NotFoundError{Name: InternalName(name), Source: c.String()}
	}
	return append([]byte(nil), c.data...), nil
}

func (c *ClassFile) Names() ([]string, error) { return []string{c.name}, nil }

func (c *ClassFile) Walk(fn func(name string, data []byte) error) error {
	return fn(c.name, append([]byte(nil), c.data...))
}

func (c *ClassFile) String() string { return "class " + c.path }

// Close does nothing; the bytes were read at open.
func (c *ClassFile) Close() error { return nil }

package classpath

// Jar is a jar or zip file with classes at their package paths
// ("java/lang/String.class"). Only the base entries count: the
// release-specific classes of a multi-release jar, under META-INF/versions/,
// are left out, so every class a Jar reports is the one any Java release
// would load. module-info.class at the root is the class "module-info".
type Jar struct {
	path string
	a    *archive
}

// OpenJar opens a jar or zip file and indexes its classes; the file stays
// open until Close.
func OpenJar(path string) (*Jar, error) {
	a, err := openArchive("jar", path, 0, "", nil)
	if err != nil {
		return nil, err
	}
	return &Jar{path: path, a: a}, nil
}

// Path is the file the jar was opened from.
func (j *Jar) Path() string { return j.path }

func (j *Jar) Find(name string) ([]byte, error) { return j.a.find(name) }

func (j *Jar) Names() ([]string, error) { return append([]string(nil), j.a.names...), nil }

// Walk reads the classes in name order, not archive order: the order then
// does not depend on how the jar was built.
func (j *Jar) Walk(fn func(name string, data []byte) error) error { return j.a.walk(fn) }

func (j *Jar) String() string { return j.a.desc }

func (j *Jar) Close() error { return j.a.close() }

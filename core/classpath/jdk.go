package classpath

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// JDK is every module of a JDK, read from its $JAVA_HOME/jmods/*.jmod. A
// runtime image without jmods (a JRE, or a JDK 24+ built with JEP 493's
// linkable runtime, which keeps its classes only in lib/modules) cannot be
// opened; reading the jimage format is not done here.
type JDK struct {
	home    string
	modules []*Jmod          // sorted by module name
	owner   map[string]*Jmod // class internal name -> its module
	names   []string         // sorted keys of owner
}

// OpenJDK opens the jmods of the JDK at javaHome. An empty javaHome means
// $JAVA_HOME if set, else the JDK of the java command on PATH.
func OpenJDK(javaHome string) (*JDK, error) {
	if javaHome == "" {
		h, err := JavaHome()
		if err != nil {
			return nil, err
		}
		javaHome = h
	}
	dir := filepath.Join(javaHome, "jmods")
	files, err := filepath.Glob(filepath.Join(dir, "*.jmod"))
	if err != nil {
		return nil, fmt.Errorf("jdk %s: %w", javaHome, err)
	}
	if len(files) == 0 {
		why := "no jmods/*.jmod"
		if _, err := os.Stat(filepath.Join(javaHome, "lib", "modules")); err == nil {
			why += " (it has lib/modules, a jimage, which this package does not read: a JRE, or a JDK built without jmods)"
		} else if _, err := os.Stat(javaHome); err != nil {
			why = err.Error()
		}
		return nil, fmt.Errorf("jdk %s: %s", javaHome, why)
	}
	j := &JDK{home: javaHome, owner: make(map[string]*Jmod, 1<<15)}
	for _, f := range files {
		m, err := OpenJmod(f)
		if err != nil {
			j.Close()
			return nil, fmt.Errorf("jdk %s: %w", javaHome, err)
		}
		j.modules = append(j.modules, m)
	}
	// Glob's order is not module order: "java.xml.crypto.jmod" sorts before
	// "java.xml.jmod".
	slices.SortFunc(j.modules, func(a, b *Jmod) int { return strings.Compare(a.module, b.module) })
	for _, m := range j.modules {
		// The module system forbids two modules of one layer to hold the
		// same package, so the only expected clash is module-info, which
		// every module has: the first module's wins (java.base's, in a
		// full JDK), as in a search in module order. Module(m) reaches
		// the others.
		for _, n := range m.a.names {
			if _, dup := j.owner[n]; !dup {
				j.owner[n] = m
			}
		}
	}
	j.names = make([]string, 0, len(j.owner))
	for n := range j.owner {
		j.names = append(j.names, n)
	}
	slices.Sort(j.names)
	return j, nil
}

// JavaHome finds the JDK to use when none is named: $JAVA_HOME if set, else
// the parent of the bin directory that the java on PATH really lives in, with
// symbolic links resolved (/usr/bin/java -> /etc/alternatives/java ->
// /usr/lib/jvm/java-17-openjdk-amd64/bin/java).
func JavaHome() (string, error) {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return h, nil
	}
	java, err := exec.LookPath("java")
	if err != nil {
		return "", fmt.Errorf("jdk: JAVA_HOME is not set and %w", err)
	}
	real, err := filepath.EvalSymlinks(java)
	if err != nil {
		return "", fmt.Errorf("jdk: resolving %s: %w", java, err)
	}
	return filepath.Dir(filepath.Dir(real)), nil
}

// Home is the JDK's directory.
func (j *JDK) Home() string { return j.home }

// Modules lists the module names, sorted.
func (j *JDK) Modules() []string {
	names := make([]string, len(j.modules))
	for i, m := range j.modules {
		names[i] = m.module
	}
	return names
}

// Module returns the jmod of the named module, or nil.
func (j *JDK) Module(name string) *Jmod {
	i, ok := slices.BinarySearchFunc(j.modules, name, func(m *Jmod, n string) int { return strings.Compare(m.module, n) })
	if !ok {
		return nil
	}
	return j.modules[i]
}

// ModuleOf returns the name of the module holding the class; the error, when
// the JDK has no such class, wraps fs.ErrNotExist.
func (j *JDK) ModuleOf(name string) (string, error) {
	m := j.owner[InternalName(name)]
	if m == nil {
		return "", &NotFoundError{Name: InternalName(name), Source: j.String()}
	}
	return m.module, nil
}

func (j *JDK) Find(name string) ([]byte, error) {
	m := j.owner[InternalName(name)]
	if m == nil {
		return nil, &NotFoundError{Name: InternalName(name), Source: j.String()}
	}
	return m.Find(name)
}

func (j *JDK) Names() ([]string, error) { return append([]string(nil), j.names...), nil }

// Walk reads the classes in name order across all modules.
func (j *JDK) Walk(fn func(name string, data []byte) error) error {
	for _, n := range j.names {
		m := j.owner[n]
		data, err := m.a.read(m.a.index[n])
		if err != nil {
			return err
		}
		if err := fn(n, data); err != nil {
			return err
		}
	}
	return nil
}

func (j *JDK) String() string { return "jdk " + j.home }

func (j *JDK) Close() error {
	var errs []error
	for _, m := range j.modules {
		errs = append(errs, m.Close())
	}
	return errors.Join(errs...)
}

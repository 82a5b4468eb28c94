package coverage_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// TestMissingClassesThroughPipeline: app.Main's merge needs lib/Shape, which
// is neither in the input nor on the class path. With the compiler's frames
// the coverage rewrite succeeds; without them, the class fails with an error
// that errors.As finds as a *bytecode.MissingClassesError through the
// pipeline and RewritePath, so that a caller can fetch the missing classes.
func TestMissingClassesThroughPipeline(t *testing.T) {
	const dir = "../../bytecode/testdata/hierarchy-outside-input/app"
	p := pipeline(t)
	p.RecomputeFrames = true
	app, err := classpath.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	p.Classpath = append([]classpath.Finder{app}, p.Classpath...)
	data, err := os.ReadFile(filepath.Join(dir, "app/Main.class"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Process(data); err != nil {
		t.Fatalf("with the compiler's frames: %v", err)
	}

	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Methods {
		if code := m.Code(); code != nil {
			code.Attributes = slices.DeleteFunc(code.Attributes, func(a classfile.Attribute) bool {
				_, ok := a.(*classfile.StackMapTable)
				return ok
			})
		}
	}
	stripped, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Process(stripped)
	var miss *bytecode.MissingClassesError
	if !errors.As(err, &miss) || !slices.Equal(miss.Names, []string{"lib/Shape"}) {
		t.Fatalf("Process: %v, want a *MissingClassesError naming lib/Shape", err)
	}

	in := t.TempDir()
	if err := os.MkdirAll(filepath.Join(in, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "app/Main.class"), stripped, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := p.RewritePath(in, filepath.Join(t.TempDir(), "out"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Failed != 1 || len(st.Errors) != 1 || !errors.As(st.Errors[0], &miss) {
		t.Fatalf("RewritePath: %d failed, errors %v, want one *MissingClassesError", st.Failed, st.Errors)
	}
}

package bytecode_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

// The regression case hierarchy-outside-input: app.Main merges a Circle and
// a Square, whose common superclass lib.Shape is in another jar that the
// hierarchy does not hold. The original StackMapTable names lib/Shape at the
// join; without it (or with a frame the known hierarchy contradicts) the
// computation must fail naming lib/Shape, never guess.
const outside = "testdata/hierarchy-outside-input"

func outsideMain(t *testing.T) (*classfile.Class, *classfile.Member, bytecode.Hierarchy) {
	return outsideMethod(t, "Main", "main")
}

// outsideMethod is method name of class app.cls, with the hierarchy of the
// application and the JDK, not the library.
func outsideMethod(t *testing.T, cls, name string) (*classfile.Class, *classfile.Member, bytecode.Hierarchy) {
	t.Helper()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	app, err := classpath.OpenDir(filepath.Join(outside, "app"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse([]byte(readFile(t, filepath.Join(outside, "app/app", cls+".class"))))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Methods {
		if c.MemberName(m) == name {
			return c, m, classpath.NewHierarchy(app, jdk)
		}
	}
	t.Fatal("no main")
	return nil, nil, nil
}

// TestHierarchyOutsideInputHinted: the original frame settles the merge (in
// Main a stack slot javac declares lib/Shape, in Local a dead local it
// leaves out, top), and HotSpot runs the result with the library on its
// class path.
func TestHierarchyOutsideInputHinted(t *testing.T) {
	for _, tc := range []struct{ cls, method string }{{"Main", "main"}, {"Local", "run"}} {
		t.Run(tc.cls, func(t *testing.T) {
			c, m, h := outsideMethod(t, tc.cls, tc.method)
			r, err := bytecode.ComputeFrames(c, m, h)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Missing, []string{"lib/Shape"}) {
				t.Errorf("Missing = %v, want [lib/Shape]", r.Missing)
			}
			data, err := c.Write()
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if err := os.MkdirAll(filepath.Join(out, "app"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, "app", tc.cls+".class"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			sep := string(os.PathListSeparator)
			lib, app := filepath.Join(outside, "lib"), filepath.Join(outside, "app")
			want := jvmtest.MustJava(t, "-Xverify:all", "-cp", app+sep+lib, "app."+tc.cls).Stdout
			got := jvmtest.MustJava(t, "-Xverify:all", "-cp", out+sep+app+sep+lib, "app."+tc.cls).Stdout
			if got != want {
				t.Errorf("recomputed app.%s prints %q, the original %q", tc.cls, got, want)
			}
		})
	}
}

// TestHierarchyOutsideInputRefused: with no original frame, or one whose
// type the known hierarchy rules out (app/Circle is no supertype of
// app/Square), the computation fails with a *MissingClassesError.
func TestHierarchyOutsideInputRefused(t *testing.T) {
	for _, tc := range []string{"no table", "wrong frame"} {
		t.Run(tc, func(t *testing.T) {
			c, m, h := outsideMain(t)
			code := m.Code()
			for i, a := range code.Attributes {
				smt, ok := a.(*classfile.StackMapTable)
				if !ok {
					continue
				}
				if tc == "no table" {
					code.Attributes = slices.Delete(code.Attributes, i, i+1)
					break
				}
				circle, err := c.Pool.AddClass("app/Circle")
				if err != nil {
					t.Fatal(err)
				}
				for k := range smt.Frames {
					for j, v := range smt.Frames[k].Stack {
						if v.Tag == classfile.VTObject && c.Pool.ClassName(v.Data) == "lib/Shape" {
							smt.Frames[k].Stack[j].Data = circle
						}
					}
				}
			}
			_, err := bytecode.ComputeFrames(c, m, h)
			var miss *bytecode.MissingClassesError
			if !errors.As(err, &miss) {
				t.Fatalf("err = %v, want a *MissingClassesError", err)
			}
			if !slices.Equal(miss.Names, []string{"lib/Shape"}) || !strings.Contains(err.Error(), "lib/Shape") || !strings.Contains(err.Error(), "--classpath") {
				t.Errorf("names %v, message %q", miss.Names, err)
			}
		})
	}
}

// TestHierarchyOutsideInputDeadLocal: a slot holds an app/Circle on one path
// and the caught exception on the other; where they meet, javac's frame has
// the local dead. Merging the two would need lib/Shape; the compiler's frame
// says no merge is needed (found on h2, whose optional servlet, Lucene and
// JTS classes are not in its jar), and HotSpot runs the result.
func TestHierarchyOutsideInputDeadLocal(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	app, err := classpath.OpenDir(filepath.Join(outside, "app"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse([]byte(readFile(t, filepath.Join(outside, "app/app/DeadLocal.class"))))
	if err != nil {
		t.Fatal(err)
	}
	m := c.Method("main", "([Ljava/lang/String;)V")
	r, err := bytecode.ComputeFrames(c, m, classpath.NewHierarchy(app, jdk))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Missing, []string{"lib/Shape"}) {
		t.Errorf("Missing = %v, want [lib/Shape]", r.Missing)
	}
	data, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := os.MkdirAll(filepath.Join(out, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "app/DeadLocal.class"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	sep := string(os.PathListSeparator)
	lib, dir := filepath.Join(outside, "lib"), filepath.Join(outside, "app")
	want := jvmtest.MustJava(t, "-Xverify:all", "-cp", dir+sep+lib, "app.DeadLocal").Stdout
	got := jvmtest.MustJava(t, "-Xverify:all", "-cp", out+sep+dir+sep+lib, "app.DeadLocal").Stdout
	if got != want {
		t.Errorf("recomputed app.DeadLocal prints %q, the original %q", got, want)
	}
}

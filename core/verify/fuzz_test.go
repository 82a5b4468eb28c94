package verify

import (
	"testing"

	"dvmlab/core/classpath"
)

// FuzzVerify: whatever the bytes, the verifier answers (accept or a
// rejection with a reason) and never panics or hangs; the proxy runs it on
// classes from anywhere. Seeded with JLex's classes.
func FuzzVerify(f *testing.F) {
	if src, err := classpath.Open("/usr/share/java/JLex.jar"); err == nil {
		src.Walk(func(_ string, data []byte) error {
			f.Add(data)
			return nil
		})
		src.Close()
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		f.Skip(err)
	}
	h := classpath.NewHierarchy(jdk)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := Verify(data, h)
		if r.Err != nil && r.Err.Reason == "" {
			t.Fatal("a rejection without a reason")
		}
		if r.Err != nil && len(r.Err.Reason) > 20 && r.Err.Reason[:20] == "internal verifier er" {
			t.Fatalf("the verifier panicked: %v", r.Err)
		}
	})
}

package exec

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestOracleMessagesWhenHot: an exception thrown again and again from code
// C2 compiled keeps its message. The fault: HotSpot's oracle printed
// "exc java/lang/ArrayIndexOutOfBoundsException" without "Index 32 out of
// bounds for length 32" for jzlib's CRC32.combine after a few hundred
// inputs (a preallocated exception, OmitStackTraceInFastThrow), and the
// amd64 target, whose message is the bytecode's, differed on 364 of 1,000.
func TestOracleMessagesWhenHot(t *testing.T) {
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/FastThrow.java")
	m, err := ParseMethod("t.FastThrow.at([II)I")
	if err != nil {
		t.Fatal(err)
	}
	in := make([]string, 3000)
	for i := range in {
		in[i] = "0 #2 1 2 5"
	}
	got, err := JVM{ClassPath: []string{dir}}.Run(context.Background(), m, in)
	if err != nil {
		t.Fatal(err)
	}
	want := "exc java/lang/ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 2 a0 #2 1 2"
	for i, g := range got {
		if g != want {
			t.Fatalf("input %d: %q, want %q", i, g, want)
		}
	}
}

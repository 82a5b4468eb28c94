package notebook

import (
	"strconv"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		expected, actual string
		want             bool
	}{
		{"stage 1/2 coverage: 872 -> 985 bytes", "stage 1/2 coverage: 872 -> 985 bytes", true},
		{"stage 1/2 coverage: 872 -> 985 bytes", "stage 1/2 coverage: 872 -> 986 bytes", false},
		{"took * (glob)", "took 1.25ms", true},
		{"took * (glob)", "took", false},
		{"took ?ms (glob)", "took 7ms", true},
		{"took ?ms (glob)", "took 17ms", false},
		{`cost \* (glob)`, "cost *", true},
		{`cost \* (glob)`, "cost 5", false},
		{"a.b (glob)", "axb", false}, // . is no wildcard in a glob
		{`took \d+(\.\d+)?m?s (re)`, "took 12.5ms", true},
		{`took \d+(\.\d+)?m?s (re)`, "took 12.5ms and more", false}, // anchored
		{`took \d+ (re)`, "xtook 12", false},
		{"[bad (re)", "[bad", false}, // a bad pattern matches nothing
		{"ends in (re) literally", "ends in (re) literally", true},
		{"line (re)", "line (re)", true}, // equal text matches before any pattern
	}
	for _, c := range cases {
		if got := Match(c.expected, c.actual); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.expected, c.actual, got, c.want)
		}
	}
}

func TestUnifiedDiff(t *testing.T) {
	var expected, actual []string
	for i := 1; i <= 20; i++ {
		expected = append(expected, "line "+strings.Repeat("x", i%3)+strconv.Itoa(i))
	}
	actual = append(actual, expected...)
	actual[4] = "changed 5"
	actual = append(actual[:15], append([]string{"inserted"}, actual[15:]...)...)
	expected[0] = "t* (glob)" // a pattern that does not match "line x1"
	ops := align(expected, actual)
	got := unified(ops, expected, actual, 100)
	want := `@@ -100,8 +100,8 @@
-t* (glob)
+line x1
 line xx2
 line 3
 line x4
-line xx5
+changed 5
 line 6
 line x7
 line xx8
@@ -112,6 +112,7 @@
 line x13
 line xx14
 line 15
+inserted
 line x16
 line xx17
 line 18
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// What --update writes: the actual lines, patterns that match kept.
	expected[0] = "line * (glob)"
	up := updated(align(expected, actual), expected, actual)
	if up[0] != "line * (glob)" || up[4] != "changed 5" || up[15] != "inserted" || len(up) != len(actual) {
		t.Fatalf("updated: %q", up)
	}
}

func TestAlignEmpty(t *testing.T) {
	if ops := align(nil, nil); len(ops) != 0 {
		t.Fatalf("%v", ops)
	}
	ops := align(nil, []string{"a", "b"})
	if len(ops) != 2 || ops[0].kind != '+' || ops[1].kind != '+' {
		t.Fatalf("%v", ops)
	}
	if d := unified(ops, nil, []string{"a", "b"}, 7); d != "@@ -7,0 +7,2 @@\n+a\n+b\n" {
		t.Fatalf("%q", d)
	}
}

package service

import "testing"

func TestClassPatterns(t *testing.T) {
	cp, err := ParseClassPatterns("kotlin/jvm/internal/*, org.h2.fulltext.**,*Test,a.B$?")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"kotlin/jvm/internal/IntrinsicArrayConstructorsKt": true,
		"kotlin/jvm/internal/sub/X":                        false,
		"kotlin/jvm/Other":                                 false,
		"org/h2/fulltext/FullTextLucene":                   true,
		"org/h2/fulltext/a/b/C":                            true,
		"org/h2/fulltextX":                                 false,
		"FooTest":                                          true,
		"p/FooTest":                                        false,
		"a/B$1":                                            true,
		"a/B$12":                                           false,
	} {
		if got := cp.Match(name); got != want {
			t.Errorf("Match(%q) = %v, want %v", name, got, want)
		}
	}
	var none *ClassPatterns
	if none.Match("a/B") {
		t.Error("a nil pattern set matched")
	}
	if empty, err := ParseClassPatterns(""); err != nil || empty.Match("a/B") {
		t.Errorf("empty patterns: %v, match %v", err, empty.Match("a/B"))
	}
	for _, bad := range []string{"a b", "a;b", "[I", "a(b)"} {
		if _, err := ParseClassPatterns(bad); err == nil {
			t.Errorf("ParseClassPatterns(%q) accepted", bad)
		}
	}
}

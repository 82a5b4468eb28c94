package classfile

import (
	"os"
	"testing"
)

// TestCheckAcceptsRealClasses: every class the JDK ships and every class of
// the Debian programs loads in HotSpot, so the format checker must accept
// it, and the reader must have decoded every attribute the JVM reads.
func TestCheckAcceptsRealClasses(t *testing.T) {
	var classes []corpusClass
	if testing.Short() {
		classes = jdkClasses(t, "java.base")
	} else {
		classes = jdkClasses(t)
	}
	for _, j := range debianJars {
		if _, err := os.Stat(j); err == nil {
			classes = append(classes, readZipClasses(t, j, 0)...)
		}
	}
	bad := 0
	for _, cc := range classes {
		c, err := Parse(cc.data)
		if err != nil {
			t.Fatalf("%s!%s: %v", cc.origin, cc.name, err)
		}
		err = nil
		if e := Check(c); e != nil {
			err = e
		} else if m := firstMalformed(c); m != nil {
			err = m
		}
		if err != nil {
			bad++
			if bad <= 10 {
				t.Errorf("%s!%s: %v", cc.origin, cc.name, err)
			}
		}
	}
	t.Logf("%d classes, %d refused", len(classes), bad)
}

func firstMalformed(c *Class) error {
	var walk func([]Attribute) error
	walk = func(as []Attribute) error {
		for _, a := range as {
			switch a := a.(type) {
			case *RawAttribute:
				if a.Malformed() != nil {
					return a.Malformed()
				}
			case *Code:
				if err := walk(a.Attributes); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, ms := range [][]*Member{c.Fields, c.Methods} {
		for _, m := range ms {
			if err := walk(m.Attributes); err != nil {
				return err
			}
		}
	}
	return walk(c.Attributes)
}

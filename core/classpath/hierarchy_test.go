package classpath

import (
	"errors"
	"testing"
)

func TestHierarchyJDK(t *testing.T) {
	jdk, err := OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	h := NewHierarchy(jdk)
	if s, err := h.SuperClass("java/util/ArrayList"); err != nil || s != "java/util/AbstractList" {
		t.Errorf("SuperClass(ArrayList) = %q, %v", s, err)
	}
	if s, err := h.SuperClass("java.lang.Object"); err != nil || s != "" {
		t.Errorf("SuperClass(Object) = %q, %v", s, err)
	}
	if i, err := h.IsInterface("java/util/List"); err != nil || !i {
		t.Errorf("IsInterface(List) = %v, %v", i, err)
	}
	if i, err := h.IsInterface("java/lang/String"); err != nil || i {
		t.Errorf("IsInterface(String) = %v, %v", i, err)
	}
	for _, c := range []struct {
		to, from string
		want     bool
	}{
		{"java/util/List", "java/util/ArrayList", true},
		{"java/util/Collection", "java/util/ArrayList", true},
		{"java/lang/Object", "java/lang/String", true},
		{"java/lang/String", "java/lang/Object", false},
		{"java/util/RandomAccess", "java/util/LinkedList", false},
	} {
		if got, err := h.IsAssignable(c.to, c.from); err != nil || got != c.want {
			t.Errorf("IsAssignable(%s, %s) = %v, %v; want %v", c.to, c.from, got, err, c.want)
		}
	}
	_, err = h.SuperClass("no/such/Class")
	var missing *MissingClassError
	if !errors.As(err, &missing) || missing.Name != "no/such/Class" {
		t.Errorf("missing class: got %v", err)
	}
	// Classes under rewrite come first.
	own := Classes{}
	h2 := NewHierarchy(own, jdk)
	if _, err := h2.SuperClass("java/lang/String"); err != nil {
		t.Errorf("fall through to the JDK: %v", err)
	}
}

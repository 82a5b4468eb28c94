package classfile

import "testing"

// TestAttrKinds checks that every attribute name the JVMS defines has a
// kind of its own that names it back, and that the rule by kind is the rule
// by name at every location.
func TestAttrKinds(t *testing.T) {
	seen := map[string]bool{}
	for k := attrKind(1); k < numAttrKinds; k++ {
		name := attrKindNames[k]
		if name == "" || seen[name] {
			t.Fatalf("kind %d: name %q empty or repeated", k, name)
		}
		seen[name] = true
		if got := attrKindOf(name); got != k {
			t.Errorf("attrKindOf(%q) = %d, want %d", name, got, k)
		}
		for loc := locClass; loc <= locRecordComponent; loc++ {
			r1, ok1 := ruleFor(loc, name)
			r2, ok2 := ruleOf(loc, k)
			if r1 != r2 || ok1 != ok2 {
				t.Errorf("%s at %s: rule by kind %+v %v, by name %+v %v", name, locationNames[loc], r2, ok2, r1, ok1)
			}
		}
	}
	if len(seen) != 30 {
		t.Errorf("%d kinds, want the 30 attributes of JVMS §4.7 Table 4.7-A", len(seen))
	}
	for _, name := range []string{"", "code", "Code ", "LocalVariableTypeTable2", "Unknown"} {
		if k := attrKindOf(name); k != kindUnknown {
			t.Errorf("attrKindOf(%q) = %d, want kindUnknown", name, k)
		}
	}
	var p parser
	// Two names whose indices share a cache slot must not be confused.
	if p.kindOf(3, AttrCode) != kindCode || p.kindOf(3+32, AttrSignature) != kindSignature || p.kindOf(3, AttrCode) != kindCode {
		t.Error("kind cache confuses two indices of one slot")
	}
}

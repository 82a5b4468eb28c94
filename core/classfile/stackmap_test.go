package classfile

import (
	"fmt"
	"strings"
	"testing"
)

func TestExpandFrames(t *testing.T) {
	c := &Class{}
	str, _ := c.Pool.AddClass("java/lang/String")
	obj := VerificationType{Tag: VTObject, Data: str}
	smt := &StackMapTable{Frames: []StackMapFrame{
		{Type: 3, OffsetDelta: 3}, // same at 3
		{Type: 64 + 2, OffsetDelta: 2, Stack: []VerificationType{{Tag: VTInteger}}}, // same_locals_1 at 6
		{Type: 253, OffsetDelta: 4, Locals: []VerificationType{{Tag: VTLong}, obj}}, // append 2 at 11
		{Type: 250, OffsetDelta: 0}, // chop 1 at 12
		{Type: 255, OffsetDelta: 7, Locals: []VerificationType{obj}, Stack: []VerificationType{{Tag: VTNull}}}, // full at 20
		{Type: 251, OffsetDelta: 300},                                          // same_frame_extended at 321
		{Type: 247, OffsetDelta: 1, Stack: []VerificationType{{Tag: VTFloat}}}, // same_locals_1 extended at 323
	}}
	name := func(v VerificationType) (string, error) {
		switch v.Tag {
		case VTObject:
			return c.Pool.ClassName(v.Data), nil
		case VTInteger:
			return "int", nil
		case VTLong:
			return "long", nil
		case VTNull:
			return "null", nil
		case VTFloat:
			return "float", nil
		}
		return "", fmt.Errorf("tag %d", v.Tag)
	}
	fs, err := ExpandFrames(smt, []string{"this"}, name)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%d %v %v", f.Offset, f.Locals, f.Stack))
	}
	want := []string{
		"3 [this] []", "6 [this] [int]", "11 [this long java/lang/String] []", "12 [this long] []",
		"20 [java/lang/String] [null]", "321 [java/lang/String] []", "323 [java/lang/String] [float]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The append frame must not have written into the initial locals.
	if fs[0].Locals[0] != "this" || len(fs[3].Locals) != 2 {
		t.Fatal("frames share storage they write")
	}

	bad := &StackMapTable{Frames: []StackMapFrame{{Type: 249, OffsetDelta: 0}}}
	if _, err := ExpandFrames(bad, []string{"this"}, name); err == nil {
		t.Error("a chop of 2 locals of 1 was accepted")
	}
	unk := &StackMapTable{Frames: []StackMapFrame{{Type: 64, Stack: []VerificationType{{Tag: VTTop}}}}}
	if _, err := ExpandFrames(unk, nil, name); err == nil {
		t.Error("conv's error was dropped")
	}
}

// CheckStackMap against the shapes of hotspot_test.go is tested there, on
// HotSpot's verdicts; here, a table the writer wrote from the model.
func TestCheckStackMapOfModel(t *testing.T) {
	c := &Class{Major: 52}
	m := &Member{Access: AccStatic}
	m.DescIndex, _ = c.Pool.AddUtf8("(I)V")
	code := &Code{MaxStack: 1, MaxLocals: 1, Code: []byte{0x1a, 0x99, 0, 4, 0xb1, 0xb1},
		Attributes: []Attribute{&StackMapTable{Frames: []StackMapFrame{{Type: 5, OffsetDelta: 5}}}}}
	if e := CheckStackMap(c, m, code); e != nil {
		t.Fatalf("a good table: %v", e)
	}
	code.Attributes = []Attribute{&StackMapTable{Frames: []StackMapFrame{{Type: 2, OffsetDelta: 2}}}}
	if e := CheckStackMap(c, m, code); e == nil || e.ClassFormat || e.Thrown {
		t.Fatalf("a frame inside an instruction: %v", e)
	}
}

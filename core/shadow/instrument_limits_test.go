package shadow_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/shadow"
	"dvmlab/internal/jvmtest"
)

// blockHooks puts a hook at every basic block of every method.
func blockHooks() []*shadow.Hook {
	return []*shadow.Hook{{Name: "block", Marker: shadow.Marker{Kind: shadow.BasicBlock},
		Args: []shadow.Arg{{Kind: shadow.SiteID}}, InProcess: shadow.SiteID, Handle: func(*shadow.Event) {}}}
}

// TestWeavingKeepsLocalVariableTableSlots weaves a method whose
// LocalVariableTable names a slot its code never touches, as compilers of
// other JVM languages (Clojure's) emit: max_locals must still cover the
// slot, or HotSpot refuses the class ("Invalid index 2 in
// LocalVariableTable"); and a class the weaver cannot instrument is counted
// as failed, not left out of the summary.
func TestWeavingKeepsLocalVariableTableSlots(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Lvt.java": `
public class Lvt {
    public static void main(String[] args) {
        if (args.length > 1) System.out.println(args.length);
    }
}`}, "-g")
	data, err := os.ReadFile(filepath.Join(dir, "Lvt.class"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	m := c.Method("main", "([Ljava/lang/String;)V")
	code := m.Code()
	name, _ := c.Pool.AddUtf8("unused")
	desc, _ := c.Pool.AddUtf8("Ljava/lang/Object;")
	for _, a := range code.Attributes {
		if t, ok := a.(*classfile.LocalVariableTable); ok {
			t.Vars = append(t.Vars, classfile.LocalVariable{Length: uint16(len(code.Code)), NameIndex: name, DescIndex: desc, Slot: 2})
		}
	}
	code.MaxLocals = 3
	lvt, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}

	in, err := shadow.NewInstrumenter(blockHooks(), shadow.NewRegistry(), shadow.PerThread, false)
	if err != nil {
		t.Fatal(err)
	}
	out, err := in.Instrument("Lvt", 0, lvt)
	if err != nil || out == nil {
		t.Fatalf("instrumenting Lvt: %v", err)
	}
	woven, err := classfile.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := woven.Method("main", "([Ljava/lang/String;)V").Code().MaxLocals; got < 3 {
		t.Errorf("woven main has max_locals %d, but its LocalVariableTable names slot 2", got)
	}

	// A branch into the middle of an instruction: the weaver must leave
	// that method as it came (the JVM refuses it as it would the original),
	// instrument the rest of the class, and say so.
	insns, err := bytecode.Decode(code.Code)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range insns {
		if i.Op.IsBranchOp() {
			code.Code[i.Offset+2]++ // one byte further: inside an instruction
			break
		}
	}
	bad, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	out, err = in.Instrument("Lvt", 1, bad)
	if err != nil {
		t.Fatalf("instrumenting the rest of the class: %v", err)
	}
	if out != nil {
		woven, err := classfile.Parse(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := woven.Method("main", "([Ljava/lang/String;)V").Code().Code; !bytes.Equal(got, code.Code) {
			t.Errorf("main with a branch into an instruction was woven (%d bytes of code, %d before)", len(got), len(code.Code))
		}
	}
	st := in.Stats()
	if st.MethodsFailed != 1 || len(in.Errors()) != 1 || !strings.Contains(in.Errors()[0].Error(), "Lvt.main") {
		t.Errorf("stats %+v, errors %v: want main counted as left uninstrumented, naming Lvt.main", st, in.Errors())
	}
}

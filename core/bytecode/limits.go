package bytecode

import (
	"fmt"

	"dvmlab/core/classfile"
)

// MinLocals is the least max_locals method m's Code attribute code can
// have whatever its instructions use: the parameters, the receiver included
// (JVMS §4.7.3: max_locals covers the values passed on invocation), and
// every slot a LocalVariableTable or LocalVariableTypeTable entry names,
// both slots of a long or double (§4.7.13, §4.7.14). HotSpot refuses a class
// whose table names a slot at or past max_locals ("Invalid index N in
// LocalVariableTable"), and compilers of other JVM languages emit entries
// for slots the code never touches. Frame computation, which counts what
// the code touches, never sets max_locals below this.
func MinLocals(c *classfile.Class, m *classfile.Member, code *classfile.Code) int {
	n, _, err := ArgSlots(c.MemberDesc(m))
	if err != nil {
		n = 0 // a bad descriptor is reported by whoever reads the parameters
	}
	if !m.Access.Has(classfile.AccStatic) {
		n++
	}
	return max(n, tableLocals(c, code))
}

// tableLocals is the least max_locals the local variable tables of code
// need (see MinLocals).
func tableLocals(c *classfile.Class, code *classfile.Code) int {
	n := 0
	for _, a := range code.Attributes {
		t, ok := a.(*classfile.LocalVariableTable)
		if !ok {
			continue
		}
		for _, v := range t.Vars {
			if top := int(v.Slot) + localSize(&c.Pool, v.DescIndex); top > n {
				n = top
			}
		}
	}
	return n
}

// localSize is how many slots a LocalVariableTable entry's descriptor (or a
// LocalVariableTypeTable entry's signature) takes: two for long and double.
func localSize(pool *classfile.ConstantPool, desc uint16) int {
	if d := pool.Utf8(desc); d == "J" || d == "D" {
		return 2
	}
	return 1
}

// CheckCode checks method m's Code attribute against the format rules a JVM
// applies to it when it loads the class, as HotSpot's class-file parser
// checks them: code length (JVMS §4.7.3), max_locals against the parameters
// and the local variable tables (§4.7.3, §4.7.13, §4.7.14), and every offset
// of the exception table and of the line and local variable tables inside
// the code (§4.7.3, §4.7.12, §4.7.13). It also checks that the targets of
// type annotations lie inside the code and the exception table (§4.7.20.1),
// which HotSpot leaves to whoever reads them. It is what an edit must still
// satisfy; the error names the method, the table and the entry.
func CheckCode(c *classfile.Class, m *classfile.Member) error {
	code := m.Code()
	if code == nil {
		return nil
	}
	where := c.Name() + "." + c.MemberName(m) + c.MemberDesc(m)
	n := len(code.Code)
	if n == 0 || n > 65535 {
		return fmt.Errorf("%s: code length %d is not in 1..65535 (JVMS §4.7.3)", where, n)
	}
	if need := MinLocals(c, m, code); int(code.MaxLocals) < need {
		return fmt.Errorf("%s: max_locals %d is below the %d slots the parameters and local variable tables need (JVMS §4.7.3, §4.7.13)", where, code.MaxLocals, need)
	}
	for k, h := range code.Handlers {
		if h.StartPC >= h.EndPC || int(h.EndPC) > n || int(h.HandlerPC) >= n {
			return fmt.Errorf("%s: exception table entry %d: [%d, %d) -> %d does not fit %d bytes of code (JVMS §4.7.3)", where, k, h.StartPC, h.EndPC, h.HandlerPC, n)
		}
	}
	for _, a := range code.Attributes {
		switch t := a.(type) {
		case *classfile.LineNumberTable:
			for k, l := range t.Lines {
				if int(l.StartPC) >= n {
					return fmt.Errorf("%s: LineNumberTable entry %d: start_pc %d is past the %d bytes of code (JVMS §4.7.12)", where, k, l.StartPC, n)
				}
			}
		case *classfile.LocalVariableTable:
			for k, v := range t.Vars {
				if int(v.StartPC) >= n || int(v.StartPC)+int(v.Length) > n {
					return fmt.Errorf("%s: %s entry %d: [%d, %d) does not fit %d bytes of code (JVMS §4.7.13)", where, t.Name(), k, v.StartPC, int(v.StartPC)+int(v.Length), n)
				}
			}
		case *classfile.TypeAnnotations:
			for k, ta := range t.Annotations {
				if err := checkTypeAnnotation(&ta, n, len(code.Handlers)); err != "" {
					return fmt.Errorf("%s: %s entry %d: %s (JVMS §4.7.20.1)", where, t.Name(), k, err)
				}
			}
		}
	}
	return nil
}

func checkTypeAnnotation(ta *classfile.TypeAnnotation, n, handlers int) string {
	switch ta.TargetType {
	case classfile.TargetInstanceof, classfile.TargetNew, classfile.TargetConstructorReference, classfile.TargetMethodReference,
		classfile.TargetCast, classfile.TargetConstructorInvocationArg, classfile.TargetMethodInvocationArg,
		classfile.TargetConstructorReferenceArg, classfile.TargetMethodReferenceTypeArg:
		if int(ta.Offset) >= n {
			return fmt.Sprintf("offset %d is past the %d bytes of code", ta.Offset, n)
		}
	case classfile.TargetLocalVariable, classfile.TargetResourceVariable:
		for _, v := range ta.LocalVars {
			if int(v.StartPC)+int(v.Length) > n {
				return fmt.Sprintf("local variable range [%d, %d) does not fit %d bytes of code", v.StartPC, int(v.StartPC)+int(v.Length), n)
			}
		}
	case classfile.TargetExceptionParameter:
		if int(ta.Index) >= handlers {
			return fmt.Sprintf("exception_table_index %d, but the table has %d entries", ta.Index, handlers)
		}
	}
	return ""
}

// setMaxLocals writes max_locals: what the analysis found the code to use,
// never below MinLocals. Every max_locals frame computation writes goes
// through here.
func (a *analyzer) setMaxLocals() {
	// The entry frame, and so maxLocals, already holds the parameters.
	a.maxLocals = min(max(a.maxLocals, tableLocals(a.c, a.code)), 65535)
	a.code.MaxLocals = uint16(a.maxLocals)
}

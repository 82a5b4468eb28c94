package bytecode

import "fmt"

// GuardFrom is Guard with the handler's range starting at the original
// instruction at off instead of the first one. A constructor's guard starts
// after its super() or this() call: a handler whose range covers code where
// this is still uninitializedThis would have to be entered with the flag
// flagThisUninit, and could then only rethrow, never report (JVMS §4.10.1.9,
// invokespecial; §4.10.1.6 on handlers).
func (e *Editor) GuardFrom(off int, code ...*Insn) error {
	if _, ok := e.findInsn(off); !ok {
		return fmt.Errorf("%s: no instruction at offset %d", e.where(), off)
	}
	e.Guard(code...)
	e.handlers[len(e.handlers)-1].start = e.at[off]
	return nil
}

package shadow

import (
	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
)

// Hidden classes (JVMS §5.3.5, Lookup.defineHiddenClass) never reach the
// JVMTI class-file load hook, yet their code is the program's: lambdas,
// proxies, frameworks' generated code. Every definition passes its bytes
// through one of the Lookup methods below, which java.base calls for the
// public defineHiddenClass and defineHiddenClassWithClassData and for
// lambda proxies alike. ShadowVM instruments java.base, so it weaves at their
// entry a call to the stub's native hidden(bytes, lookupClass), which
// offers the bytes to the instrumentation server as the hook offers a
// class and returns what the server gives back.
const lookupClass = "java/lang/invoke/MethodHandles$Lookup"

// hiddenDefiners are the Lookup methods that take a hidden class's bytes,
// by descriptor, with the local slot of the bytes argument.
var hiddenDefiners = map[string]int{
	"makeHiddenClassDefiner([B)Ljava/lang/invoke/MethodHandles$Lookup$ClassDefiner;":                   1,
	"makeHiddenClassDefiner([BLjava/util/Set;Z)Ljava/lang/invoke/MethodHandles$Lookup$ClassDefiner;":   1,
	"makeHiddenClassDefiner(Ljava/lang/String;[B)Ljava/lang/invoke/MethodHandles$Lookup$ClassDefiner;": 2,
}

// HiddenDesc is the descriptor of the stubs' hidden native.
const HiddenDesc = "([BLjava/lang/Class;)[B"

// weaveHidden makes Lookup's hidden-class definers offer their bytes to the
// instrumentation server first: bytes = Stub.hidden(bytes, lookupClass()).
// It returns the number of methods changed.
func (w *weaver) weaveHidden(stub string) (int, error) {
	c := w.c
	n := 0
	for _, m := range c.Methods {
		slot, ok := hiddenDefiners[c.MemberName(m)+c.MemberDesc(m)]
		if !ok || m.Code() == nil || m.Access&classfile.AccStatic != 0 {
			continue
		}
		p := &c.Pool
		lc, err := p.AddMethodref(lookupClass, "lookupClass", "()Ljava/lang/Class;")
		if err != nil {
			return n, err
		}
		hid, err := p.AddMethodref(stub, "hidden", HiddenDesc)
		if err != nil {
			return n, err
		}
		ed, err := bytecode.NewEditor(c, m)
		if err != nil {
			return n, err
		}
		ed.KeepFrames()
		if err := ed.InsertBefore(0,
			&bytecode.Insn{Op: bytecode.Aload, Index: slot},
			&bytecode.Insn{Op: bytecode.Aload0},
			&bytecode.Insn{Op: bytecode.Invokevirtual, Index: int(lc)},
			&bytecode.Insn{Op: bytecode.Invokestatic, Index: int(hid)},
			&bytecode.Insn{Op: bytecode.Astore, Index: slot},
		); err != nil {
			return n, err
		}
		if w.fc == nil {
			w.fc = bytecode.NewFrameComputer(c, w.in.hier)
		}
		if _, err := ed.Commit(w.fc); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

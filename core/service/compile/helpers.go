package compile

import (
	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// addHelpers adds to c the static methods compiled code reaches classes
// through (native.ClassHelper, native.CastHelper): `ldc C; areturn`, which
// resolves C without initialising it (JVMS §5.5, §6.5.ldc), and `aload_0;
// checkcast C; areturn`, whose failure is HotSpot's ClassCastException, and
// `iload_0; anewarray C; areturn`, and the aastore helper.
// They are synthetic and private; in an interface, public (the front end
// compiles these instructions in interfaces of version 52 on, where static
// methods may be public).
func addHelpers(c *classfile.Class, funcs []*ir.Func) error {
	classes, casts, arrays, store := native.HelperNeeds(funcs)
	access := classfile.AccPrivate | classfile.AccStatic | classfile.AccSynthetic
	if c.Access.Has(classfile.AccInterface) {
		access = classfile.AccPublic | classfile.AccStatic | classfile.AccSynthetic
	}
	add := func(name, desc string, maxLocals uint16, code []byte) error {
		if c.Method(name, desc) != nil {
			return nil
		}
		ni, err := c.Pool.AddUtf8(name)
		if err != nil {
			return err
		}
		di, err := c.Pool.AddUtf8(desc)
		if err != nil {
			return err
		}
		c.Methods = append(c.Methods, &classfile.Member{Access: access, NameIndex: ni, DescIndex: di,
			Attributes: []classfile.Attribute{&classfile.Code{MaxStack: maxLocals + 1, MaxLocals: maxLocals, Code: code}}})
		return nil
	}
	for _, cl := range classes {
		k, err := c.Pool.AddClass(cl)
		if err != nil {
			return err
		}
		code := []byte{byte(bytecode.LdcW), byte(k >> 8), byte(k), byte(bytecode.Areturn)}
		if err := add(native.ClassHelper(cl), native.ClassHelperDesc, 0, code); err != nil {
			return err
		}
	}
	for _, cl := range casts {
		k, err := c.Pool.AddClass(cl)
		if err != nil {
			return err
		}
		code := []byte{byte(bytecode.Aload0), byte(bytecode.Checkcast), byte(k >> 8), byte(k), byte(bytecode.Areturn)}
		if err := add(native.CastHelper(cl), native.CastHelperDesc, 1, code); err != nil {
			return err
		}
	}
	if store {
		code := []byte{byte(bytecode.Aload0), byte(bytecode.Iload1), byte(bytecode.Aload2), byte(bytecode.Aastore), byte(bytecode.Return)}
		if err := add(native.StoreHelper, native.StoreHelperDesc, 3, code); err != nil {
			return err
		}
	}
	for _, mn := range native.MultiNeeds(funcs) {
		k, err := c.Pool.AddClass(mn.Class)
		if err != nil {
			return err
		}
		var code []byte
		for i := 0; i < mn.Dims; i++ {
			code = append(code, byte(bytecode.Iload), byte(i))
		}
		code = append(code, byte(bytecode.Multianewarray), byte(k>>8), byte(k), byte(mn.Dims), byte(bytecode.Areturn))
		m := native.MultiHelper(mn.Class, mn.Dims)
		if err := add(m, native.MultiHelperDesc(mn.Dims), uint16(mn.Dims), code); err != nil {
			return err
		}
	}
	for _, cl := range arrays {
		k, err := c.Pool.AddClass(cl)
		if err != nil {
			return err
		}
		code := []byte{byte(bytecode.Iload0), byte(bytecode.Anewarray), byte(k >> 8), byte(k), byte(bytecode.Areturn)}
		if err := add(native.ArrayHelper(cl), native.ArrayHelperDesc, 1, code); err != nil {
			return err
		}
	}
	return nil
}

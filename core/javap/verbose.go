package javap

import (
	"fmt"
	"strings"

	"dvmlab/core/classfile"
)

// flagNames lists access flags by kind of holder, in javap's order.
var classFlagNames = []struct {
	f    classfile.AccessFlags
	name string
}{{classfile.AccPublic, "ACC_PUBLIC"}, {classfile.AccFinal, "ACC_FINAL"}, {classfile.AccSuper, "ACC_SUPER"},
	{classfile.AccInterface, "ACC_INTERFACE"}, {classfile.AccAbstract, "ACC_ABSTRACT"}, {classfile.AccSynthetic, "ACC_SYNTHETIC"},
	{classfile.AccAnnotation, "ACC_ANNOTATION"}, {classfile.AccEnum, "ACC_ENUM"}, {classfile.AccModule, "ACC_MODULE"}}

var fieldFlagNames = []struct {
	f    classfile.AccessFlags
	name string
}{{classfile.AccPublic, "ACC_PUBLIC"}, {classfile.AccPrivate, "ACC_PRIVATE"}, {classfile.AccProtected, "ACC_PROTECTED"},
	{classfile.AccStatic, "ACC_STATIC"}, {classfile.AccFinal, "ACC_FINAL"}, {classfile.AccVolatile, "ACC_VOLATILE"},
	{classfile.AccTransient, "ACC_TRANSIENT"}, {classfile.AccSynthetic, "ACC_SYNTHETIC"}, {classfile.AccEnum, "ACC_ENUM"}}

var methodFlagNames = []struct {
	f    classfile.AccessFlags
	name string
}{{classfile.AccPublic, "ACC_PUBLIC"}, {classfile.AccPrivate, "ACC_PRIVATE"}, {classfile.AccProtected, "ACC_PROTECTED"},
	{classfile.AccStatic, "ACC_STATIC"}, {classfile.AccFinal, "ACC_FINAL"}, {classfile.AccSynchronized, "ACC_SYNCHRONIZED"},
	{classfile.AccBridge, "ACC_BRIDGE"}, {classfile.AccVarargs, "ACC_VARARGS"}, {classfile.AccNative, "ACC_NATIVE"},
	{classfile.AccAbstract, "ACC_ABSTRACT"}, {classfile.AccStrict, "ACC_STRICT"}, {classfile.AccSynthetic, "ACC_SYNTHETIC"}}

func flagString(a classfile.AccessFlags, names []struct {
	f    classfile.AccessFlags
	name string
}) string {
	var out []string
	for _, n := range names {
		if a.Has(n.f) {
			out = append(out, n.name)
		}
	}
	return fmt.Sprintf("(0x%04x) %s", uint16(a), strings.Join(out, ", "))
}

func (p *printer) verboseHeader() {
	c := p.c
	p.printf("  minor version: %d\n  major version: %d\n", c.Minor, c.Major)
	p.printf("  flags: %s\n", flagString(c.Access, classFlagNames))
	p.printf("  this_class: #%-26d// %s\n", c.This, c.Name())
	p.printf("  super_class: #%-25d// %s\n", c.Super, c.SuperName())
	p.printf("  interfaces: %d, fields: %d, methods: %d, attributes: %d\n", len(c.Interfaces), len(c.Fields), len(c.Methods), len(c.Attributes))
	p.printf("Constant pool:\n")
	width := len(fmt.Sprint(c.Pool.Len() - 1))
	for i := 1; i < c.Pool.Len(); i++ {
		if c.Pool.Entries[i].Tag == 0 {
			continue
		}
		kind, args, comment := p.poolEntry(i)
		idx := fmt.Sprintf("%*s", width+1, fmt.Sprintf("#%d", i))
		line := fmt.Sprintf("  %s = %-18s %s", idx, kind, args)
		if comment != "" {
			line = fmt.Sprintf("%-*s // %s", width+37, line, comment)
		}
		p.printf("%s\n", strings.TrimRight(line, " "))
	}
}

func (p *printer) memberVerbose(m *classfile.Member, method bool) {
	c := p.c
	p.printf("    descriptor: %s\n", c.MemberDesc(m))
	names := fieldFlagNames
	if method {
		names = methodFlagNames
	}
	p.printf("    flags: %s\n", flagString(m.Access, names))
	for _, a := range m.Attributes {
		switch a := a.(type) {
		case *classfile.Code:
			args := 0
			if pd, _, ok := splitMethodDesc(c.MemberDesc(m)); ok {
				for _, d := range pd {
					args++
					if d == "J" || d == "D" {
						args++
					}
				}
			}
			if !m.Access.Has(classfile.AccStatic) {
				args++
			}
			p.code(a)
			p.printf("      stack=%d, locals=%d, args_size=%d\n", a.MaxStack, a.MaxLocals, args)
			for _, ca := range a.Attributes {
				p.attribute("      ", ca)
			}
		default:
			p.attribute("    ", a)
		}
	}
}

func (p *printer) classAttributes() {
	for _, a := range p.c.Attributes {
		p.attribute("", a)
	}
}

// attribute prints one attribute in javap -v's manner, in summary form for
// the larger tables.
func (p *printer) attribute(indent string, a classfile.Attribute) {
	pool := &p.c.Pool
	switch a := a.(type) {
	case *classfile.SourceFile:
		p.printf("%sSourceFile: \"%s\"\n", indent, pool.Utf8(a.Index))
	case *classfile.Signature:
		p.printf("%sSignature: #%d%s// %s\n", indent, a.Index, strings.Repeat(" ", 26), pool.Utf8(a.Index))
	case *classfile.ConstantValue:
		p.printf("%sConstantValue: %s\n", indent, p.constComment(a.ValueIndex))
	case *classfile.Exceptions:
		p.printf("%sExceptions:\n", indent)
		var names []string
		for _, i := range a.Classes {
			names = append(names, classfile.BinaryName(pool.ClassName(i)))
		}
		p.printf("%s  throws %s\n", indent, strings.Join(names, ", "))
	case *classfile.LineNumberTable:
		p.printf("%sLineNumberTable:\n", indent)
		for _, l := range a.Lines {
			p.printf("%s  line %d: %d\n", indent, l.Line, l.StartPC)
		}
	case *classfile.LocalVariableTable:
		p.printf("%s%s:\n%s  Start  Length  Slot  Name   Signature\n", indent, a.Name(), indent)
		for _, v := range a.Vars {
			p.printf("%s%7d %7d %5d %5s   %s\n", indent, v.StartPC, v.Length, v.Slot, pool.Utf8(v.NameIndex), pool.Utf8(v.DescIndex))
		}
	case *classfile.StackMapTable:
		p.printf("%sStackMapTable: number_of_entries = %d\n", indent, len(a.Frames))
		for _, f := range a.Frames {
			p.printf("%s  frame_type = %d /* %s */\n", indent, f.Type, frameKind(f.Type))
		}
	case *classfile.InnerClasses:
		p.printf("%sInnerClasses:\n", indent)
		for _, ic := range a.Classes {
			p.printf("%s  #%d= #%d of #%d; // %s\n", indent, ic.InnerName, ic.Inner, ic.Outer, pool.ClassName(ic.Inner))
		}
	case *classfile.BootstrapMethods:
		p.printf("%sBootstrapMethods:\n", indent)
		for i, bm := range a.Methods {
			p.printf("%s  %d: #%d %s\n", indent, i, bm.Ref, p.constComment(bm.Ref))
			p.printf("%s    Method arguments:\n", indent)
			for _, arg := range bm.Args {
				p.printf("%s      #%d %s\n", indent, arg, p.constComment(arg))
			}
		}
	case *classfile.NestMembers:
		p.printf("%sNestMembers:\n", indent)
		for _, i := range a.Classes {
			p.printf("%s  %s\n", indent, pool.ClassName(i))
		}
	case *classfile.NestHost:
		p.printf("%sNestHost: class %s\n", indent, pool.ClassName(a.HostClass))
	case *classfile.PermittedSubclasses:
		p.printf("%sPermittedSubclasses:\n", indent)
		for _, i := range a.Classes {
			p.printf("%s  %s\n", indent, pool.ClassName(i))
		}
	case *classfile.RawAttribute:
		p.printf("%s%s: length = 0x%X (unknown attribute)\n", indent, a.AttrName, len(a.Info))
	default:
		p.printf("%s%s\n", indent, a.Name())
	}
}

func frameKind(t uint8) string {
	switch {
	case t <= classfile.FrameSameMax:
		return "same"
	case t <= classfile.FrameSameLocals1Max:
		return "same_locals_1_stack_item"
	case t == classfile.FrameSameLocals1Ext:
		return "same_locals_1_stack_item_frame_extended"
	case t >= classfile.FrameChopMin && t <= classfile.FrameChopMax:
		return "chop"
	case t == classfile.FrameSameExt:
		return "same_frame_extended"
	case t >= classfile.FrameAppendMin && t <= classfile.FrameAppendMax:
		return "append"
	case t == classfile.FrameFull:
		return "full_frame"
	}
	return "reserved"
}

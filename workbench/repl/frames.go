package repl

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/javap"
)

// showFrames prints, before every instruction of a method, the types of its
// locals and operand stack: the state the JVM's type checker tracks (JVMS
// §4.10.1.3), computed by the same analysis that writes StackMapTables.
func (s *Session) showFrames(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: frames CLASS[.METHOD]")
	}
	class, method, err := s.resolve(args[0])
	if err != nil {
		return err
	}
	c, _, err := s.read(class)
	if err != nil {
		return err
	}
	s.hierarchy()
	found := false
	for _, m := range c.Methods {
		if method != "" && c.MemberName(m) != method {
			continue
		}
		found = true
		if err := s.methodFrames(c, m); err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("%s has no method %s", classfile.BinaryName(class), method)
	}
	return nil
}

func (s *Session) methodFrames(c *classfile.Class, m *classfile.Member) error {
	var b bytes.Buffer
	if err := javap.PrintMethod(&b, c, m, javap.Options{Code: true, Private: true}); err != nil {
		return err
	}
	lines := strings.Split(b.String(), "\n")
	code := m.Code()
	if code == nil {
		fmt.Fprintf(s.Out, "%s  (no code)\n", strings.TrimSpace(lines[0]))
		return nil
	}
	states, err := bytecode.States(c, m, s.pipeline.Hierarchy)
	if err != nil {
		return err
	}
	text := instructionText(lines)
	fmt.Fprintf(s.Out, "%s  max_stack %d, max_locals %d\n", strings.TrimSpace(lines[0]), code.MaxStack, code.MaxLocals)
	rows := [][3]string{{"pc", "locals", "stack"}}
	for _, st := range states {
		rows = append(rows, [3]string{strconv.Itoa(st.Offset), typeList(st.Locals, true), typeList(st.Stack, false)})
	}
	var w [3]int
	for _, r := range rows {
		for i := range r {
			w[i] = max(w[i], len(r[i]))
		}
	}
	for i, r := range rows {
		ins := "instruction"
		if i > 0 {
			ins = text[states[i-1].Offset]
		}
		fmt.Fprintf(s.Out, "  %*s  %-*s  %-*s  %s\n", w[0], r[0], w[1], r[1], w[2], r[2], ins)
	}
	if n := len(instructionsOf(code)); n > len(states) {
		fmt.Fprintf(s.Out, "  (%d instructions unreachable)\n", n-len(states))
	}
	return nil
}

// instructionText maps each offset to javap's text of its instruction: the
// lines whose offset ends at the column the first instruction's does (a
// switch's case lines are indented further).
func instructionText(lines []string) map[int]string {
	out := map[int]string{}
	col := -1
	for _, l := range lines {
		t := strings.TrimLeft(l, " ")
		i := strings.Index(t, ": ")
		if i <= 0 {
			continue
		}
		off, err := strconv.Atoi(t[:i])
		if err != nil {
			continue
		}
		at := len(l) - len(t) + i
		if col < 0 {
			col = at
		}
		if at == col {
			if _, ok := out[off]; !ok {
				out[off] = strings.TrimSpace(t[i+2:])
			}
		}
	}
	return out
}

func instructionsOf(code *classfile.Code) []bytecode.Instruction {
	insns, _ := bytecode.Decode(code.Code)
	return insns
}

// typeList prints verification types in brackets. In locals every slot
// shows, the second of a long or double as top (as JVMS §4.10.1.2 has it);
// on the stack a long or double shows once.
func typeList(ts []bytecode.VType, locals bool) string {
	var parts []string
	for _, t := range ts {
		switch t.Kind {
		case bytecode.KLong2, bytecode.KDouble2:
			if !locals {
				continue
			}
			parts = append(parts, "top")
		case bytecode.KRef:
			parts = append(parts, javaType(t.Name))
		default:
			parts = append(parts, t.String())
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// javaType writes an internal class name or array descriptor as Java
// source does: java.lang.String, int[][].
func javaType(name string) string {
	dims := 0
	for dims < len(name) && name[dims] == '[' {
		dims++
	}
	if dims == 0 {
		return strings.ReplaceAll(name, "/", ".")
	}
	elem := name[dims:]
	switch elem {
	case "B":
		elem = "byte"
	case "C":
		elem = "char"
	case "D":
		elem = "double"
	case "F":
		elem = "float"
	case "I":
		elem = "int"
	case "J":
		elem = "long"
	case "S":
		elem = "short"
	case "Z":
		elem = "boolean"
	default:
		elem = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(elem, "L"), ";"), "/", ".")
	}
	return elem + strings.Repeat("[]", dims)
}

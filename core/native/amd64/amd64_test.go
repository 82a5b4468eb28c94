package amd64

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/native"
)

// TestJNIIndices checks the function-table indices the code calls through
// against the JDK's own jni.h, compiled by the system C compiler.
func TestJNIIndices(t *testing.T) {
	home := os.Getenv("JAVA_HOME")
	if home == "" {
		home = "/usr/lib/jvm/java-17-openjdk-amd64"
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc")
	}
	dir := t.TempDir()
	want := map[string]int{"FindClass": jniFindClass, "ThrowNew": jniThrowNew, "NewGlobalRef": jniNewGlobalRef,
		"GetFieldID": jniGetFieldID, "GetObjectField": jniGetField, "SetObjectField": jniSetField,
		"GetStaticFieldID": jniGetStaticFieldID, "GetStaticObjectField": jniGetStaticField, "SetStaticObjectField": jniSetStaticField,
		"GetArrayLength": jniGetArrayLength, "NewBooleanArray": jniNewArray, "GetBooleanArrayRegion": jniGetArrayRegion,
		"SetBooleanArrayRegion": jniSetArrayRegion, "ExceptionCheck": jniExceptionCheck, "ExceptionClear": jniExceptionClear,
		"CallStaticObjectMethodA": jniCallStaticMethodA, "CallStaticVoidMethodA": jniCallStaticMethodA + 3*9, "SetObjectArrayElement": jniSetObjectArrayElement,
		"GetDoubleField": jniGetField + 1 + elemIndex('D'), "GetObjectClass": jniGetObjectClass, "NewDoubleArray": jniNewArray + elemIndex('D'),
		"GetDoubleArrayRegion": jniGetArrayRegion + elemIndex('D'), "SetStaticDoubleField": jniSetStaticField + 1 + elemIndex('D')}
	var src strings.Builder
	src.WriteString("#include <jni.h>\n#include <stddef.h>\n#include <stdio.h>\nint main(void) {\n")
	for name := range want {
		src.WriteString("printf(\"" + name + " %zu\\n\", offsetof(struct JNINativeInterface_, " + name + ") / sizeof(void *));\n")
	}
	src.WriteString("return 0; }\n")
	c := filepath.Join(dir, "jni.c")
	os.WriteFile(c, []byte(src.String()), 0o644)
	exe := filepath.Join(dir, "jni")
	if out, err := exec.Command("gcc", "-I", home+"/include", "-I", home+"/include/linux", "-o", exe, c).CombinedOutput(); err != nil {
		t.Skipf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		n, _ := strconv.Atoi(f[1])
		if want[f[0]] != n {
			t.Errorf("%s: we call index %d, jni.h has %d", f[0], want[f[0]], n)
		}
	}
}

func javac(t *testing.T, name string) *classfile.Class {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("javac", "--release", "17", "-d", dir, filepath.Join("testdata", name+".java")).CombinedOutput(); err != nil {
		t.Skipf("javac: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, name+".class"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// aliases are the names objdump prints for mnemonics we write another way.
var aliases = map[string]string{"jz": "je", "jnz": "jne"}

var objdumpInsn = regexp.MustCompile(`^\s+[0-9a-f]+:\s+(\S+)`)

// TestObjdumpAgrees assembles the lowered kernels and disassembles them with
// binutils' objdump: the instructions must be ours, one for one, in order
// (apart from the assembler's alignment padding).
func TestObjdumpAgrees(t *testing.T) {
	if _, err := exec.LookPath("objdump"); err != nil {
		t.Skip("no objdump")
	}
	c := javac(t, "Kernels")
	var parts []native.Part
	for _, m := range c.Methods {
		f, err := native.Translate(c, m)
		if err != nil {
			continue
		}
		if err := native.Optimize(f, nil); err != nil {
			t.Fatal(err)
		}
		text, err := Backend{}.Lower(f, native.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		parts = append(parts, native.Part{Class: f.Class, Method: f.Name, Desc: f.Desc, Asm: text})
	}
	if len(parts) < 8 {
		t.Fatalf("only %d methods lowered", len(parts))
	}
	j := native.JoinAsm("\t.intel_syntax noprefix\n", parts)
	obj := filepath.Join(t.TempDir(), "k.o")
	if err := (Backend{}).Assemble(j.Text, obj, native.Options{}); err != nil {
		t.Fatal(err)
	}
	// objdump shows .text, then each other code section (the COMDAT stack
	// routine's) in the order they were made.
	var ours []string
	other := map[string][]string{}
	var otherOrder []string
	section := ".text"
	defined, skipping := map[string]bool{}, false // .ifndef SYM … .endif: the first copy only
	for _, l := range strings.Split(j.Text, "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasSuffix(f[0], ":") || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch {
		case f[0] == ".ifndef":
			skipping = defined[f[1]]
			defined[f[1]] = true
			continue
		case f[0] == ".endif":
			skipping = false
			continue
		case skipping:
			continue
		}
		switch f[0] {
		case ".text":
			section = ".text"
			continue
		case ".section":
			section = strings.TrimSuffix(f[1], ",")
			if strings.HasPrefix(section, ".text.") {
				if _, ok := other[section]; !ok {
					otherOrder = append(otherOrder, section)
					other[section] = nil
				}
			}
			continue
		case ".bss", ".data":
			section = f[0]
			continue
		}
		if strings.HasPrefix(section, ".text") && !strings.HasPrefix(f[0], ".") {
			op := f[0]
			if a, ok := aliases[op]; ok {
				op = a
			}
			if section == ".text" {
				ours = append(ours, op)
			} else {
				other[section] = append(other[section], op)
			}
		}
	}
	for _, sec := range otherOrder {
		ours = append(ours, other[sec]...)
	}
	out, err := exec.Command("objdump", "-d", "-M", "intel", "--no-show-raw-insn", obj).Output()
	if err != nil {
		t.Fatal(err)
	}
	var theirs []string
	for _, l := range strings.Split(string(out), "\n") {
		m := objdumpInsn.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		switch op := m[1]; op {
		case "nop", "cs", "data16", "xchg":
			continue
		default:
			theirs = append(theirs, op)
		}
	}
	if len(ours) != len(theirs) {
		t.Fatalf("%d instructions written, %d disassembled", len(ours), len(theirs))
	}
	for i := range ours {
		if ours[i] != theirs[i] {
			t.Fatalf("instruction %d: wrote %s, objdump reads %s", i, ours[i], theirs[i])
		}
	}
}

package native

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"

	"dvmlab/core/native/ir"
)

// Compiled code reaches some classes through small static methods the
// compile service adds to the rewritten class, in bytecode, rather than
// through JNI's FindClass:
//
//   - FindClass initialises the class it finds, where checkcast, instanceof
//     and anewarray only resolve it, and ldc of a class gives it
//     uninitialised (JVMS §5.5 lists what initialises a class); `ldc C;
//     areturn` resolves C without initialising it (JVMS
//     §6.5.ldc), so the class helper gives the class as the bytecode sees it.
//   - anewarray calls the array helper, `iload_0; anewarray C; areturn`:
//     JNI's NewObjectArray initialises the element class.
//   - When JNI's SetObjectArrayElement refuses a value, the store helper
//     `aload_0; iload_1; aload_2; aastore; return` stores it again, for
//     HotSpot's ArrayStoreException and message rather than JNI's.
//   - multianewarray calls the multianewarray helper, `iload_0 … iload_n-1;
//     multianewarray C n; areturn`.
//   - A failing checkcast calls the cast helper, `aload_0; checkcast C;
//     areturn`, so that the ClassCastException is HotSpot's own, message
//     and all (it names both classes with their modules and loaders).
//
// Each helper's name is derived from the class's name, so the back end and
// the service agree on it without passing tables.

// ClassHelperDesc and CastHelperDesc are the helpers' descriptors.
const (
	ClassHelperDesc = "()Ljava/lang/Class;"
	CastHelperDesc  = "(Ljava/lang/Object;)Ljava/lang/Object;"
	ArrayHelperDesc = "(I)Ljava/lang/Object;"
	StoreHelper     = "dvmlab$aastore"
	StoreHelperDesc = "([Ljava/lang/Object;ILjava/lang/Object;)V"
)

func helperHash(class string) string {
	h := fnv.New64a()
	h.Write([]byte(class))
	return fmt.Sprintf("%016x", h.Sum64())
}

// ClassHelper is the name of the method that returns class (an internal
// name or an array descriptor) without initialising it.
func ClassHelper(class string) string { return "dvmlab$class$" + helperHash(class) }

// CastHelper is the name of the method that casts its argument to class.
func CastHelper(class string) string { return "dvmlab$cast$" + helperHash(class) }

// ArrayHelper is the name of the method that makes an array of class.
func ArrayHelper(class string) string { return "dvmlab$array$" + helperHash(class) }

// MultiHelper is the name of the method that runs multianewarray of class
// (an array descriptor) with dims dimensions; MultiHelperDesc its
// descriptor. Compiled code calls it as any static method.
func MultiHelper(class string, dims int) string {
	return "dvmlab$multi$" + helperHash(fmt.Sprint(class, "/", dims))
}

func MultiHelperDesc(dims int) string {
	return "(" + strings.Repeat("I", dims) + ")Ljava/lang/Object;"
}

// MultiNeed is one multianewarray helper: the array class and the
// dimensions it makes.
type MultiNeed struct {
	Class string
	Dims  int
}

// MultiNeeds are the multianewarray helpers the functions call.
func MultiNeeds(funcs []*ir.Func) []MultiNeed {
	seen := map[MultiNeed]bool{}
	var out []MultiNeed
	for _, f := range funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op != ir.OpInvoke || v.AuxInt != ir.InvokeStatic || v.Sym.Owner != f.Class || v.Class == "" {
					continue
				}
				n := MultiNeed{v.Class, len(v.Args)}
				if v.Sym.Name == MultiHelper(n.Class, n.Dims) && !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Class != out[j].Class {
			return out[i].Class < out[j].Class
		}
		return out[i].Dims < out[j].Dims
	})
	return out
}

// HelperNeeds are the classes the compiled functions reach through
// helpers: those needing a class helper, a cast helper and an array
// helper, each sorted, and whether they store into arrays of references.
func HelperNeeds(funcs []*ir.Func) (classes, casts, arrays []string, store bool) {
	cl, ca, ar := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, f := range funcs {
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				switch v.Op {
				case ir.OpCheckCast:
					cl[v.Sym.Owner] = true
					ca[v.Sym.Owner] = true
				case ir.OpInstanceOf:
					cl[v.Sym.Owner] = true
				case ir.OpString:
					if v.Sym.Owner == "java/lang/Class" {
						cl[v.Sym.Name] = true
					}
				case ir.OpNewObjArray:
					ar[v.Sym.Owner] = true
				case ir.OpObjArrayStore:
					store = true
				}
			}
		}
	}
	keys := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	return keys(cl), keys(ca), keys(ar), store
}

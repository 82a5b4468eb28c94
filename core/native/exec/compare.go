package exec

import (
	"fmt"
	"strings"
)

// Result is a comparison of a target's outcomes with HotSpot's.
type Result struct {
	Inputs, Agree, Differ int
	// The first difference: the input line and what each side printed.
	FirstInput, Want, Got string
}

// Unmessaged follows the class of an exception the Alpha runtime threw for
// compiled code that made it with a constructor no Alpha runtime can run
// (Java code beyond the compiled closure: DimensionMismatchException(int,
// int), MathIllegalArgumentException(Localizable, Object[]), AssertionError()
// and the like). Such an exception's message is made by that Java code,
// which needs a JVM, so for these alone Compare compares the class and not
// the message; every other exception's message is compared.
const Unmessaged = " (message not compared)"

// Compare lines up the two sides' outcome lines, one per input. NaNs are
// already equal on both sides: the runners print a NaN's canonical bits,
// which is Double.equals's and Float.equals's notion of equality. A target
// line "exc CLASS" + Unmessaged + REST agrees with HotSpot's "exc CLASS" +
// REST or "exc CLASS: MESSAGE" + REST.
func Compare(inputs, want, got []string) Result {
	r := Result{Inputs: len(inputs)}
	for i := range inputs {
		w, g := "", ""
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w == g || unmessagedEqual(w, g) {
			r.Agree++
			continue
		}
		if r.Differ == 0 {
			r.FirstInput, r.Want, r.Got = inputs[i], w, g
		}
		r.Differ++
	}
	return r
}

// String is the harness's report: "K inputs: A agree, D differ", then the
// first differing input.
func (r Result) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d inputs: %d agree, %d differ\n", r.Inputs, r.Agree, r.Differ)
	if r.Differ > 0 {
		fmt.Fprintf(&sb, "first difference:\n  input:   %s\n  hotspot: %s\n  target:  %s\n", r.FirstInput, r.Want, r.Got)
	}
	return sb.String()
}

func unmessagedEqual(want, got string) bool {
	i := strings.Index(got, Unmessaged)
	if i < 0 || !strings.HasPrefix(got, "exc ") {
		return false
	}
	head, rest := got[:i], got[i+len(Unmessaged):]
	if !strings.HasPrefix(want, head) || !strings.HasSuffix(want, rest) || len(want) < len(head)+len(rest) {
		return false
	}
	mid := want[len(head) : len(want)-len(rest)]
	return mid == "" || strings.HasPrefix(mid, ": ")
}

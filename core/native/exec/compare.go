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

// Compare lines up the two sides' outcome lines, one per input. NaNs are
// already equal on both sides: the runners print a NaN's canonical bits,
// which is Double.equals's and Float.equals's notion of equality.
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
		if w == g {
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

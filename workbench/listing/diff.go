// Package listing makes the javap-style text the workbench shows, and diffs
// two listings instruction by instruction.
package listing

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/javap"
)

// Of is the javap -c -p text of a class, or of the methods named method
// (every overload) when method is set.
func Of(data []byte, method string) ([]string, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	opt := javap.Options{Code: true, Private: true}
	var b bytes.Buffer
	if method == "" {
		err = javap.Print(&b, c, opt)
	} else {
		found := false
		for _, m := range c.Methods {
			if c.MemberName(m) == method {
				found = true
				if err = javap.PrintMethod(&b, c, m, opt); err != nil {
					break
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("no method %s", method)
		}
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n"), nil
}

// listingKey is what two listing lines are compared by: the line without
// its instruction offset, so code that only moved is not shown as changed.
func listingKey(l string) string {
	t := strings.TrimLeft(l, " ")
	if i := strings.Index(t, ": "); i > 0 {
		if _, err := strconv.Atoi(t[:i]); err == nil {
			return strings.TrimSpace(t[i+2:])
		}
	}
	return l
}

// Diff diffs two listings by listingKey, printing a's lines where
// they were removed and b's elsewhere.
func Diff(a, b []string) []string {
	ka := make([]string, len(a))
	kb := make([]string, len(b))
	for i, l := range a {
		ka[i] = listingKey(l)
	}
	for i, l := range b {
		kb[i] = listingKey(l)
	}
	var out []string
	i, j := 0, 0
	for _, d := range lineDiff(ka, kb) {
		switch d[0] {
		case '-':
			out = append(out, "-"+a[i])
			i++
		case '+':
			out = append(out, "+"+b[j])
			j++
		default:
			out = append(out, " "+b[j])
			i++
			j++
		}
	}
	return out
}

// lineDiff is a longest-common-subsequence diff of two listings: each line
// of the result starts with ' ' (both), '-' (only in a) or '+' (only in b).
// Listings of a method or a class are small enough for the quadratic table;
// beyond maxCells the whole of a is shown removed and b added.
func lineDiff(a, b []string) []string {
	const maxCells = 16 << 20
	if len(a)*len(b) > maxCells {
		out := make([]string, 0, len(a)+len(b))
		for _, l := range a {
			out = append(out, "-"+l)
		}
		for _, l := range b {
			out = append(out, "+"+l)
		}
		return out
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, " "+a[i])
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, "-"+a[i])
			i++
		default:
			out = append(out, "+"+b[j])
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, "-"+a[i])
	}
	for ; j < len(b); j++ {
		out = append(out, "+"+b[j])
	}
	return out
}

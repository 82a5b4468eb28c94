package native

import (
	"fmt"
	"strings"
)

// Asciz escapes s (modified UTF-8 bytes, JVMS §4.4.7, or any text) for a
// GNU as string directive (.ascii, .asciz): quotes, backslashes and bytes
// outside printable ASCII as three-digit octal escapes. Both back ends
// emit names and messages this way.
func Asciz(s string) string {
	var sb strings.Builder
	for _, c := range []byte(s) {
		if c == '"' || c == '\\' || c < 32 || c > 126 {
			fmt.Fprintf(&sb, "\\%03o", c)
		} else {
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

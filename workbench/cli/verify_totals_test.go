package cli

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestVerifyStatsTotalIsTheSumOfClasses: the summary line of verify --stats
// once counted every class's checks twice (fault: verify-stats-total-counted-twice,
// 73420 static checks for JLex where its classes add up to 36710, the number
// experiment fig8 reports). The total must be the sum of the per-class lines.
func TestVerifyStatsTotalIsTheSumOfClasses(t *testing.T) {
	const jar = "/usr/share/java/JLex.jar"
	if _, err := os.Stat(jar); err != nil {
		t.Skip("no JLex (make deps installs Debian's jlex)")
	}
	var out, errOut bytes.Buffer
	if code := Run(&Env{Stdout: &out, Stderr: &errOut}, []string{"verify", "--stats", jar}); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	static, deferred, classes := 0, 0, 0
	var total string
	for _, l := range strings.Split(errOut.String(), "\n") {
		var name string
		var s, d int
		if n, _ := fmt.Sscanf(l, "%s %d static %d deferred", &name, &s, &d); n == 3 {
			static, deferred, classes = static+s, deferred+d, classes+1
		}
		if strings.HasPrefix(l, "verify: ") {
			total = l
		}
	}
	want := fmt.Sprintf("verify: %d classes, 0 rejected; %d checks done statically, %d deferred to the client", classes, static, deferred)
	if total != want {
		t.Fatalf("summary %q, want %q", total, want)
	}
}

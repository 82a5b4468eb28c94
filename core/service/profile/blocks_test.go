package profile

import (
	"os"
	"path/filepath"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/core/service/coverage"
	_ "dvmlab/core/service/monitor"
	"dvmlab/internal/jvmtest"
)

const branchy = `public class Branchy {
    int f;
    Branchy(int x) {
        super();
        f = x > 0 ? x : -x;
    }
    static int sw(int k) {
        switch (k) {
            case 1: return 10;
            case 7: return 70;
            default: return 0;
        }
    }
    static int loop(int[] a) {
        int s = 0;
        for (int v : a) {
            try {
                s += 100 / v;
            } catch (ArithmeticException e) {
                s--;
            }
        }
        return s;
    }
}
`

// TestBlocksOfTheOriginal: whichever services come before the profile in
// the pipeline, each method asks Profile.blocks for the coverage service's
// blocks of the class as it came, with their original offsets, once, at
// entry, and each block stores its flag with no call.
func TestBlocksOfTheOriginal(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Branchy.java": branchy}, "--release", "11")
	data, err := os.ReadFile(filepath.Join(dir, "Branchy.class"))
	if err != nil {
		t.Fatal(err)
	}
	orig, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := coverage.Blocks(orig)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]coverage.Block{}
	for _, b := range blocks {
		want[b.Method] = append(want[b.Method], b)
	}
	for _, services := range []string{"profile", "monitor,profile", "coverage,monitor,profile"} {
		p, err := service.Parse(services)
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(data)
		if err != nil {
			t.Fatalf("%s: %v", services, err)
		}
		c, err := classfile.Parse(res.Out)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range c.Methods {
			name := c.MemberName(m) + c.MemberDesc(m)
			insns, err := bytecode.Decode(m.Code().Code)
			if err != nil {
				t.Fatal(err)
			}
			var ranges []string
			stores := 0
			for i, in := range insns {
				switch in.Op {
				case bytecode.Invokestatic:
					owner, n, _ := c.Pool.MemberRef(uint16(in.Index))
					if owner == runtime.Profile && n == "blocks" {
						k := c.Pool.Get(uint16(insns[i-1].Index))
						ranges = append(ranges, c.Pool.Utf8(k.A))
					}
				case bytecode.Bastore:
					stores++
				}
			}
			if w := Ranges(want[name]); len(ranges) != 1 || ranges[0] != w {
				t.Errorf("%s: %s asks for blocks %q, want once %q", services, name, ranges, w)
			}
			if stores != len(want[name]) {
				t.Errorf("%s: %s: %d flag stores, want one per block, %d", services, name, stores, len(want[name]))
			}
		}
		if res.Reports[len(res.Reports)-1].Inserted < len(blocks) {
			t.Errorf("%s: the profile's report counts %d probes, want at least its %d blocks", services, res.Reports[len(res.Reports)-1].Inserted, len(blocks))
		}
	}
}

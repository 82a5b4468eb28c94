package shadow

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
)

func TestScope(t *testing.T) {
	sc, err := parseScope("java/util/*,-java/util/concurrent/*,Foo.bar,Baz.run()V")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		class, name, desc string
		want              bool
	}{
		{"java/util/HashMap", "put", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", true},
		{"java/util/concurrent/ConcurrentHashMap", "put", "()V", false},
		{"java/lang/String", "length", "()I", false},
		{"Foo", "bar", "(I)V", true},
		{"Foo", "baz", "()V", false},
		{"Baz", "run", "()V", true},
		{"Baz", "run", "(I)V", false},
	} {
		if got := sc.matches(c.class, c.name, c.desc); got != c.want {
			t.Errorf("%s.%s%s: %v, want %v", c.class, c.name, c.desc, got, c.want)
		}
	}
	all, _ := parseScope("")
	if !all.matches("java/lang/Object", "<init>", "()V") {
		t.Error("the empty scope excludes java/lang/Object: there must be no default exclusions")
	}
	for _, bad := range []string{"java.util.List.get", "Foo.", ".bar", "Foo.bar(I", "a[b]", "Foo,,Bar"} {
		if _, err := parseScope(bad); err == nil {
			t.Errorf("scope %q accepted", bad)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pat, s string
		want   bool
	}{{"*", "", true}, {"a*c", "abbc", true}, {"a*c", "abcd", false}, {"*Map", "java/util/HashMap", true}, {"j*/*/H*", "java/util/HashMap", true}} {
		if glob(c.pat, c.s) != c.want {
			t.Errorf("glob(%q, %q) != %v", c.pat, c.s, c.want)
		}
	}
}

func TestParseOps(t *testing.T) {
	ops, err := ParseOps("new,invoke,putfield")
	if err != nil || len(ops) != 6 || ops[0] != bytecode.New || ops[5] != bytecode.Putfield {
		t.Fatalf("%v %v", ops, err)
	}
	if _, err := ParseOps("nosuch"); err == nil {
		t.Error("unknown mnemonic accepted")
	}
}

// A session fed garbage reports a protocol error and never panics; the
// analysis still hears VM death last.
func TestSessionRejectsMalformedWire(t *testing.T) {
	le := binary.LittleEndian
	msg := func(kind byte, payload []byte) []byte {
		return append(append([]byte{kind}, le.AppendUint32(nil, uint32(len(payload)))...), payload...)
	}
	for name, wire := range map[string][]byte{
		"unknown kind":   msg('?', nil),
		"unknown thread": msg(msgThreadBuf, le.AppendUint64(nil, 9)),
		"short class":    msg(msgClass, []byte{1, 2}),
		"huge":           {msgThreadBuf, 0xff, 0xff, 0xff, 0x7f},
		"bad arg type":   append(msg(msgThread, append(le.AppendUint64(nil, 1), 0, 0)), msg(msgThreadBuf, append(le.AppendUint64(nil, 1), 0, 0, 0, 0, 'Q'))...),
		"unknown hook":   append(msg(msgThread, append(le.AppendUint64(nil, 1), 0, 0)), msg(msgThreadBuf, append(le.AppendUint64(nil, 1), 7, 0, 0, 0, 0))...),
	} {
		an := &recorder{}
		s := newSession(an, an.Hooks(), NewRegistry(), PerThread)
		err := s.serve(bytes.NewReader(wire))
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		if !an.death {
			t.Errorf("%s: no VM death", name)
		}
	}
}

type recorder struct {
	events int
	death  bool
}

func (r *recorder) Name() string { return "recorder" }
func (r *recorder) Hooks() []*Hook {
	return []*Hook{{Name: "h", Marker: Marker{Kind: MethodEntry}, Args: []Arg{{Kind: MethodID}}, Handle: func(*Event) { r.events++ }}}
}
func (r *recorder) ObjectFree(*ShadowObject) {}
func (r *recorder) ThreadEnd(*ShadowThread)  {}
func (r *recorder) VMDeath()                 { r.death = true }

func TestParseLogErrors(t *testing.T) {
	for _, bad := range []string{"", "not a log", logMagic, logMagic + "B\x05", logMagic + "B\xff\xff\x00\x00", logMagic + "R\x02\x00\x00\x00{x"} {
		if _, err := ParseLog([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		} else if strings.Contains(err.Error(), "panic") {
			t.Error(err)
		}
	}
}

// FuzzLog: no log, however malformed, panics the reader or a replay.
func FuzzLog(f *testing.F) {
	f.Add([]byte(logMagic + "R\x02\x00\x00\x00{}"))
	f.Add([]byte(logMagic + "T\x0a\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00" + "R\x02\x00\x00\x00{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLog(data)
		if err != nil {
			return
		}
		l.Count()
	})
}

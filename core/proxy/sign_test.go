package proxy

import (
	"os"
	"path/filepath"
	"testing"

	"dvmlab/core/classfile"
)

func TestSignClass(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewSigner(key)
	if err != nil || again.PublicKey() != s.PublicKey() {
		t.Fatalf("key not kept across restarts: %v", err)
	}
	orig, err := Replacement("a/B", "java/lang/VerifyError", "x")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.SignClass(orig)
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(signed)
	if err != nil || classfile.Attr(c.Attributes, SignatureAttr) == nil {
		t.Fatalf("signed class: %v", err)
	}
	if !VerifyClass(s.pub, signed) {
		t.Fatal("own signature does not verify")
	}
	for _, i := range []int{0, 10, len(signed) / 2, len(signed) - 65, len(signed) - 1} {
		bad := append([]byte(nil), signed...)
		bad[i] ^= 0x40
		if VerifyClass(s.pub, bad) {
			t.Errorf("a flipped byte at %d still verifies", i)
		}
	}
	other, _ := NewSigner("")
	if VerifyClass(other.pub, signed) {
		t.Error("verifies under another key")
	}
	os.WriteFile(key, []byte("short"), 0o600)
	if _, err := NewSigner(key); err == nil {
		t.Error("a malformed key file was accepted")
	}
}

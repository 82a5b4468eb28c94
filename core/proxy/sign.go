package proxy

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"

	"dvmlab/core/classfile"
)

// SignatureAttr is the class attribute that carries the proxy's signature.
// The JVM ignores attributes it does not know (JVMS §4.7.1), so signed
// classes run anywhere; the DVM's client checks them.
const SignatureAttr = "dvmlab.Signature"

// SignatureHeader carries the signature of a jar, beside it.
const SignatureHeader = "X-Dvmlab-Signature"

// Signer signs what the proxy emits with Ed25519.
type Signer struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

// NewSigner makes a signer with a fresh key, or the key stored in path
// (created there when missing) so that clients can pin it across restarts.
func NewSigner(path string) (*Signer, error) {
	if path == "" {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		return &Signer{priv: priv, pub: pub}, nil
	}
	if seed, err := os.ReadFile(path); err == nil {
		if len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("%s: not an Ed25519 seed (%d bytes, want %d)", path, len(seed), ed25519.SeedSize)
		}
		priv := ed25519.NewKeyFromSeed(seed)
		return &Signer{priv: priv, pub: priv.Public().(ed25519.PublicKey)}, nil
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, priv.Seed(), 0o600); err != nil {
		return nil, err
	}
	return &Signer{priv: priv, pub: pub}, nil
}

// PublicKey is the key in X.509 SubjectPublicKeyInfo form, base64, which
// Java's KeyFactory.getInstance("Ed25519") reads directly.
func (s *Signer) PublicKey() string {
	der, _ := x509.MarshalPKIXPublicKey(s.pub)
	return base64.StdEncoding.EncodeToString(der)
}

// Fingerprint names the key in cache keys, so a new key never serves
// entries signed by the old one.
func (s *Signer) Fingerprint() string {
	h := sha256.Sum256(s.pub)
	return hex.EncodeToString(h[:6])
}

// SignClass appends the signature attribute to a class, last. The
// signature covers every byte before its own 64 (the class with
// attributes_count already counting the attribute, and the attribute's
// header): the client checks bytes[:len-64] against the last 64 bytes.
func (s *Signer) SignClass(data []byte) ([]byte, error) {
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, err
	}
	c.Attributes = append(c.Attributes, &classfile.RawAttribute{AttrName: SignatureAttr, Info: make([]byte, ed25519.SignatureSize)})
	out, err := c.Write()
	if err != nil {
		return nil, err
	}
	sig := ed25519.Sign(s.priv, out[:len(out)-ed25519.SignatureSize])
	copy(out[len(out)-ed25519.SignatureSize:], sig)
	return out, nil
}

// SignBytes signs a jar as it is sent.
func (s *Signer) SignBytes(data []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(s.priv, data))
}

// VerifyClass checks a class signed by SignClass.
func VerifyClass(pub ed25519.PublicKey, data []byte) bool {
	if len(data) < ed25519.SignatureSize+16 {
		return false
	}
	return ed25519.Verify(pub, data[:len(data)-ed25519.SignatureSize], data[len(data)-ed25519.SignatureSize:])
}

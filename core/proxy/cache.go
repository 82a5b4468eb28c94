package proxy

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	"golang.org/x/sync/singleflight"
)

// Cache keeps rewritten bytes on disk, keyed by the hash of the original and
// the hash of the pipeline configuration, so a changed class or a changed
// site configuration misses. Writes go through a temporary file and a
// rename: a crash leaves the old entry or none, never half of one.
type Cache struct {
	dir   string
	group singleflight.Group
}

// OpenCache uses dir, creating it; "" gives a cache that stores nothing.
func OpenCache(dir string) (*Cache, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	return &Cache{dir: dir}, nil
}

// Key combines the original bytes and the pipeline configuration.
func Key(original []byte, config string) string {
	a := sha256.Sum256(original)
	b := sha256.Sum256([]byte(config))
	return hex.EncodeToString(a[:16]) + "-" + hex.EncodeToString(b[:8])
}

// path fans entries out over subdirectories by their first two characters.
func (c *Cache) path(key string) string {
	sub := "__"
	if len(key) >= 2 {
		sub = key[:2]
	}
	return filepath.Join(c.dir, sub, filepath.Base(key))
}

// Get returns the cached bytes for key, if any.
func (c *Cache) Get(key string) ([]byte, bool) {
	if c.dir == "" {
		return nil, false
	}
	b, err := os.ReadFile(c.path(key))
	return b, err == nil
}

// Do returns the bytes for key from the cache or from make, which runs once
// however many requests for the same key arrive together. hit reports
// whether make was spared.
func (c *Cache) Do(key string, make func() ([]byte, error)) (data []byte, hit bool, err error) {
	if b, ok := c.Get(key); ok {
		return b, true, nil
	}
	v, err, shared := c.group.Do(key, func() (any, error) {
		if b, ok := c.Get(key); ok {
			return b, nil
		}
		b, err := make()
		if err != nil {
			return nil, err
		}
		c.put(key, b)
		return b, nil
	})
	if err != nil {
		return nil, false, err
	}
	return v.([]byte), shared, nil
}

// midWrite, when set, runs halfway through writing an entry; the crash test
// kills the process there.
var midWrite func()

func (c *Cache) put(key string, data []byte) {
	if c.dir == "" {
		return
	}
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return
	}
	half := len(data) / 2
	_, werr := tmp.Write(data[:half])
	if midWrite != nil {
		midWrite()
	}
	if werr == nil {
		_, werr = tmp.Write(data[half:])
	}
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	os.Rename(tmp.Name(), p)
}

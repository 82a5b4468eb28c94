package proxy

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The child half of TestKilledMidWrite: write one entry and stop halfway,
// saying so, until the parent kills it.
func init() {
	dir := os.Getenv("DVMLAB_CACHE_CRASH_DIR")
	if dir == "" {
		return
	}
	midWrite = func() {
		fmt.Println("HALFWAY")
		time.Sleep(time.Minute)
	}
	c, _ := OpenCache(dir)
	c.Do("crash-key", func() ([]byte, error) { return bytes.Repeat([]byte("A"), 1<<20), nil })
	os.Exit(3) // not reached when killed
}

// TestKilledMidWrite kills a process in the middle of writing a cache entry
// and shows that the partial entry is never served: the next lookup misses
// and the entry is made anew, whole.
func TestKilledMidWrite(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DVMLAB_CACHE_CRASH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "HALFWAY" {
		cmd.Process.Kill()
		t.Fatalf("child said %q", line)
	}
	cmd.Process.Kill()
	cmd.Wait()

	partial, _ := filepath.Glob(filepath.Join(dir, "*", ".put-*"))
	if len(partial) != 1 {
		t.Fatalf("expected one partial temporary file, found %v", partial)
	}
	if st, _ := os.Stat(partial[0]); st.Size() != 1<<19 {
		t.Fatalf("partial file has %d bytes, want half an entry", st.Size())
	}
	c, _ := OpenCache(dir)
	if b, ok := c.Get("crash-key"); ok {
		t.Fatalf("a partial entry of %d bytes was served", len(b))
	}
	data, hit, err := c.Do("crash-key", func() ([]byte, error) { return bytes.Repeat([]byte("B"), 1<<20), nil })
	if err != nil || hit || len(data) != 1<<20 || data[0] != 'B' {
		t.Fatalf("after the crash: %d bytes, hit %v, %v", len(data), hit, err)
	}
	if b, ok := c.Get("crash-key"); !ok || !bytes.Equal(b, data) {
		t.Fatal("the rewritten entry is not whole")
	}
}

// TestCoalescing: many concurrent requests for one key make it once.
func TestCoalescing(t *testing.T) {
	c, _ := OpenCache(t.TempDir())
	var made atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Do("k", func() ([]byte, error) {
				made.Add(1)
				time.Sleep(50 * time.Millisecond)
				return []byte("v"), nil
			})
		}()
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Fatalf("made %d times", made.Load())
	}
}

package cli

import (
	"bytes"
	"database/sql"
	"os"
	"testing"
)

// TestReadOnlyCommandsLeaveTrail runs every command that only reads a trail
// over one in each journal mode the proxy may leave (WAL, as it writes, and
// a rollback journal, as a trail committed elsewhere may be): the file's
// bytes stay the same and no -wal or -shm file appears beside it.
func TestReadOnlyCommandsLeaveTrail(t *testing.T) {
	for _, mode := range []string{"WAL", "DELETE"} {
		db, key := monitorTrail(t)
		sdb, err := sql.Open("sqlite", "file:"+db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sdb.Exec("PRAGMA journal_mode=" + mode); err != nil {
			t.Fatal(err)
		}
		sdb.Close()
		for _, f := range []string{db + "-wal", db + "-shm"} {
			os.Remove(f)
		}
		before, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"audit", "--db", db}, {"audit", "served", "--db", db}, {"audit", "sessions", "--db", db},
			{"audit", "events", "--db", db}, {"audit", "events", "--db", db, "--count"},
			{"audit", "verify", "--db", db, "--key", key}, {"audit", "head", "--db", db},
			{"profile", "edges", "--db", db}, {"profile", "unused", "--db", db},
		} {
			if code, _, errOut := run(args...); code != 0 {
				t.Errorf("%s: %v: exit %d %s", mode, args, code, errOut)
			}
			after, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Errorf("%s: %v changed the trail's bytes", mode, args)
				before = after
			}
			for _, f := range []string{db + "-wal", db + "-shm"} {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("%s: %v left %s", mode, args, f)
					os.Remove(f)
				}
			}
		}
	}
}

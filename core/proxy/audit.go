package proxy

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // pure Go SQLite: no cgo, no system library
)

// Event is one row of the audit trail: a class or jar the proxy served.
type Event struct {
	Time     time.Time
	Session  string // the client's session, "" before a handshake
	Client   string // the client's address
	URL      string
	Kind     string // class or jar
	Services string
	Outcome  string // rewritten, cached, replaced (bad class), failed
	Detail   string
	BytesIn  int
	BytesOut int
	Elapsed  time.Duration
}

// Session is what a client says of itself in the handshake.
type Session struct {
	ID, User, JVM, OS, Arch, Client string
	Started                         time.Time
	Dropped                         int64 // method events the client said it dropped (see Audit.NoteDropped)
}

// Audit is the proxy's audit trail in an embedded SQLite database.
type Audit struct {
	db    *sql.DB
	mu    sync.Mutex // one writer at a time; SQLite serializes anyway
	chain *chain     // the method events' hash chain (auditdb.go), once opened
}

const schema = `
CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user TEXT, jvm TEXT, os TEXT, arch TEXT, client TEXT, started INTEGER);
CREATE TABLE IF NOT EXISTS served (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER, session TEXT, client TEXT, url TEXT,
  kind TEXT, services TEXT, outcome TEXT, detail TEXT, bytes_in INTEGER, bytes_out INTEGER, elapsed_us INTEGER);
CREATE INDEX IF NOT EXISTS served_session ON served(session);
`

// OpenAudit opens (creating) the audit database at path.
func OpenAudit(path string) (*Audit, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("audit database %s: %w", path, err)
	}
	return &Audit{db: db}, nil
}

// ReadAudit opens an existing audit trail read-only, for tools that look at
// a trail without the proxy: nothing is created or changed, and a file that
// is not an audit trail is refused.
//
// A trail in WAL mode read with mode=ro still gets -wal and -shm files that
// a read-only connection cannot checkpoint away, so a trail with no -wal
// beside it (no proxy writing it, nothing left unmerged) is opened
// immutable: SQLite then reads the file alone and creates nothing. With a
// -wal present the proxy may be live, and mode=ro reads its recent writes.
func ReadAudit(path string) (*Audit, error) {
	q := "?mode=ro&_pragma=busy_timeout(5000)"
	if _, err := os.Stat(path + "-wal"); errors.Is(err, fs.ErrNotExist) {
		q = "?mode=ro&immutable=1"
	}
	db, err := sql.Open("sqlite", "file:"+path+q)
	if err != nil {
		return nil, err
	}
	var n int
	err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('sessions', 'served')`).Scan(&n)
	if err != nil || n != 2 {
		db.Close()
		if err == nil {
			err = fmt.Errorf("no sessions and served tables")
		}
		return nil, fmt.Errorf("%s is not a dvmlab audit trail: %w", path, err)
	}
	return &Audit{db: db}, nil
}

// Close closes the database.
func (a *Audit) Close() error { return a.db.Close() }

// Record appends one event.
func (a *Audit) Record(e Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := a.db.Exec(`INSERT INTO served (time, session, client, url, kind, services, outcome, detail, bytes_in, bytes_out, elapsed_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Time.UnixMicro(), e.Session, e.Client, e.URL, e.Kind, e.Services,
		e.Outcome, e.Detail, e.BytesIn, e.BytesOut, e.Elapsed.Microseconds())
	return err
}

// StartSession records a handshake.
func (a *Audit) StartSession(s Session) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := a.db.Exec(`INSERT INTO sessions (id, user, jvm, os, arch, client, started) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.User, s.JVM, s.OS, s.Arch, s.Client, s.Started.UnixMicro())
	return err
}

// Query selects events, newest last. Empty filters match everything.
type Query struct {
	Session string
	Outcome string
	URL     string // substring
	Limit   int
}

// Events returns the events matching q.
func (a *Audit) Events(q Query) ([]Event, error) {
	where, args := whereOf(cond{"session = ?", q.Session}, cond{"outcome = ?", q.Outcome}, cond{"instr(url, ?) > 0", q.URL})
	stmt := "SELECT time, session, client, url, kind, services, outcome, detail, bytes_in, bytes_out, elapsed_us FROM served" + where + " ORDER BY id"
	if q.Limit > 0 {
		stmt = "SELECT * FROM (" + strings.Replace(stmt, "ORDER BY id", "ORDER BY id DESC", 1) + fmt.Sprintf(" LIMIT %d) ORDER BY time", q.Limit)
	}
	return scanRows(a, stmt, args, func(r *sql.Rows, e *Event) error {
		var t, us int64
		err := r.Scan(&t, &e.Session, &e.Client, &e.URL, &e.Kind, &e.Services, &e.Outcome, &e.Detail, &e.BytesIn, &e.BytesOut, &us)
		e.Time, e.Elapsed = time.UnixMicro(t), time.Duration(us)*time.Microsecond
		return err
	})
}

// Sessions lists the recorded sessions, oldest first.
func (a *Audit) Sessions() ([]Session, error) {
	q := "SELECT id, user, jvm, os, arch, client, started, 0 FROM sessions ORDER BY started"
	if a.hasTable("dropped") {
		q = `SELECT s.id, s.user, s.jvm, s.os, s.arch, s.client, s.started, coalesce(d.events, 0)
			FROM sessions s LEFT JOIN dropped d ON d.session = s.id ORDER BY s.started`
	}
	return scanRows(a, q, nil, func(r *sql.Rows, s *Session) error {
		var t int64
		err := r.Scan(&s.ID, &s.User, &s.JVM, &s.OS, &s.Arch, &s.Client, &t, &s.Dropped)
		s.Started = time.UnixMicro(t)
		return err
	})
}

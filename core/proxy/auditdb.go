package proxy

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The monitoring service's part of the audit database: method events,
// append-only and hash-chained, with the chain's head signed by the
// proxy's key at every checkpoint (one per stored batch), so that a stored
// event altered, events deleted (the newest included) or the chain
// recomputed after an edit are found by VerifyChain; and the profiler's
// tables, which are counts, not evidence. The paper (§3.3) keeps audit logs
// on a host the client cannot reach: a compromised client can stop new
// events, not change old ones.
const monitorSchema = `
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, session TEXT, thread INTEGER, seq INTEGER, kind TEXT,
  method TEXT, time INTEGER, hash BLOB);
CREATE INDEX IF NOT EXISTS events_session ON events(session);
CREATE TABLE IF NOT EXISTS checkpoints (id INTEGER PRIMARY KEY, count INTEGER, head BLOB, time INTEGER, key TEXT, sig BLOB);
CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TABLE IF NOT EXISTS loaded (session TEXT, class TEXT, method TEXT, PRIMARY KEY (session, class, method));
CREATE TABLE IF NOT EXISTS edges (session TEXT, caller TEXT, callee TEXT, count INTEGER, PRIMARY KEY (session, caller, callee));
CREATE TABLE IF NOT EXISTS dropped (session TEXT PRIMARY KEY, events INTEGER);
CREATE TABLE IF NOT EXISTS frames (id INTEGER PRIMARY KEY, method TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS contexts (id INTEGER PRIMARY KEY, session TEXT, parent INTEGER, frame INTEGER, count INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS contexts_path ON contexts(session, parent, frame);
CREATE TABLE IF NOT EXISTS firstuse (session TEXT, method TEXT, ord INTEGER, PRIMARY KEY (session, method));
CREATE TABLE IF NOT EXISTS blocks (session TEXT, method TEXT, ranges TEXT, hit TEXT, PRIMARY KEY (session, method));
`

// MethodEvent is one stored method event.
type MethodEvent struct {
	ID      int64
	Session string
	Thread  int64
	Seq     int64  // the event's number in its thread
	Kind    string // enter, exit, unwind
	Method  string // pkg/Class.name(DESC)
	Time    time.Time
}

// Edge is a caller->callee edge of the dynamic call graph with its count;
// Caller "" is a thread's root.
type Edge struct {
	Caller, Callee string
	Count          int64
}

// Stack is a calling context the profiler counted: methods from a thread's
// root to the method entered, and its entries there.
type Stack struct {
	Frames []string
	Count  int64
}

// chain is the in-memory state of the hash chain: how many events are
// stored and the hash of the last.
type chain struct {
	count int64
	head  [32]byte
}

// initMonitor creates the monitoring tables and reads the chain's head.
func (a *Audit) initMonitor() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.chain != nil {
		return nil
	}
	if _, err := a.db.Exec(monitorSchema); err != nil {
		return fmt.Errorf("audit database: monitoring tables: %w", err)
	}
	c := &chain{}
	var h []byte
	err := a.db.QueryRow("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").Scan(&c.count, &h)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		copy(c.head[:], h)
	}
	a.chain = c
	return nil
}

// eventHash is an event's link in the chain: the previous
// head, then every stored field, each length-prefixed so that no two events
// hash alike by moving bytes between fields.
func eventHash(prev [32]byte, e *MethodEvent) [32]byte {
	h := sha256.New()
	h.Write(prev[:])
	var b [8]byte
	for _, v := range []int64{e.ID, e.Thread, e.Seq, e.Time.UnixMicro()} {
		binary.BigEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	for _, s := range []string{e.Session, e.Kind, e.Method} {
		binary.BigEndian.PutUint64(b[:], uint64(len(s)))
		h.Write(b[:])
		h.Write([]byte(s))
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// checkpointMessage is what a checkpoint's signature covers.
func checkpointMessage(count int64, head [32]byte, t int64) []byte {
	return fmt.Appendf(nil, "dvmlab audit checkpoint\ncount %d\nhead %x\ntime %d\n", count, head, t)
}

// AppendEvents stores events in one transaction, chaining each to the one
// before, and ends with a checkpoint signed by signer (nil: unsigned).
// Their IDs and times are set here.
func (a *Audit) AppendEvents(evs []MethodEvent, signer *Signer) error {
	var c chain
	return a.inTx(func(tx *sql.Tx) error {
		c = *a.chain
		return appendEvents(tx, &c, evs, signer)
	}, func() { *a.chain = c })
}

// appendEvents is AppendEvents in its transaction, advancing c.
func appendEvents(tx *sql.Tx, c *chain, evs []MethodEvent, signer *Signer) error {
	// Many rows per statement: a statement costs far more than a row.
	const rowsPer = 128
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	now := time.Now()
	var err error
	args := make([]any, 0, 8*rowsPer)
	for i := 0; i < len(evs); i += rowsPer {
		chunk := evs[i:min(i+rowsPer, len(evs))]
		args = args[:0]
		for k := range chunk {
			e := &chunk[k]
			c.count++
			e.ID, e.Time = c.count, now.Truncate(time.Microsecond)
			c.head = eventHash(c.head, e)
			args = append(args, e.ID, e.Session, e.Thread, e.Seq, e.Kind, e.Method, e.Time.UnixMicro(), bytes.Clone(c.head[:]))
		}
		st := stmts[len(chunk)]
		if st == nil {
			q := "INSERT INTO events (id, session, thread, seq, kind, method, time, hash) VALUES " +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", len(chunk)), ", ")
			if st, err = tx.Prepare(q); err != nil {
				return err
			}
			stmts[len(chunk)] = st
		}
		if _, err := st.Exec(args...); err != nil {
			return err
		}
	}
	key, sig := "", []byte(nil)
	t := now.UnixMicro()
	if signer != nil {
		key = signer.PublicKey()
		sig = ed25519.Sign(signer.priv, checkpointMessage(c.count, c.head, t))
	}
	if _, err := tx.Exec("INSERT INTO checkpoints (count, head, time, key, sig) VALUES (?, ?, ?, ?, ?)", c.count, c.head[:], t, key, sig); err != nil {
		return err
	}
	return nil
}

// AddProfile adds a batch's profile: methods of loaded classes, edge
// counts, first uses (the first report of a method in a session keeps its
// order).
func (a *Audit) AddProfile(session string, loaded [][2]string, edges []Edge, first []string) error {
	return a.inTx(func(tx *sql.Tx) error {
		if err := execEach(tx, "INSERT OR IGNORE INTO loaded (session, class, method) VALUES (?, ?, ?)", len(loaded), func(i int) []any {
			return []any{session, loaded[i][0], loaded[i][1]}
		}); err != nil {
			return err
		}
		if err := execEach(tx, `INSERT INTO edges (session, caller, callee, count) VALUES (?, ?, ?, ?)
			ON CONFLICT (session, caller, callee) DO UPDATE SET count = count + excluded.count`, len(edges), func(i int) []any {
			return []any{session, edges[i].Caller, edges[i].Callee, edges[i].Count}
		}); err != nil {
			return err
		}
		return execEach(tx, `INSERT OR IGNORE INTO firstuse (session, method, ord)
			VALUES (?, ?, (SELECT count(*) FROM firstuse WHERE session = ?))`, len(first), func(i int) []any {
			return []any{session, first[i], session}
		})
	})
}

// execEach runs one statement, prepared once, with each of n argument
// lists: a batch of a large program has tens of thousands of rows, and
// preparing a statement costs more than running it.
func execEach(tx *sql.Tx, query string, n int, args func(i int) []any) error {
	if n == 0 {
		return nil
	}
	st, err := tx.Prepare(query)
	if err != nil {
		return err
	}
	defer st.Close()
	for i := 0; i < n; i++ {
		if _, err := st.Exec(args(i)...); err != nil {
			return err
		}
	}
	return nil
}

// inTx runs f in one transaction on the monitoring tables, committed if
// f returns nil; then, still holding the trail's lock, each of after.
func (a *Audit) inTx(f func(tx *sql.Tx) error, after ...func()) error {
	if err := a.initMonitor(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	tx, err := a.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, g := range after {
		g()
	}
	return nil
}

// EnsureSession records a session the proxy did not see shake hands (a
// client run offline with a session of its own), so events never name a
// session the trail lacks.
func (a *Audit) EnsureSession(id, client string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := a.db.Exec(`INSERT INTO sessions (id, user, jvm, os, arch, client, started)
		SELECT ?, '', '', '', '', ?, ? WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE id = ?)`, id, client, time.Now().UnixMicro(), id)
	return err
}

// AddStacks adds a batch's calling contexts to a session's counts. They
// are stored as the session's calling-context tree: a row per distinct
// path (its parent path, its last frame, its count), frames named by
// number, so a context of depth d costs one row, not d names; a trail
// that kept every context as its frames' text grew with the square of
// the recursion's depth (hundreds of megabytes for one ray tracer's run).
// The batch's paths are merged into a tree first, so a prefix they share
// is looked up once.
func (a *Audit) AddStacks(session string, stacks []Stack) error {
	type key struct {
		parent int // index in nodes, -1 for a root
		frame  string
	}
	type node struct {
		key
		count int64
	}
	var nodes []node
	at := map[key]int{}
	for _, s := range stacks {
		parent := -1
		for _, f := range s.Frames {
			k := key{parent, f}
			i, ok := at[k]
			if !ok {
				i = len(nodes)
				nodes = append(nodes, node{key: k})
				at[k] = i
			}
			parent = i
		}
		if parent >= 0 {
			nodes[parent].count += s.Count
		}
	}
	return a.inTx(func(tx *sql.Tx) error {
		frameID, err := frameIDs(tx, nodes, func(n node) string { return n.frame })
		if err != nil {
			return err
		}
		find, err := tx.Prepare("SELECT id FROM contexts WHERE session = ? AND parent = ? AND frame = ?")
		if err != nil {
			return err
		}
		defer find.Close()
		add, err := tx.Prepare("INSERT INTO contexts (session, parent, frame, count) VALUES (?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer add.Close()
		count, err := tx.Prepare("UPDATE contexts SET count = count + ? WHERE id = ?")
		if err != nil {
			return err
		}
		defer count.Close()
		// Parents come before their children in nodes, so each parent's
		// row is known when its children are looked up.
		ids := make([]int64, len(nodes))
		for i, n := range nodes {
			parent := int64(0)
			if n.parent >= 0 {
				parent = ids[n.parent]
			}
			f := frameID[n.frame]
			err := find.QueryRow(session, parent, f).Scan(&ids[i])
			switch {
			case errors.Is(err, sql.ErrNoRows):
				r, err := add.Exec(session, parent, f, n.count)
				if err != nil {
					return err
				}
				if ids[i], err = r.LastInsertId(); err != nil {
					return err
				}
			case err != nil:
				return err
			case n.count != 0:
				if _, err := count.Exec(n.count, ids[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// frameIDs numbers the methods the nodes name, adding those the trail
// has not named before.
func frameIDs[T any](tx *sql.Tx, nodes []T, name func(T) string) (map[string]int64, error) {
	ids := map[string]int64{}
	for _, n := range nodes {
		ids[name(n)] = 0
	}
	add, err := tx.Prepare("INSERT INTO frames (method) VALUES (?) ON CONFLICT (method) DO NOTHING")
	if err != nil {
		return nil, err
	}
	defer add.Close()
	find, err := tx.Prepare("SELECT id FROM frames WHERE method = ?")
	if err != nil {
		return nil, err
	}
	defer find.Close()
	for m := range ids {
		if _, err := add.Exec(m); err != nil {
			return nil, err
		}
		var id int64
		if err := find.QueryRow(m).Scan(&id); err != nil {
			return nil, err
		}
		ids[m] = id
	}
	return ids, nil
}

// BlockReport is what a batch says of one method's basic blocks: their
// ranges ("FIRST-LAST" offsets of the class as it came, in block order),
// or the blocks (by number) first run since the client's last batch.
type BlockReport struct {
	Method string
	Ranges []string
	Hit    []int
}

// Block is a basic block of a method: its number in the method and its
// range, "FIRST-LAST", the offsets of its first and last instruction.
type Block struct {
	Method string
	Block  int
	Range  string
}

// AddBlocks adds a batch's block reports to a session's: ranges name the
// blocks, hits mark them run, in either order.
func (a *Audit) AddBlocks(session string, reports []BlockReport) error {
	// One row per method: its blocks' ranges, and a '0' or '1' per block
	// for not run or run. A client's first report of a method names its
	// blocks and those run so far, so most hits arrive with their ranges
	// and the row is written once.
	masks := map[string][]byte{}
	var order []string
	for _, r := range reports {
		if r.Ranges != nil {
			if _, ok := masks[r.Method]; !ok {
				order = append(order, r.Method)
			}
			masks[r.Method] = bytes.Repeat([]byte{'0'}, len(r.Ranges))
		}
	}
	ranges := map[string]string{}
	for _, r := range reports {
		if r.Ranges != nil {
			ranges[r.Method] = strings.Join(r.Ranges, " ")
		}
	}
	var later [][]any // hits of blocks named in an earlier batch
	for _, r := range reports {
		for _, i := range r.Hit {
			if m := masks[r.Method]; i < len(m) {
				m[i] = '1'
			} else {
				later = append(later, []any{i, session, r.Method})
			}
		}
	}
	return a.inTx(func(tx *sql.Tx) error {
		named, err := tx.Prepare("INSERT OR IGNORE INTO blocks (session, method, ranges, hit) VALUES (?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer named.Close()
		for _, m := range order {
			res, err := named.Exec(session, m, ranges[m], string(masks[m]))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				// Named before (a client that started again under the
				// same session): its hits go onto the stored row.
				for i, c := range masks[m] {
					if c == '1' {
						later = append(later, []any{i, session, m})
					}
				}
			}
		}
		return execEach(tx, `UPDATE blocks SET hit = substr(hit, 1, ?1) || '1' || substr(hit, ?1 + 2)
			WHERE session = ?2 AND method = ?3 AND length(hit) > ?1`, len(later), func(i int) []any { return later[i] })
	})
}

// UnusedBlocks lists the basic blocks never run of the methods a session
// ran (for "": the blocks no session ran, of the methods any ran), by
// method and block; total is how many blocks those methods have.
func (a *Audit) UnusedBlocks(session string) (unused []Block, total int, err error) {
	if !a.hasTable("blocks") {
		return nil, 0, nil
	}
	where, args := whereOf(cond{"session = ?", session})
	type row struct{ method, ranges, hit string }
	rows, err := scanRows(a, "SELECT method, ranges, hit FROM blocks"+where+" ORDER BY method", args, func(r *sql.Rows, v *row) error {
		return r.Scan(&v.method, &v.ranges, &v.hit)
	})
	if err != nil {
		return nil, 0, err
	}
	for k := 0; k < len(rows); {
		// A method's rows, one per session: a block counts as run if
		// any session ran it.
		m := rows[k]
		ran := []byte(m.hit)
		for k++; k < len(rows) && rows[k].method == m.method; k++ {
			for i := 0; i < len(ran) && i < len(rows[k].hit); i++ {
				ran[i] = max(ran[i], rows[k].hit[i])
			}
		}
		rs := strings.Fields(m.ranges)
		total += len(rs)
		for i, rg := range rs {
			if i >= len(ran) || ran[i] != '1' {
				unused = append(unused, Block{Method: m.method, Block: i, Range: rg})
			}
		}
	}
	return unused, total, nil
}

// Stacks returns the calling contexts of one session, or summed over all
// sessions for "", in the order of their frames; ok is false for a trail
// recorded before calling contexts were. A trail that stored contexts as
// their frames' text (table stacks) is read too.
func (a *Audit) Stacks(session string) (out []Stack, ok bool, err error) {
	old, tree := a.hasTable("stacks"), a.hasTable("contexts")
	if !old && !tree {
		return nil, false, nil
	}
	sum := map[string]int64{}
	if old {
		stmt, args := bySession(session, "SELECT stack, count FROM stacks", "SELECT stack, count FROM stacks WHERE session = ?")
		type row struct {
			stack string
			count int64
		}
		rows, err := scanRows(a, stmt, args, func(r *sql.Rows, s *row) error { return r.Scan(&s.stack, &s.count) })
		if err != nil {
			return nil, true, err
		}
		for _, r := range rows {
			sum[r.stack] += r.count
		}
	}
	if tree {
		type row struct {
			id, parent int64
			method     string
			count      int64
		}
		stmt, args := bySession(session,
			"SELECT c.id, c.parent, f.method, c.count FROM contexts c JOIN frames f ON f.id = c.frame",
			"SELECT c.id, c.parent, f.method, c.count FROM contexts c JOIN frames f ON f.id = c.frame WHERE c.session = ?")
		rows, err := scanRows(a, stmt, args, func(r *sql.Rows, s *row) error { return r.Scan(&s.id, &s.parent, &s.method, &s.count) })
		if err != nil {
			return nil, true, err
		}
		byID := make(map[int64]*row, len(rows))
		for i := range rows {
			byID[rows[i].id] = &rows[i]
		}
		var frames []string
		for _, r := range rows {
			if r.count == 0 {
				continue // a path stored only as the prefix of another
			}
			frames = frames[:0]
			for n := &r; n != nil; n = byID[n.parent] {
				frames = append(frames, n.method)
			}
			slices.Reverse(frames)
			sum[strings.Join(frames, "\n")] += r.count
		}
	}
	keys := slices.Sorted(maps.Keys(sum))
	out = make([]Stack, len(keys))
	for i, k := range keys {
		out[i] = Stack{Frames: strings.Split(k, "\n"), Count: sum[k]}
	}
	return out, true, nil
}

// NoteDropped records the count of events a session's client says it has
// dropped so far; counts only grow, so the largest seen stands.
func (a *Audit) NoteDropped(session string, n int64) error {
	if err := a.initMonitor(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := a.db.Exec(`INSERT INTO dropped (session, events) VALUES (?, ?)
		ON CONFLICT (session) DO UPDATE SET events = max(events, excluded.events)`, session, n)
	return err
}

// hasTable reports whether the database has the named table (a trail
// written before the monitoring service has none of its tables).
func (a *Audit) hasTable(name string) bool {
	var n int
	a.db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(&n)
	return n == 1
}

// EventQuery selects method events; empty fields match everything.
type EventQuery struct {
	Session string
	Method  string // a substring of pkg/Class.name(DESC)
	Limit   int    // the newest Limit, 0 for all
}

// MethodEvents returns the events q selects, oldest first.
func (a *Audit) MethodEvents(q EventQuery) ([]MethodEvent, error) {
	if !a.hasTable("events") {
		return nil, nil
	}
	where, args := eventWhere(q)
	stmt := "SELECT id, session, thread, seq, kind, method, time FROM events" + where + " ORDER BY id"
	if q.Limit > 0 {
		stmt = "SELECT * FROM (SELECT id, session, thread, seq, kind, method, time FROM events" + where +
			fmt.Sprintf(" ORDER BY id DESC LIMIT %d) ORDER BY id", q.Limit)
	}
	return scanRows(a, stmt, args, func(r *sql.Rows, e *MethodEvent) error {
		var t int64
		err := r.Scan(&e.ID, &e.Session, &e.Thread, &e.Seq, &e.Kind, &e.Method, &t)
		e.Time = time.UnixMicro(t)
		return err
	})
}

func eventWhere(q EventQuery) (string, []any) {
	return whereOf(cond{"session = ?", q.Session}, cond{"instr(method, ?) > 0", q.Method})
}

// cond is a condition of a WHERE clause and its one argument.
type cond struct{ sql, arg string }

// whereOf is " WHERE c1 AND c2…" of the conditions whose argument is not
// empty (they select everything then), and their arguments; "" for none.
func whereOf(conds ...cond) (string, []any) {
	var where []string
	var args []any
	for _, c := range conds {
		if c.arg != "" {
			where = append(where, c.sql)
			args = append(args, c.arg)
		}
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// MethodCount is how often a method was entered and left.
type MethodCount struct {
	Method              string
	Enter, Exit, Unwind int64
}

// EventCounts counts the events q selects per method, by method name.
func (a *Audit) EventCounts(q EventQuery) ([]MethodCount, error) {
	if !a.hasTable("events") {
		return nil, nil
	}
	where, args := eventWhere(q)
	return scanRows(a, `SELECT method, sum(kind = 'enter'), sum(kind = 'exit'), sum(kind = 'unwind') FROM events`+where+
		` GROUP BY method ORDER BY method`, args, func(r *sql.Rows, c *MethodCount) error {
		return r.Scan(&c.Method, &c.Enter, &c.Exit, &c.Unwind)
	})
}

// Edges returns the call graph's edges of one session, or summed over all
// sessions for "", by caller then callee.
func (a *Audit) Edges(session string) ([]Edge, error) {
	if !a.hasTable("edges") {
		return nil, nil
	}
	stmt, args := bySession(session, "SELECT caller, callee, sum(count) FROM edges GROUP BY caller, callee ORDER BY caller, callee",
		"SELECT caller, callee, count FROM edges WHERE session = ? ORDER BY caller, callee")
	return scanRows(a, stmt, args, func(r *sql.Rows, e *Edge) error {
		return r.Scan(&e.Caller, &e.Callee, &e.Count)
	})
}

// FirstUse lists a session's methods in the order the client first used
// them (for "" the sessions' orders merged by first position).
func (a *Audit) FirstUse(session string) ([]string, error) {
	if !a.hasTable("firstuse") {
		return nil, nil
	}
	stmt, args := bySession(session, "SELECT method FROM firstuse GROUP BY method ORDER BY min(ord), method",
		"SELECT method FROM firstuse WHERE session = ? ORDER BY ord")
	return a.strings(stmt, args...)
}

// Unused lists the methods of the classes a session ran code of that it
// never ran (for "": the methods no session ran, of the classes any ran),
// sorted; total is how many methods those classes have.
func (a *Audit) Unused(session string) (unused []string, total int, err error) {
	if !a.hasTable("loaded") {
		return nil, 0, nil
	}
	ran := "SELECT method FROM firstuse UNION SELECT callee FROM edges UNION SELECT method FROM events WHERE kind = 'enter'"
	loaded := "SELECT DISTINCT class || '.' || method AS m FROM loaded"
	var args []any
	if session != "" {
		ran = "SELECT method FROM firstuse WHERE session = ?1 UNION SELECT callee FROM edges WHERE session = ?1 UNION SELECT method FROM events WHERE session = ?1 AND kind = 'enter'"
		loaded += " WHERE session = ?1"
		args = []any{session}
	}
	if !a.hasTable("events") {
		ran = strings.ReplaceAll(ran, " UNION SELECT method FROM events WHERE kind = 'enter'", "")
	}
	if err := a.db.QueryRow("SELECT count(*) FROM ("+loaded+")", args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	unused, err = a.strings("SELECT m FROM ("+loaded+") WHERE m NOT IN ("+ran+") ORDER BY m", args...)
	return unused, total, err
}

// bySession is the query all for every session when session is "", else
// one, whose one parameter is the session.
func bySession(session, all, one string) (string, []any) {
	if session == "" {
		return all, nil
	}
	return one, []any{session}
}

func (a *Audit) strings(stmt string, args ...any) ([]string, error) {
	return scanRows(a, stmt, args, func(r *sql.Rows, s *string) error { return r.Scan(s) })
}

// scanRows runs a query and reads each row it returns into a T with scan.
func scanRows[T any](a *Audit, stmt string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := a.db.Query(stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ChainReport is what VerifyChain found: how much it checked and every
// fault, each naming the event or checkpoint and what is wrong with it.
type ChainReport struct {
	Events, Checkpoints int64
	Faults              []string
}

// VerifyChain recomputes the hash chain over every stored event and checks
// each checkpoint against it: a stored hash that is not its event's (an
// event altered in place), a checkpoint whose head is not the chain's at
// its count although every stored hash agrees (events edited and the chain
// recomputed after them), a checkpoint counting more events than are
// stored (the newest deleted), a gap in the numbering (events deleted from
// the middle), and a checkpoint whose signature does not verify. pub is the
// proxy's key; nil trusts the key each checkpoint names, which proves only
// that someone with a key signed it.
func (a *Audit) VerifyChain(pub ed25519.PublicKey) (*ChainReport, error) {
	r := &ChainReport{}
	if !a.hasTable("events") {
		return r, nil
	}
	heads := map[int64][32]byte{}
	cps, err := a.checkpoints()
	if err != nil {
		return nil, err
	}
	want := map[int64]bool{}
	for _, c := range cps {
		want[c.count] = true
	}
	rows, err := a.db.Query("SELECT id, session, thread, seq, kind, method, time, hash FROM events ORDER BY id")
	if err != nil {
		return nil, err
	}
	var prev, stored [32]byte
	for rows.Next() {
		var e MethodEvent
		var t int64
		var h []byte
		if err := rows.Scan(&e.ID, &e.Session, &e.Thread, &e.Seq, &e.Kind, &e.Method, &t, &h); err != nil {
			rows.Close()
			return nil, err
		}
		e.Time = time.UnixMicro(t)
		r.Events++
		if e.ID != r.Events {
			r.Faults = append(r.Faults, fmt.Sprintf("events %d to %d deleted (numbering jumps from %d to %d)", r.Events, e.ID-1, r.Events-1, e.ID))
			r.Events = e.ID
		}
		// The chain as it should be, from the last stored hash on, so one
		// altered event is one fault, not every event after it.
		got := eventHash(stored, &e)
		copy(stored[:], h)
		if got != stored {
			r.Faults = append(r.Faults, fmt.Sprintf("event %d altered: its stored hash is not that of its contents (session %s, thread %d, seq %d, %s %s)",
				e.ID, e.Session, e.Thread, e.Seq, e.Kind, e.Method))
		}
		prev = stored
		if want[e.ID] {
			heads[e.ID] = prev
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, c := range cps {
		r.Checkpoints++
		if c.count > r.Events {
			r.Faults = append(r.Faults, fmt.Sprintf("checkpoint %d counts %d events, the trail holds %d: events %d to %d deleted",
				c.id, c.count, r.Events, r.Events+1, c.count))
			continue
		}
		switch h, ok := heads[c.count]; {
		case !ok && c.count > 0:
			r.Faults = append(r.Faults, fmt.Sprintf("checkpoint %d: event %d, its head, is missing", c.id, c.count))
		case ok && h != c.head:
			r.Faults = append(r.Faults, fmt.Sprintf("checkpoint %d: the chain's head at event %d is not the one signed: events up to %d changed and the chain recomputed after them",
				c.id, c.count, c.count))
		}
		key := pub
		if key == nil && c.key != "" {
			der, err := base64.StdEncoding.DecodeString(c.key)
			if err == nil {
				if k, err := x509.ParsePKIXPublicKey(der); err == nil {
					key, _ = k.(ed25519.PublicKey)
				}
			}
		}
		switch {
		case len(c.sig) == 0:
			r.Faults = append(r.Faults, fmt.Sprintf("checkpoint %d (event %d) is not signed", c.id, c.count))
		case key == nil:
			r.Faults = append(r.Faults, fmt.Sprintf("checkpoint %d (event %d): no key to check its signature", c.id, c.count))
		case !ed25519.Verify(key, checkpointMessage(c.count, c.head, c.time), c.sig):
			r.Faults = append(r.Faults, fmt.Sprintf("checkpoint %d (event %d, head %s…): the signature does not verify", c.id, c.count, hex.EncodeToString(c.head[:6])))
		}
	}
	return r, nil
}

// Head is the newest checkpoint: how many events the chain held and its
// head. Kept somewhere the trail's host cannot write (printed, mailed),
// it finds what deleting the newest events together with their checkpoints
// would hide: see VerifyHead.
func (a *Audit) Head() (count int64, head [32]byte, err error) {
	if !a.hasTable("checkpoints") {
		return 0, head, nil
	}
	cps, err := a.checkpoints()
	if err != nil || len(cps) == 0 {
		return 0, head, err
	}
	c := cps[len(cps)-1]
	return c.count, c.head, nil
}

// VerifyHead checks that the chain still holds count events whose head is
// head, a Head recorded earlier; "" when it does, else what is wrong.
func (a *Audit) VerifyHead(count int64, head [32]byte) (string, error) {
	if !a.hasTable("events") {
		return fmt.Sprintf("the trail holds no events; %d were recorded", count), nil
	}
	var h []byte
	err := a.db.QueryRow("SELECT hash FROM events WHERE id = ?", count).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		var n int64
		a.db.QueryRow("SELECT count(*) FROM events").Scan(&n)
		return fmt.Sprintf("event %d, the recorded head, is gone: the trail holds %d events, events %d to %d deleted", count, n, n+1, count), nil
	}
	if err != nil {
		return "", err
	}
	if !bytes.Equal(h, head[:]) {
		return fmt.Sprintf("the chain's head at event %d is not the one recorded: events up to %d changed", count, count), nil
	}
	return "", nil
}

type checkpoint struct {
	id, count, time int64
	head            [32]byte
	key             string
	sig             []byte
}

func (a *Audit) checkpoints() ([]checkpoint, error) {
	return scanRows(a, "SELECT id, count, head, time, key, sig FROM checkpoints ORDER BY id", nil, func(r *sql.Rows, c *checkpoint) error {
		var h []byte
		err := r.Scan(&c.id, &c.count, &h, &c.time, &c.key, &c.sig)
		copy(c.head[:], h)
		return err
	})
}

package cli

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"dvmlab/core/proxy"
	_ "dvmlab/core/service/monitor" // --services monitor
	_ "dvmlab/core/service/profile" // --services profile
)

func init() {
	Register(&Command{
		Name: "audit",
		Usage: "audit [served] [--db FILE] [--session ID] [--outcome O] [--url SUBSTR] [--limit N] | audit sessions [--db FILE]" +
			" | audit events [--db FILE] [--session ID] [--method PATTERN] [--count] [--limit N] | audit verify [--db FILE] [--key FILE|off] [--head COUNT:HEX] | audit head [--db FILE]",
		Summary: "the proxy's audit trail: classes served, sessions, method events; verify checks the events' signed hash chain",
		Example: "dvmlab audit events --method 'JLex.Main.*' --count",
		Run:     runAuditCommand,
	})
	Register(&Command{
		Name:    "console",
		Usage:   "console [--proxy ADDR] [--every D] [--hot N] [--once]",
		Summary: "the monitoring console: a proxy's clients, their sessions, events per second, the hottest methods, live",
		Example: "dvmlab console --proxy 127.0.0.1:8080",
		Run:     runConsole,
	})
}

// runAuditCommand dispatches audit's subcommands; with none (or flags
// first) it is `audit served`, the trail of classes served.
func runAuditCommand(env *Env, args []string) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "", "served":
		return runAudit(env, args)
	case "sessions":
		return runAudit(env, append([]string{"--sessions"}, args...))
	case "events":
		return runAuditEvents(env, args)
	case "verify":
		return runAuditVerify(env, args)
	case "head":
		return runAuditHead(env, args)
	}
	return usageError(Lookup("audit"), "unknown audit subcommand %q (served, sessions, events, verify, head)", sub)
}

// openTrail opens an existing audit trail read-only.
func openTrail(db string) (*proxy.Audit, error) {
	if _, err := os.Stat(db); err != nil {
		return nil, fmt.Errorf("no audit trail at %s: %w", db, err)
	}
	return proxy.ReadAudit(db)
}

// globOrSubstring matches a method name: a pattern with '*' or '?' as a
// glob over the whole name ('*' crossing packages), else as a substring.
func globOrSubstring(pat string) (sql string, match func(string) bool) {
	if !strings.ContainsAny(pat, "*?") {
		return pat, nil
	}
	var re strings.Builder
	re.WriteString("^")
	for _, r := range pat {
		switch r {
		case '*':
			re.WriteString(".*")
		case '?':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	rx := regexp.MustCompile(re.String())
	return "", rx.MatchString
}

// methodMatcher is globOrSubstring that also takes classes written with
// their binary names (JLex.Main.*, as javap and the REPL write them): a
// pattern with dots and no slash is matched against the method with its
// class's slashes as dots too.
func methodMatcher(pat string) (sql string, match func(string) bool) {
	sql, match = globOrSubstring(pat)
	if strings.Contains(pat, "/") || !strings.Contains(pat, ".") {
		return sql, match
	}
	inner := match
	if inner == nil {
		inner = func(m string) bool { return strings.Contains(m, pat) }
	}
	return "", func(m string) bool {
		head := m
		if i := strings.Index(m, "("); i >= 0 {
			head = m[:i]
		}
		return inner(m) || inner(strings.ReplaceAll(head, "/", ".")+m[len(head):])
	}
}

func runAuditEvents(env *Env, args []string) error {
	cmd := Lookup("audit")
	fs := newFlags(env, cmd)
	db := fs.String("db", DefaultAudit(), "the audit database the proxy writes")
	session := fs.String("session", "", "only this session")
	method := fs.String("method", "", "only methods (pkg/Class.name(DESC), or pkg.Class.name) containing this, or matching it if it has * or ?")
	count := fs.Bool("count", false, "print entries, exits and exits by exception per method instead")
	limit := fs.Int("limit", 0, "only the last N events")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 0 {
		return usageError(cmd, "unexpected %q", pos[0])
	}
	a, err := openTrail(*db)
	if err != nil {
		return err
	}
	defer a.Close()
	sub, match := methodMatcher(*method)
	q := proxy.EventQuery{Session: *session, Method: sub}
	if *count {
		cs, err := a.EventCounts(q)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%10s %10s %10s  %s\n", "ENTER", "EXIT", "UNWIND", "METHOD")
		for _, c := range cs {
			if match == nil || match(c.Method) {
				fmt.Fprintf(env.Stdout, "%10d %10d %10d  %s\n", c.Enter, c.Exit, c.Unwind, c.Method)
			}
		}
		return nil
	}
	if match == nil {
		q.Limit = *limit
	}
	evs, err := a.MethodEvents(q)
	if err != nil {
		return err
	}
	if match != nil {
		var kept []proxy.MethodEvent
		for _, e := range evs {
			if match(e.Method) {
				kept = append(kept, e)
			}
		}
		if *limit > 0 && len(kept) > *limit {
			kept = kept[len(kept)-*limit:]
		}
		evs = kept
	}
	for _, e := range evs {
		fmt.Fprintf(env.Stdout, "%d  %s  %s  thread %d  #%d  %-6s %s\n", e.ID, e.Time.Format("15:04:05.000000"), e.Session, e.Thread, e.Seq, e.Kind, e.Method)
	}
	return nil
}

var defaultKey = filepath.Join(StateDir(), "proxy.key")

func runAuditVerify(env *Env, args []string) error {
	cmd := Lookup("audit")
	fs := newFlags(env, cmd)
	db := fs.String("db", DefaultAudit(), "the audit database the proxy writes")
	keyFile := fs.String("key", defaultKey, "the proxy's key (its Ed25519 seed) or its public key (base64 X.509); off trusts the keys the checkpoints name")
	headArg := fs.String("head", "", "COUNT:HEX, a head dvmlab audit head printed earlier: the chain must still hold it")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 0 {
		return usageError(cmd, "unexpected %q", pos[0])
	}
	var pub ed25519.PublicKey
	if *keyFile != "off" {
		if pub, err = readPublicKey(*keyFile); err != nil {
			return err
		}
	}
	a, err := openTrail(*db)
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := a.VerifyChain(pub)
	if err != nil {
		return err
	}
	how := "the proxy's key " + *keyFile
	if pub == nil {
		how = "the keys the checkpoints name (no key given: this shows only that someone with a key signed them)"
	}
	if *headArg != "" {
		n, hx, ok := strings.Cut(*headArg, ":")
		count, err1 := strconv.ParseInt(n, 10, 64)
		raw, err2 := hex.DecodeString(hx)
		if !ok || err1 != nil || err2 != nil || len(raw) != 32 {
			return usageError(cmd, "--head %q: want COUNT:HEX (64 hex digits), as audit head prints", *headArg)
		}
		var head [32]byte
		copy(head[:], raw)
		fault, err := a.VerifyHead(count, head)
		if err != nil {
			return err
		}
		if fault != "" {
			r.Faults = append(r.Faults, fault)
		}
	}
	for _, f := range r.Faults {
		fmt.Fprintln(env.Stdout, f)
	}
	if len(r.Faults) > 0 {
		return &ExitError{Code: 1, Msg: fmt.Sprintf("audit trail %s: %d faults in %d events and %d checkpoints", *db, len(r.Faults), r.Events, r.Checkpoints)}
	}
	fmt.Fprintf(env.Stdout, "%d events, %d checkpoints: the hash chain is intact and every checkpoint is signed by %s\n", r.Events, r.Checkpoints, how)
	return nil
}

func runAuditHead(env *Env, args []string) error {
	cmd := Lookup("audit")
	fs := newFlags(env, cmd)
	db := fs.String("db", DefaultAudit(), "the audit database the proxy writes")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 0 {
		return usageError(cmd, "unexpected %q", pos[0])
	}
	a, err := openTrail(*db)
	if err != nil {
		return err
	}
	defer a.Close()
	n, head, err := a.Head()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d:%x\n", n, head)
	return nil
}

// readPublicKey reads a key file: the 32-byte seed the proxy keeps, or a
// base64 X.509 public key (what the handshake sends), so a verifier need
// not hold the private key.
func readPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key: %w (--key off trusts the keys the checkpoints name)", err)
	}
	if len(data) == ed25519.SeedSize {
		return ed25519.NewKeyFromSeed(data).Public().(ed25519.PublicKey), nil
	}
	der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err == nil {
		if k, err := x509.ParsePKIXPublicKey(der); err == nil {
			if pub, ok := k.(ed25519.PublicKey); ok {
				return pub, nil
			}
		}
	}
	return nil, fmt.Errorf("%s: neither an Ed25519 seed (%d bytes) nor a base64 X.509 Ed25519 public key", path, ed25519.SeedSize)
}

func runConsole(env *Env, args []string) error {
	cmd := Lookup("console")
	fs := newFlags(env, cmd)
	addr := fs.String("proxy", "127.0.0.1:8080", "the proxy's host:port")
	every := fs.Duration("every", time.Second, "refresh interval")
	hot := fs.Int("hot", 10, "how many of the hottest methods")
	once := fs.Bool("once", false, "print the state once and exit")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 0 {
		return usageError(cmd, "unexpected %q", pos[0])
	}
	for {
		st, err := proxy.FetchConsole(nil, *addr, *hot)
		if err != nil {
			return proxyError(*addr, err)
		}
		if !*once {
			fmt.Fprint(env.Stdout, "\x1b[H\x1b[2J") // home, clear: a live view on a terminal
		}
		st.Render(env.Stdout)
		if *once {
			return nil
		}
		time.Sleep(*every)
	}
}

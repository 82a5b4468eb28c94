package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/netsim"
	"dvmlab/core/proxy"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
)

func init() {
	Register(&Command{
		Name:    "origin",
		Usage:   "origin DIR [--listen ADDR] [--link RATE] [--latency D]",
		Summary: "serve the classes and jars under DIR over HTTP, optionally through a shaped link",
		Example: "dvmlab origin /usr/share/java --listen 127.0.0.1:8081 --link 28.8kbps",
		Run:     runOrigin,
	})
	Register(&Command{
		Name:    "proxy",
		Usage:   "proxy [--listen ADDR] [--services a,b] [--frames keep|recompute] [--exclude CLASSES] [--cache DIR|off] [--audit FILE|off] [--key FILE|off] [--policy FILE]",
		Summary: "the DVM proxy: an HTTP forward proxy that rewrites class files and jars through the service pipeline",
		Example: "dvmlab proxy --listen 127.0.0.1:8080 --services coverage",
		Run:     runProxy,
	})
	Register(&Command{
		Name:    "run",
		Usage:   "run [--proxy ADDR] URL MAINCLASS [ARGS…]",
		Summary: "start a stock java on an application at URL (a .jar, or a directory ending in /) through the proxy",
		Example: "dvmlab run --proxy 127.0.0.1:8080 http://127.0.0.1:8081/JLex.jar JLex.Main spec.lex",
		Run:     runClient,
	})
}

// serve runs h on addr until interrupted.
func serve(env *Env, what, addr string, h http.Handler) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serveOn(env, what, l, h)
}

// serveOn is serve on a listener already open, for a server that listens
// before it makes its state, so that a bad --listen leaves nothing behind.
func serveOn(env *Env, what string, l net.Listener, h http.Handler) error {
	fmt.Fprintf(env.Stderr, "%s listening on http://%s\n", what, l.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func runOrigin(env *Env, args []string) error {
	cmd := Lookup("origin")
	fs := newFlags(env, cmd)
	listen := fs.String("listen", "127.0.0.1:8081", "address to listen on")
	link := fs.String("link", "off", "bandwidth of the simulated link, e.g. 28.8kbps, 10Mbps")
	latency := fs.Duration("latency", 0, "one-way latency of the simulated link")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 {
		return usageError(cmd, "need exactly one DIR")
	}
	if st, err := os.Stat(pos[0]); err != nil || !st.IsDir() {
		return fmt.Errorf("%s: not a directory", pos[0])
	}
	rate, err := netsim.ParseRate(*link)
	if err != nil {
		return err
	}
	o := &proxy.Origin{Dir: pos[0], Link: netsim.Link{BytesPerSec: rate, Latency: *latency}}
	fmt.Fprintf(env.Stderr, "origin: %s over a %s link\n", pos[0], o.Link)
	return serve(env, "origin", *listen, o)
}

func runProxy(env *Env, args []string) error {
	cmd := Lookup("proxy")
	fs := newFlags(env, cmd)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	services := fs.String("services", "none", "the static services, in order")
	frames := FramesFlag(fs)
	exclude := fs.String("exclude", "", "comma-separated classes served as they came (a.b.C, a/b/*, a.b.**)")
	cacheDir := fs.String("cache", filepath.Join(CacheDir(), "proxy"), "cache directory, or off")
	auditDB := fs.String("audit", DefaultAudit(), "audit trail database, or off")
	keyFile := fs.String("key", filepath.Join(StateDir(), "proxy.key"), "Ed25519 key (seed) to sign with, created if missing; off signs nothing")
	policyFile := fs.String("policy", "", "security policy (XML): the security server and service; the file is watched for changes")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 0 {
		return usageError(cmd, "unexpected %q", pos[0])
	}
	p, err := service.Parse(*services)
	if err != nil {
		return usageError(cmd, "--services: %v", err)
	}
	var sec *proxy.SecurityServer
	if *policyFile != "" {
		if sec, err = withPolicy(env, p, *policyFile); err != nil {
			return err
		}
	}
	p.RecomputeFrames = *frames
	if p.Exclude, err = service.ParseClassPatterns(*exclude); err != nil {
		return usageError(cmd, "--exclude: %v", err)
	}
	// Listen first: an address in use or malformed is refused before the
	// key, the audit trail and the cache are made.
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	served := false
	defer func() {
		if !served {
			l.Close()
		}
	}()
	for _, f := range []string{*auditDB, *keyFile} {
		if f != "off" {
			if err := ensureParent(f); err != nil {
				return err
			}
		}
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return err
	}
	defer jdk.Close()
	p.Classpath = []classpath.Finder{jdk}
	dir := *cacheDir
	if dir == "off" {
		dir = ""
	}
	cache, err := proxy.OpenCache(dir)
	if err != nil {
		return err
	}
	var signer *proxy.Signer
	if *keyFile != "off" {
		if signer, err = proxy.NewSigner(*keyFile); err != nil {
			return err
		}
	}
	px := proxy.New(p, cache, signer)
	px.Log = log.New(env.Stderr, "proxy: ", log.LstdFlags)
	if px.Security = sec; sec != nil {
		pol, _, _ := sec.Current()
		px.Config += "+guards:" + pol.GuardsFingerprint() // cached classes were rewritten for these guards
	}
	if *auditDB != "off" {
		a, err := proxy.OpenAudit(*auditDB)
		if err != nil {
			return err
		}
		defer a.Close()
		px.Audit = a
		fmt.Fprintf(env.Stderr, "proxy: audit trail in %s\n", *auditDB)
	}
	fmt.Fprintf(env.Stderr, "proxy: services %s, cache %s\n", px.Config, map[bool]string{true: dir, false: "off"}[dir != ""])
	served = true
	return serveOn(env, "proxy", l, px)
}

func runClient(env *Env, args []string) error {
	cmd := Lookup("run")
	fs := newFlags(env, cmd)
	proxyAddr := fs.String("proxy", "127.0.0.1:8080", "the proxy's host:port, or direct")
	// Flags stop at the URL: everything after it belongs to the program.
	if err := fs.Parse(args); err != nil {
		return &ExitError{Code: 2}
	}
	pos := fs.Args()
	if len(pos) < 2 {
		return usageError(cmd, "need URL and MAINCLASS")
	}
	for _, spec := range strings.Split(pos[0], ",") {
		if err := checkAppURL(spec); err != nil {
			return usageError(cmd, "%v", err)
		}
	}
	// Through a proxy the client holds only the launcher and takes the rest
	// of the runtime from the proxy; without one it needs all of it.
	var rt bytes.Buffer
	write := runtime.WriteLauncherJar
	if *proxyAddr == "direct" {
		write = runtime.WriteJar
	}
	if err := write(&rt); err != nil {
		return err
	}
	f, err := os.CreateTemp("", "dvmlab-runtime-*.jar")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(rt.Bytes()); err != nil {
		return err
	}
	f.Close()
	jargs := []string{}
	if *proxyAddr != "direct" {
		host, port, err := net.SplitHostPort(*proxyAddr)
		if err != nil {
			return fmt.Errorf("--proxy %q: %v", *proxyAddr, err)
		}
		// Java bypasses proxies for loopback hosts unless told otherwise.
		jargs = append(jargs, "-Dhttp.proxyHost="+host, "-Dhttp.proxyPort="+port, "-Dhttp.nonProxyHosts=")
	}
	// The runtime goes on the boot class path, where every class loader
	// the application makes finds it (a plug-in loader whose parent is the
	// platform loader cannot see the class path): through a proxy, an empty
	// directory the launcher fills with the runtime the proxy signs;
	// direct, the runtime jar itself.
	boot, err := os.MkdirTemp("", "dvmlab-boot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(boot)
	if *proxyAddr != "direct" {
		jargs = append(jargs, "-Xbootclasspath/a:"+boot, "-Ddvmlab.runtime.boot="+boot)
	} else {
		served := filepath.Join(boot, "dvmlab-runtime.jar")
		var b bytes.Buffer
		if err := runtime.WriteServedJar(&b); err != nil {
			return err
		}
		if err := os.WriteFile(served, b.Bytes(), 0o644); err != nil {
			return err
		}
		jargs = append(jargs, "-Xbootclasspath/a:"+served)
	}
	jargs = append(jargs, "-cp", f.Name(), "dvmlab.runtime.Launcher")
	jargs = append(jargs, pos...)
	if code := runJava(context.Background(), env, jargs); code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}

// checkAppURL accepts what the launcher loads an application from: an
// http URL of a jar or of a directory of classes (ending in /). A local
// path is refused with what to do instead, since the client loads over
// HTTP through the proxy.
func checkAppURL(spec string) error {
	u, err := url.Parse(spec)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("%s: not a URL; serve a local directory with dvmlab origin DIR and give http://HOST:PORT/NAME.jar", spec)
	}
	if u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("%s: the launcher loads over http:// only", spec)
	}
	if !strings.HasSuffix(u.Path, ".jar") && !strings.HasSuffix(u.Path, "/") {
		return fmt.Errorf("%s: a URL must end in .jar or / (a directory of classes)", spec)
	}
	return nil
}

// runJava runs the java of the JDK the class path finds ($JAVA_HOME, else
// the one on PATH) with env's streams and returns its exit status (127 when
// it cannot start).
func runJava(ctx context.Context, env *Env, args []string) int {
	java := "java"
	if h, err := classpath.JavaHome(); err == nil {
		java = filepath.Join(h, "bin", "java")
	}
	c := exec.CommandContext(ctx, java, args...)
	c.Stdin, c.Stdout, c.Stderr = env.Stdin, env.Stdout, env.Stderr
	if err := c.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fmt.Fprintf(env.Stderr, "dvmlab run: %s: cannot start: %v\n", java, err)
		return 127
	}
	return 0
}

func runAudit(env *Env, args []string) error {
	cmd := Lookup("audit")
	fs := newFlags(env, cmd)
	db := fs.String("db", DefaultAudit(), "the audit database the proxy writes")
	session := fs.String("session", "", "only this session")
	outcome := fs.String("outcome", "", "only this outcome: rewritten, cached, replaced, failed")
	url := fs.String("url", "", "only URLs containing this")
	limit := fs.Int("limit", 0, "only the last N events")
	sessions := fs.Bool("sessions", false, "list the sessions instead")
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
	if *sessions {
		ss, err := a.Sessions()
		if err != nil {
			return err
		}
		for _, s := range ss {
			fmt.Fprintf(env.Stdout, "%s  %s  %-8s JVM %s  %s/%s  from %s", s.Started.Format(time.RFC3339), s.ID, s.User, s.JVM, s.OS, s.Arch, s.Client)
			if s.Dropped > 0 {
				fmt.Fprintf(env.Stdout, "  %d events dropped", s.Dropped)
			}
			fmt.Fprintln(env.Stdout)
		}
		return nil
	}
	evs, err := a.Events(proxy.Query{Session: *session, Outcome: *outcome, URL: *url, Limit: *limit})
	if err != nil {
		return err
	}
	for _, e := range evs {
		line := fmt.Sprintf("%s  %-16s %-9s %-5s %7d -> %7d  %8v  %s", e.Time.Format("15:04:05.000"), e.Session, e.Outcome, e.Kind,
			e.BytesIn, e.BytesOut, e.Elapsed.Round(time.Microsecond), e.URL)
		if e.Detail != "" {
			line += "  (" + e.Detail + ")"
		}
		fmt.Fprintln(env.Stdout, strings.TrimRight(line, " "))
	}
	return nil
}

package cli

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/policy"
	"dvmlab/core/proxy"
	"dvmlab/core/service"
	"dvmlab/core/service/security"
)

func init() {
	Register(&Command{
		Name:        "policy",
		Usage:       "policy check [--jdk] FILE | policy example | policy reload [--proxy ADDR] | policy sites FILE IN [CLASS…]",
		Summary:     "the security policy (XML): validate and explain one, print a commented example, make a proxy reload its own, or list where its checks go in a program",
		Example:     "dvmlab policy example > site.xml && dvmlab policy check site.xml && dvmlab proxy --policy site.xml",
		Run:         runPolicy,
		Subcommands: []string{"check", "reload"},
	})
}

func runPolicy(env *Env, args []string) error {
	cmd := Lookup("policy")
	if len(args) == 0 {
		return usageError(cmd, "need check, example or reload")
	}
	switch args[0] {
	case "example":
		if len(args) != 1 {
			return usageError(cmd, "example takes no arguments")
		}
		_, err := io.WriteString(env.Stdout, policy.Example)
		return err
	case "check":
		fs := newFlags(env, cmd)
		jdk := fs.Bool("jdk", true, "look the guards' methods up in the JDK (and report guards that name none)")
		pos, err := parseInterspersed(fs, args[1:])
		if err != nil {
			return &ExitError{Code: 2}
		}
		if len(pos) != 1 {
			return usageError(cmd, "check needs exactly one FILE")
		}
		return policyCheck(env, pos[0], *jdk)
	case "sites":
		if len(args) < 3 {
			return usageError(cmd, "sites needs FILE and IN (a class, jar or directory)")
		}
		return policySites(env, args[1], args[2], args[3:])
	case "reload":
		fs := newFlags(env, cmd)
		addr := fs.String("proxy", "127.0.0.1:8080", "the proxy's host:port")
		pos, err := parseInterspersed(fs, args[1:])
		if err != nil {
			return &ExitError{Code: 2}
		}
		if len(pos) != 0 {
			return usageError(cmd, "unexpected %q", pos[0])
		}
		return policyReload(env, *addr)
	}
	return usageError(cmd, "unknown subcommand %q", args[0])
}

func policyCheck(env *Env, file string, useJDK bool) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	p, err := policy.Parse(file, data)
	if err != nil {
		return &ExitError{Code: 1, Msg: err.Error()}
	}
	var resolved map[*policy.Guard][]string
	var problems []string
	if useJDK {
		jdk, err := classpath.OpenJDK("")
		if err != nil {
			return err
		}
		defer jdk.Close()
		resolved, problems = p.Resolve(methodsIn(jdk))
	}
	fmt.Fprintf(env.Stdout, "%s: well-formed: %d sids, %d rules, %d guards\n\n", file, len(p.Sids), len(p.Rules), len(p.Guards))
	p.Explain(env.Stdout, resolved)
	if len(problems) > 0 {
		return &ExitError{Code: 1, Msg: strings.Join(problems, "\n")}
	}
	return nil
}

// methodsIn answers Resolve's questions from f (the JDK).
func methodsIn(f classpath.Finder) policy.Methods {
	return func(owner string) ([]policy.Method, bool) {
		b, err := f.Find(owner)
		if err != nil {
			return nil, false
		}
		c, err := classfile.Parse(b)
		if err != nil {
			return nil, false
		}
		var ms []policy.Method
		for _, m := range c.Methods {
			ms = append(ms, policy.Method{Name: c.MemberName(m), Desc: c.MemberDesc(m)})
		}
		return ms, true
	}
}

// policyReload asks the proxy at addr, through its own pseudo-host, to
// read its policy file again.
func policyReload(env *Env, addr string) error {
	pu, err := url.Parse("http://" + addr)
	if err != nil {
		return err
	}
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}, Timeout: 30 * time.Second}
	resp, err := c.Get("http://" + proxy.HandshakeHost + "/security/reload")
	if err != nil {
		return proxyError(addr, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return &ExitError{Code: 1, Msg: strings.TrimSpace(string(b))}
	}
	fmt.Fprintf(env.Stdout, "proxy %s: policy %s", addr, b)
	return nil
}

// withPolicy is `dvmlab proxy --policy FILE`: the security server in the
// proxy, watching FILE, and the security service in the pipeline (added
// last when the services do not name it). The service inserts checks for
// the guards of the policy as it starts; later edits change the access
// matrix every client obeys, and new guards need a proxy restart.
func withPolicy(env *Env, p *service.Pipeline, file string) (*proxy.SecurityServer, error) {
	s, err := proxy.NewSecurityServer(file)
	if err != nil {
		return nil, err
	}
	lg := log.New(env.Stderr, "proxy: ", log.LstdFlags)
	s.Log = lg.Printf
	if jdk, err := classpath.OpenJDK(""); err == nil {
		pol, _, _ := s.Current()
		_, problems := pol.Resolve(methodsIn(jdk))
		for _, pr := range problems {
			lg.Printf("security: %s: %s", file, pr)
		}
		jdk.Close()
	}
	has := false
	for _, sv := range p.Services {
		has = has || sv.Name() == security.Name
	}
	if !has {
		pol, _, _ := s.Current()
		p.Services = append(p.Services, security.New(pol))
	}
	go s.Watch(context.Background(), 100*time.Millisecond)
	return s, nil
}

// policySites lists, per class of in, each call the policy's guards check
// (with the instruction, as in the javap listing) and each guarded entry.
func policySites(env *Env, file, in string, only []string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	p, err := policy.Parse(file, data)
	if err != nil {
		return &ExitError{Code: 1, Msg: err.Error()}
	}
	src, err := classpath.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return err
	}
	defer jdk.Close()
	ctx := &service.Context{Hierarchy: classpath.NewHierarchy(src, jdk)}
	svc := security.New(p)
	want := map[string]bool{}
	for _, n := range only {
		want[classpath.InternalName(n)] = true
	}
	total := 0
	err = src.Walk(func(name string, b []byte) error {
		if len(want) > 0 && !want[name] {
			return nil
		}
		c, err := classfile.Parse(b)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
			return nil
		}
		sites, err := svc.Sites(ctx, c)
		if err != nil {
			return err
		}
		for _, st := range sites {
			total++
			if st.Offset == -2 {
				fmt.Fprintf(env.Stdout, "%s  %s\n", c.Name(), st.What)
				continue
			}
			if st.Offset < 0 {
				fmt.Fprintf(env.Stdout, "%s.%s  entry  <- %s\n", c.Name(), st.Method, st.What)
				continue
			}
			insn := ""
			for _, m := range c.Methods {
				if c.MemberName(m)+c.MemberDesc(m) != st.Method || m.Code() == nil {
					continue
				}
				if in, err := bytecode.DecodeAt(m.Code().Code, st.Offset); err == nil {
					o, n, d := c.Pool.MemberRef(uint16(in.Index))
					insn = fmt.Sprintf("%s %s.%s:%s", in.Op, o, n, d)
				}
			}
			fmt.Fprintf(env.Stdout, "%s.%s  %5d: %s  <- %s\n", c.Name(), st.Method, st.Offset, insn, st.What)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d checks\n", total)
	return nil
}

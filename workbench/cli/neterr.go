package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
)

// proxyError says a proxy could not be reached in the error style's words
// (what: why), without the HTTP client's request line and dial chain:
// "proxy ADDR: cannot connect (connection refused)". Other errors pass as
// they are.
func proxyError(addr string, err error) error {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" && op.Op != "proxyconnect" {
		return err
	}
	why := op.Err.Error()
	var sys *os.SyscallError
	var dns *net.DNSError
	switch {
	case errors.As(err, &sys):
		why = sys.Err.Error()
	case errors.As(err, &dns):
		why = "no host " + dns.Name
	}
	return fmt.Errorf("proxy %s: cannot connect (%s); is dvmlab proxy running there?", addr, why)
}

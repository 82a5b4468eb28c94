package datasets

import (
	"slices"
	"strconv"
)

// Iterated returns p with its workload run n times in one JVM, each
// iteration's time reported on standard error as "dvmlab iteration K: MS
// ms" (steady-state measurements: the ShadowVM paper times the fifth). A
// program without a driver is run by the Iterate driver, which calls its
// main n times (standard input re-read from its file each time); a driver
// of its own iterates itself, told by -Ddvmlab.iterations.
func (p Program) Iterated(n int) Program {
	p = p.clone()
	if p.Driver != "" {
		p.JVMFlags = append(p.JVMFlags, "-Ddvmlab.iterations="+strconv.Itoa(n))
		return p
	}
	p.Args = slices.Concat([]string{strconv.Itoa(n), p.Main}, p.Args)
	p.Main = driverPackage + "Iterate"
	p.Driver = "Iterate"
	if p.Stdin != "" {
		// Relative to the work directory, where the run starts.
		p.JVMFlags = append(p.JVMFlags, "-Ddvmlab.stdin="+p.Stdin)
		p.Stdin = ""
	}
	return p
}

// Package profile is the DVM's profiling service (paper §3.3): it rewrites
// applications to call the client runtime's dvmlab.runtime.Profile at
// method entry and exit, which keeps a shadow stack per thread and counts
// caller->callee edges, the first use of each method, and the methods of
// every class that ran; and, before any service changes the class, a
// store into an array of flags at the start of every basic block (see
// Prepare), so that the blocks never run of the methods that ran are known
// too. The counts reach the proxy's monitoring server in batches; from
// them it builds the dynamic call graph across sessions and clients and
// the code never executed, by method and by block.
package profile

import (
	"dvmlab/core/classfile"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/core/service/monitor"
)

// Name is the service's name in pipelines.
const Name = "profile"

func init() {
	service.Register(Name, func(config string) (service.Service, error) {
		spec, err := monitor.ParseSpec(config)
		if err != nil {
			return nil, err
		}
		return &Service{Spec: spec}, nil
	})
}

// Service inserts the profiling probes. It takes the same specification as
// the monitor service.
type Service struct {
	Spec *monitor.Spec
}

// Name implements service.Service.
func (*Service) Name() string { return Name }

// Apply implements service.Service: the monitor's probes, calling Profile.
func (s *Service) Apply(ctx *service.Context, c *classfile.Class) (service.Report, error) {
	return monitor.Instrument(ctx, c, s.Spec, runtime.Profile)
}

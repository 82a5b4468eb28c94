// Package monitor is the DVM's remote monitoring service (paper §3.3): it
// rewrites applications to report method and constructor entry and exit,
// normal and by exception, to the client runtime's dvmlab.runtime.Monitor,
// which batches the events and sends them to the proxy's monitoring server
// over the session the launcher opened. Which methods report is an audit
// specification (see Spec); by default, every method of the application.
package monitor

import (
	"dvmlab/core/classfile"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
)

// Name is the service's name in pipelines.
const Name = "monitor"

func init() {
	service.Register(Name, func(config string) (service.Service, error) {
		spec, err := ParseSpec(config)
		if err != nil {
			return nil, err
		}
		return &Service{Spec: spec}, nil
	})
}

// Service inserts the monitoring probes.
type Service struct {
	Spec *Spec
}

// Name implements service.Service.
func (*Service) Name() string { return Name }

// Apply implements service.Service.
func (s *Service) Apply(ctx *service.Context, c *classfile.Class) (service.Report, error) {
	return Instrument(ctx, c, s.Spec, runtime.Monitor)
}

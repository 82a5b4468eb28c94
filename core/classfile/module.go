package classfile

// Module. See JVMS §4.7.25.
type Module struct {
	Header
	NameIndex uint16 // Module entry
	Flags     AccessFlags
	Version   uint16 // Utf8 entry or 0
	Requires  []ModuleRequires
	Exports   []ModuleExports
	Opens     []ModuleExports
	Uses      []uint16 // Class entries
	Provides  []ModuleProvides
}

func (*Module) Name() string { return AttrModule }

// ModuleRequires is one requires entry.
type ModuleRequires struct {
	Module  uint16 // Module entry
	Flags   AccessFlags
	Version uint16 // Utf8 entry or 0
}

// ModuleExports is one exports or opens entry.
type ModuleExports struct {
	Package uint16 // Package entry
	Flags   AccessFlags
	To      []uint16 // Module entries
}

// ModuleProvides is one provides entry.
type ModuleProvides struct {
	Service uint16   // Class entry
	With    []uint16 // Class entries
}

// module reads Module. See JVMS §4.7.25.
func (p *parser) module() *Module {
	r := &p.r
	m := &Module{}
	m.NameIndex = r.u2("module_name_index")
	m.Flags = AccessFlags(r.u2("module_flags"))
	m.Version = r.u2("module_version_index")
	n := r.count(6, "requires_count")
	m.Requires = make([]ModuleRequires, n)
	for i := range m.Requires {
		q := &m.Requires[i]
		q.Module = r.u2("requires_index")
		q.Flags = AccessFlags(r.u2("requires_flags"))
		q.Version = r.u2("requires_version_index")
	}
	m.Exports = p.moduleExports("exports_count")
	m.Opens = p.moduleExports("opens_count")
	m.Uses = p.u2s("uses_count")
	n = r.count(4, "provides_count")
	m.Provides = make([]ModuleProvides, n)
	for i := range m.Provides {
		m.Provides[i].Service = r.u2("provides_index")
		m.Provides[i].With = p.u2s("provides_with_count")
	}
	return m
}

func (p *parser) moduleExports(what string) []ModuleExports {
	r := &p.r
	n := r.count(6, what)
	out := make([]ModuleExports, n)
	for i := range out {
		out[i].Package = r.u2("package index")
		out[i].Flags = AccessFlags(r.u2("flags"))
		out[i].To = p.u2s("to_count")
	}
	return out
}

func (w *writer) module(m *Module) {
	w.u2(m.NameIndex)
	w.u2(uint16(m.Flags))
	w.u2(m.Version)
	w.count("requires", len(m.Requires))
	for _, r := range m.Requires {
		w.u2(r.Module)
		w.u2(uint16(r.Flags))
		w.u2(r.Version)
	}
	for _, list := range [][]ModuleExports{m.Exports, m.Opens} {
		w.count("exports/opens", len(list))
		for _, e := range list {
			w.u2(e.Package)
			w.u2(uint16(e.Flags))
			w.u2s("exports to", e.To)
		}
	}
	w.u2s("uses", m.Uses)
	w.count("provides", len(m.Provides))
	for _, p := range m.Provides {
		w.u2(p.Service)
		w.u2s("provides with", p.With)
	}
}

// ModulePackages. See JVMS §4.7.26.
type ModulePackages struct {
	Header
	Packages []uint16
}

func (*ModulePackages) Name() string { return AttrModulePackages }

// ModuleMainClass. See JVMS §4.7.27.
type ModuleMainClass struct {
	Header
	MainClass uint16
}

func (*ModuleMainClass) Name() string { return AttrModuleMainClass }

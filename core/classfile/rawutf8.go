package classfile

// RawUtf8 returns the bytes Utf8 entry i was read from when they differ from
// the canonical modified UTF-8 of its Str (an unpaired surrogate, a raw NUL
// in an old class: JVMS §4.4.7), and nil otherwise or once the entry has been
// replaced. Str holds U+FFFD where such bytes do not decode to a Go string;
// a tool that must print what Java holds (javap) decodes these bytes itself.
func (p *ConstantPool) RawUtf8(i int) []byte { return p.rawUtf8(i) }

package classfile

// attrRule is how the JVM treats one attribute at one location: from which
// class-file version on it reads it (below, the attribute is skipped like an
// unknown one, whatever its contents), whether a second one at the same
// place makes the class invalid, and whether malformed contents do.
//
// The JVMS (§4.7, Table 4.7-C) lists where each attribute is defined and
// from which version; which of them the JVM reads, and which it refuses when
// repeated or malformed, is HotSpot 17's classFileParser (parse_fields,
// parse_method, parse_classfile_attributes, parse_classfile_record_attribute),
// which this table follows.
type attrRule struct {
	since      uint16 // first major version in which the attribute is read
	unique     bool   // two at one location: ClassFormatError
	strict     bool   // malformed contents: ClassFormatError
	staticOnly bool   // read only on static fields (ConstantValue)
}

// ruleFor returns the rule for name at loc; false when the JVM does not read
// that attribute there, so it is kept raw.
func ruleFor(loc location, name string) (attrRule, bool) {
	switch loc {
	case locClass:
		switch name {
		case AttrSourceFile, AttrInnerClasses:
			return attrRule{unique: true, strict: true}, true
		case AttrSourceDebugExtension:
			return attrRule{unique: true}, true
		case AttrSynthetic, AttrDeprecated:
			return attrRule{strict: true}, true
		case AttrSignature, AttrEnclosingMethod:
			return attrRule{since: 49, unique: true, strict: true}, true
		case AttrRuntimeVisibleAnnotations, AttrRuntimeInvisibleAnnotations,
			AttrRuntimeVisibleTypeAnnotations, AttrRuntimeInvisibleTypeAnnotations:
			return attrRule{since: 49, unique: true}, true
		case AttrBootstrapMethods:
			return attrRule{since: 51, unique: true, strict: true}, true
		case AttrNestHost, AttrNestMembers:
			return attrRule{since: 55, unique: true, strict: true}, true
		case AttrRecord:
			return attrRule{since: 60, unique: true, strict: true}, true
		case AttrPermittedSubclasses:
			return attrRule{since: 61, unique: true, strict: true}, true
		case AttrModule, AttrModulePackages, AttrModuleMainClass:
			// Read by the module system, never by the class loader: a
			// module-info class does not load as a class.
			return attrRule{since: 53}, true
		}
	case locField:
		switch name {
		case AttrConstantValue:
			return attrRule{unique: true, strict: true, staticOnly: true}, true
		case AttrSynthetic, AttrDeprecated:
			return attrRule{strict: true}, true
		case AttrSignature:
			return attrRule{since: 49, unique: true, strict: true}, true
		case AttrRuntimeVisibleAnnotations, AttrRuntimeInvisibleAnnotations,
			AttrRuntimeVisibleTypeAnnotations, AttrRuntimeInvisibleTypeAnnotations:
			return attrRule{since: 49, unique: true}, true
		}
	case locMethod:
		switch name {
		case AttrCode, AttrExceptions, AttrMethodParameters:
			return attrRule{unique: true, strict: true}, true
		case AttrSynthetic, AttrDeprecated:
			return attrRule{strict: true}, true
		case AttrSignature:
			return attrRule{since: 49, unique: true, strict: true}, true
		case AttrRuntimeVisibleAnnotations, AttrRuntimeInvisibleAnnotations,
			AttrRuntimeVisibleParameterAnnotations, AttrRuntimeInvisibleParameterAnnotations,
			AttrAnnotationDefault, AttrRuntimeVisibleTypeAnnotations, AttrRuntimeInvisibleTypeAnnotations:
			return attrRule{since: 49, unique: true}, true
		}
	case locCode:
		switch name {
		case AttrLineNumberTable, AttrLocalVariableTable:
			return attrRule{strict: true}, true
		case AttrLocalVariableTypeTable:
			return attrRule{since: 49, strict: true}, true
		case AttrStackMapTable:
			// Its contents are the verifier's business (a VerifyError, or
			// at version 50 the fall back to type inference), not a format
			// error.
			return attrRule{since: 50, unique: true}, true
		case AttrRuntimeVisibleTypeAnnotations, AttrRuntimeInvisibleTypeAnnotations:
			// Defined here by the JVMS, skipped by HotSpot.
			return attrRule{}, true
		}
	case locRecordComponent:
		switch name {
		case AttrSignature:
			return attrRule{unique: true, strict: true}, true
		case AttrRuntimeVisibleAnnotations, AttrRuntimeInvisibleAnnotations,
			AttrRuntimeVisibleTypeAnnotations, AttrRuntimeInvisibleTypeAnnotations:
			return attrRule{unique: true}, true
		}
	}
	return attrRule{}, false
}

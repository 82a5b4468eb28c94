package classfile

// attrKind numbers the attributes the JVMS defines (JVMS §4.7, Table
// 4.7-A), so that the reader dispatches on a small number rather than
// comparing names twice per attribute (its rule, then its parser).
type attrKind uint8

const (
	kindUnknown attrKind = iota
	kindConstantValue
	kindCode
	kindStackMapTable
	kindExceptions
	kindInnerClasses
	kindEnclosingMethod
	kindSynthetic
	kindSignature
	kindSourceFile
	kindSourceDebugExtension
	kindLineNumberTable
	kindLocalVariableTable
	kindLocalVariableTypeTable
	kindDeprecated
	kindRuntimeVisibleAnnotations
	kindRuntimeInvisibleAnnotations
	kindRuntimeVisibleParameterAnnotations
	kindRuntimeInvisibleParameterAnnotations
	kindRuntimeVisibleTypeAnnotations
	kindRuntimeInvisibleTypeAnnotations
	kindAnnotationDefault
	kindBootstrapMethods
	kindMethodParameters
	kindModule
	kindModulePackages
	kindModuleMainClass
	kindNestHost
	kindNestMembers
	kindRecord
	kindPermittedSubclasses
	numAttrKinds
)

var attrKindNames = [numAttrKinds]string{
	kindConstantValue:                        AttrConstantValue,
	kindCode:                                 AttrCode,
	kindStackMapTable:                        AttrStackMapTable,
	kindExceptions:                           AttrExceptions,
	kindInnerClasses:                         AttrInnerClasses,
	kindEnclosingMethod:                      AttrEnclosingMethod,
	kindSynthetic:                            AttrSynthetic,
	kindSignature:                            AttrSignature,
	kindSourceFile:                           AttrSourceFile,
	kindSourceDebugExtension:                 AttrSourceDebugExtension,
	kindLineNumberTable:                      AttrLineNumberTable,
	kindLocalVariableTable:                   AttrLocalVariableTable,
	kindLocalVariableTypeTable:               AttrLocalVariableTypeTable,
	kindDeprecated:                           AttrDeprecated,
	kindRuntimeVisibleAnnotations:            AttrRuntimeVisibleAnnotations,
	kindRuntimeInvisibleAnnotations:          AttrRuntimeInvisibleAnnotations,
	kindRuntimeVisibleParameterAnnotations:   AttrRuntimeVisibleParameterAnnotations,
	kindRuntimeInvisibleParameterAnnotations: AttrRuntimeInvisibleParameterAnnotations,
	kindRuntimeVisibleTypeAnnotations:        AttrRuntimeVisibleTypeAnnotations,
	kindRuntimeInvisibleTypeAnnotations:      AttrRuntimeInvisibleTypeAnnotations,
	kindAnnotationDefault:                    AttrAnnotationDefault,
	kindBootstrapMethods:                     AttrBootstrapMethods,
	kindMethodParameters:                     AttrMethodParameters,
	kindModule:                               AttrModule,
	kindModulePackages:                       AttrModulePackages,
	kindModuleMainClass:                      AttrModuleMainClass,
	kindNestHost:                             AttrNestHost,
	kindNestMembers:                          AttrNestMembers,
	kindRecord:                               AttrRecord,
	kindPermittedSubclasses:                  AttrPermittedSubclasses,
}

// attrKindOf returns the kind of the attribute named name; kindUnknown
// for a name the JVMS does not define.
func attrKindOf(name string) attrKind {
	switch name {
	case AttrConstantValue:
		return kindConstantValue
	case AttrCode:
		return kindCode
	case AttrStackMapTable:
		return kindStackMapTable
	case AttrExceptions:
		return kindExceptions
	case AttrInnerClasses:
		return kindInnerClasses
	case AttrEnclosingMethod:
		return kindEnclosingMethod
	case AttrSynthetic:
		return kindSynthetic
	case AttrSignature:
		return kindSignature
	case AttrSourceFile:
		return kindSourceFile
	case AttrSourceDebugExtension:
		return kindSourceDebugExtension
	case AttrLineNumberTable:
		return kindLineNumberTable
	case AttrLocalVariableTable:
		return kindLocalVariableTable
	case AttrLocalVariableTypeTable:
		return kindLocalVariableTypeTable
	case AttrDeprecated:
		return kindDeprecated
	case AttrRuntimeVisibleAnnotations:
		return kindRuntimeVisibleAnnotations
	case AttrRuntimeInvisibleAnnotations:
		return kindRuntimeInvisibleAnnotations
	case AttrRuntimeVisibleParameterAnnotations:
		return kindRuntimeVisibleParameterAnnotations
	case AttrRuntimeInvisibleParameterAnnotations:
		return kindRuntimeInvisibleParameterAnnotations
	case AttrRuntimeVisibleTypeAnnotations:
		return kindRuntimeVisibleTypeAnnotations
	case AttrRuntimeInvisibleTypeAnnotations:
		return kindRuntimeInvisibleTypeAnnotations
	case AttrAnnotationDefault:
		return kindAnnotationDefault
	case AttrBootstrapMethods:
		return kindBootstrapMethods
	case AttrMethodParameters:
		return kindMethodParameters
	case AttrModule:
		return kindModule
	case AttrModulePackages:
		return kindModulePackages
	case AttrModuleMainClass:
		return kindModuleMainClass
	case AttrNestHost:
		return kindNestHost
	case AttrNestMembers:
		return kindNestMembers
	case AttrRecord:
		return kindRecord
	case AttrPermittedSubclasses:
		return kindPermittedSubclasses
	}
	return kindUnknown
}

// kindRule is ruleFor by location and kind.
type kindRule struct {
	rule attrRule
	ok   bool
}

// kindRules holds ruleFor (rules.go, the one statement of the rules) for
// every location and kind.
var kindRules = func() (t [locRecordComponent + 1][numAttrKinds]kindRule) {
	for loc := range t {
		for k := attrKind(1); k < numAttrKinds; k++ {
			r, ok := ruleFor(location(loc), attrKindNames[k])
			t[loc][k] = kindRule{r, ok}
		}
	}
	return t
}()

// ruleOf is ruleFor for an attribute of kind k.
func ruleOf(loc location, k attrKind) (attrRule, bool) {
	r := &kindRules[loc][k]
	return r.rule, r.ok
}

// kindCache remembers the kind of the attribute names a class uses, by
// their pool index: a class names its attributes with a handful of Utf8
// entries, each many times. Direct-mapped on the index's low bits; a slot
// whose index is 0 (never a valid name) is empty.
type kindCache [32]struct {
	idx  uint16
	kind attrKind
}

// kindOf returns the kind of the attribute named by Utf8 entry ni, whose
// text is name.
func (p *parser) kindOf(ni uint16, name string) attrKind {
	e := &p.kinds[ni%uint16(len(p.kinds))]
	if e.idx != ni {
		e.idx, e.kind = ni, attrKindOf(name)
	}
	return e.kind
}

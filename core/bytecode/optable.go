// The opcode table: every instruction of JVMS §6.5, by number, mnemonic and operand format.

package bytecode

// Opcodes of the Java Virtual Machine. See JVMS §6.5 and the table in §7.
const (
	Nop             Opcode = 0
	AconstNull      Opcode = 1
	IconstM1        Opcode = 2
	Iconst0         Opcode = 3
	Iconst1         Opcode = 4
	Iconst2         Opcode = 5
	Iconst3         Opcode = 6
	Iconst4         Opcode = 7
	Iconst5         Opcode = 8
	Lconst0         Opcode = 9
	Lconst1         Opcode = 10
	Fconst0         Opcode = 11
	Fconst1         Opcode = 12
	Fconst2         Opcode = 13
	Dconst0         Opcode = 14
	Dconst1         Opcode = 15
	Bipush          Opcode = 16
	Sipush          Opcode = 17
	Ldc             Opcode = 18
	LdcW            Opcode = 19
	Ldc2W           Opcode = 20
	Iload           Opcode = 21
	Lload           Opcode = 22
	Fload           Opcode = 23
	Dload           Opcode = 24
	Aload           Opcode = 25
	Iload0          Opcode = 26
	Iload1          Opcode = 27
	Iload2          Opcode = 28
	Iload3          Opcode = 29
	Lload0          Opcode = 30
	Lload1          Opcode = 31
	Lload2          Opcode = 32
	Lload3          Opcode = 33
	Fload0          Opcode = 34
	Fload1          Opcode = 35
	Fload2          Opcode = 36
	Fload3          Opcode = 37
	Dload0          Opcode = 38
	Dload1          Opcode = 39
	Dload2          Opcode = 40
	Dload3          Opcode = 41
	Aload0          Opcode = 42
	Aload1          Opcode = 43
	Aload2          Opcode = 44
	Aload3          Opcode = 45
	Iaload          Opcode = 46
	Laload          Opcode = 47
	Faload          Opcode = 48
	Daload          Opcode = 49
	Aaload          Opcode = 50
	Baload          Opcode = 51
	Caload          Opcode = 52
	Saload          Opcode = 53
	Istore          Opcode = 54
	Lstore          Opcode = 55
	Fstore          Opcode = 56
	Dstore          Opcode = 57
	Astore          Opcode = 58
	Istore0         Opcode = 59
	Istore1         Opcode = 60
	Istore2         Opcode = 61
	Istore3         Opcode = 62
	Lstore0         Opcode = 63
	Lstore1         Opcode = 64
	Lstore2         Opcode = 65
	Lstore3         Opcode = 66
	Fstore0         Opcode = 67
	Fstore1         Opcode = 68
	Fstore2         Opcode = 69
	Fstore3         Opcode = 70
	Dstore0         Opcode = 71
	Dstore1         Opcode = 72
	Dstore2         Opcode = 73
	Dstore3         Opcode = 74
	Astore0         Opcode = 75
	Astore1         Opcode = 76
	Astore2         Opcode = 77
	Astore3         Opcode = 78
	Iastore         Opcode = 79
	Lastore         Opcode = 80
	Fastore         Opcode = 81
	Dastore         Opcode = 82
	Aastore         Opcode = 83
	Bastore         Opcode = 84
	Castore         Opcode = 85
	Sastore         Opcode = 86
	Pop             Opcode = 87
	Pop2            Opcode = 88
	Dup             Opcode = 89
	DupX1           Opcode = 90
	DupX2           Opcode = 91
	Dup2            Opcode = 92
	Dup2X1          Opcode = 93
	Dup2X2          Opcode = 94
	Swap            Opcode = 95
	Iadd            Opcode = 96
	Ladd            Opcode = 97
	Fadd            Opcode = 98
	Dadd            Opcode = 99
	Isub            Opcode = 100
	Lsub            Opcode = 101
	Fsub            Opcode = 102
	Dsub            Opcode = 103
	Imul            Opcode = 104
	Lmul            Opcode = 105
	Fmul            Opcode = 106
	Dmul            Opcode = 107
	Idiv            Opcode = 108
	Ldiv            Opcode = 109
	Fdiv            Opcode = 110
	Ddiv            Opcode = 111
	Irem            Opcode = 112
	Lrem            Opcode = 113
	Frem            Opcode = 114
	Drem            Opcode = 115
	Ineg            Opcode = 116
	Lneg            Opcode = 117
	Fneg            Opcode = 118
	Dneg            Opcode = 119
	Ishl            Opcode = 120
	Lshl            Opcode = 121
	Ishr            Opcode = 122
	Lshr            Opcode = 123
	Iushr           Opcode = 124
	Lushr           Opcode = 125
	Iand            Opcode = 126
	Land            Opcode = 127
	Ior             Opcode = 128
	Lor             Opcode = 129
	Ixor            Opcode = 130
	Lxor            Opcode = 131
	Iinc            Opcode = 132
	I2l             Opcode = 133
	I2f             Opcode = 134
	I2d             Opcode = 135
	L2i             Opcode = 136
	L2f             Opcode = 137
	L2d             Opcode = 138
	F2i             Opcode = 139
	F2l             Opcode = 140
	F2d             Opcode = 141
	D2i             Opcode = 142
	D2l             Opcode = 143
	D2f             Opcode = 144
	I2b             Opcode = 145
	I2c             Opcode = 146
	I2s             Opcode = 147
	Lcmp            Opcode = 148
	Fcmpl           Opcode = 149
	Fcmpg           Opcode = 150
	Dcmpl           Opcode = 151
	Dcmpg           Opcode = 152
	Ifeq            Opcode = 153
	Ifne            Opcode = 154
	Iflt            Opcode = 155
	Ifge            Opcode = 156
	Ifgt            Opcode = 157
	Ifle            Opcode = 158
	IfIcmpeq        Opcode = 159
	IfIcmpne        Opcode = 160
	IfIcmplt        Opcode = 161
	IfIcmpge        Opcode = 162
	IfIcmpgt        Opcode = 163
	IfIcmple        Opcode = 164
	IfAcmpeq        Opcode = 165
	IfAcmpne        Opcode = 166
	Goto            Opcode = 167
	Jsr             Opcode = 168
	Ret             Opcode = 169
	Tableswitch     Opcode = 170
	Lookupswitch    Opcode = 171
	Ireturn         Opcode = 172
	Lreturn         Opcode = 173
	Freturn         Opcode = 174
	Dreturn         Opcode = 175
	Areturn         Opcode = 176
	Return          Opcode = 177
	Getstatic       Opcode = 178
	Putstatic       Opcode = 179
	Getfield        Opcode = 180
	Putfield        Opcode = 181
	Invokevirtual   Opcode = 182
	Invokespecial   Opcode = 183
	Invokestatic    Opcode = 184
	Invokeinterface Opcode = 185
	Invokedynamic   Opcode = 186
	New             Opcode = 187
	Newarray        Opcode = 188
	Anewarray       Opcode = 189
	Arraylength     Opcode = 190
	Athrow          Opcode = 191
	Checkcast       Opcode = 192
	Instanceof      Opcode = 193
	Monitorenter    Opcode = 194
	Monitorexit     Opcode = 195
	Wide            Opcode = 196
	Multianewarray  Opcode = 197
	Ifnull          Opcode = 198
	Ifnonnull       Opcode = 199
	GotoW           Opcode = 200
	JsrW            Opcode = 201
)

var opNames = [256]string{
	Nop:             "nop",
	AconstNull:      "aconst_null",
	IconstM1:        "iconst_m1",
	Iconst0:         "iconst_0",
	Iconst1:         "iconst_1",
	Iconst2:         "iconst_2",
	Iconst3:         "iconst_3",
	Iconst4:         "iconst_4",
	Iconst5:         "iconst_5",
	Lconst0:         "lconst_0",
	Lconst1:         "lconst_1",
	Fconst0:         "fconst_0",
	Fconst1:         "fconst_1",
	Fconst2:         "fconst_2",
	Dconst0:         "dconst_0",
	Dconst1:         "dconst_1",
	Bipush:          "bipush",
	Sipush:          "sipush",
	Ldc:             "ldc",
	LdcW:            "ldc_w",
	Ldc2W:           "ldc2_w",
	Iload:           "iload",
	Lload:           "lload",
	Fload:           "fload",
	Dload:           "dload",
	Aload:           "aload",
	Iload0:          "iload_0",
	Iload1:          "iload_1",
	Iload2:          "iload_2",
	Iload3:          "iload_3",
	Lload0:          "lload_0",
	Lload1:          "lload_1",
	Lload2:          "lload_2",
	Lload3:          "lload_3",
	Fload0:          "fload_0",
	Fload1:          "fload_1",
	Fload2:          "fload_2",
	Fload3:          "fload_3",
	Dload0:          "dload_0",
	Dload1:          "dload_1",
	Dload2:          "dload_2",
	Dload3:          "dload_3",
	Aload0:          "aload_0",
	Aload1:          "aload_1",
	Aload2:          "aload_2",
	Aload3:          "aload_3",
	Iaload:          "iaload",
	Laload:          "laload",
	Faload:          "faload",
	Daload:          "daload",
	Aaload:          "aaload",
	Baload:          "baload",
	Caload:          "caload",
	Saload:          "saload",
	Istore:          "istore",
	Lstore:          "lstore",
	Fstore:          "fstore",
	Dstore:          "dstore",
	Astore:          "astore",
	Istore0:         "istore_0",
	Istore1:         "istore_1",
	Istore2:         "istore_2",
	Istore3:         "istore_3",
	Lstore0:         "lstore_0",
	Lstore1:         "lstore_1",
	Lstore2:         "lstore_2",
	Lstore3:         "lstore_3",
	Fstore0:         "fstore_0",
	Fstore1:         "fstore_1",
	Fstore2:         "fstore_2",
	Fstore3:         "fstore_3",
	Dstore0:         "dstore_0",
	Dstore1:         "dstore_1",
	Dstore2:         "dstore_2",
	Dstore3:         "dstore_3",
	Astore0:         "astore_0",
	Astore1:         "astore_1",
	Astore2:         "astore_2",
	Astore3:         "astore_3",
	Iastore:         "iastore",
	Lastore:         "lastore",
	Fastore:         "fastore",
	Dastore:         "dastore",
	Aastore:         "aastore",
	Bastore:         "bastore",
	Castore:         "castore",
	Sastore:         "sastore",
	Pop:             "pop",
	Pop2:            "pop2",
	Dup:             "dup",
	DupX1:           "dup_x1",
	DupX2:           "dup_x2",
	Dup2:            "dup2",
	Dup2X1:          "dup2_x1",
	Dup2X2:          "dup2_x2",
	Swap:            "swap",
	Iadd:            "iadd",
	Ladd:            "ladd",
	Fadd:            "fadd",
	Dadd:            "dadd",
	Isub:            "isub",
	Lsub:            "lsub",
	Fsub:            "fsub",
	Dsub:            "dsub",
	Imul:            "imul",
	Lmul:            "lmul",
	Fmul:            "fmul",
	Dmul:            "dmul",
	Idiv:            "idiv",
	Ldiv:            "ldiv",
	Fdiv:            "fdiv",
	Ddiv:            "ddiv",
	Irem:            "irem",
	Lrem:            "lrem",
	Frem:            "frem",
	Drem:            "drem",
	Ineg:            "ineg",
	Lneg:            "lneg",
	Fneg:            "fneg",
	Dneg:            "dneg",
	Ishl:            "ishl",
	Lshl:            "lshl",
	Ishr:            "ishr",
	Lshr:            "lshr",
	Iushr:           "iushr",
	Lushr:           "lushr",
	Iand:            "iand",
	Land:            "land",
	Ior:             "ior",
	Lor:             "lor",
	Ixor:            "ixor",
	Lxor:            "lxor",
	Iinc:            "iinc",
	I2l:             "i2l",
	I2f:             "i2f",
	I2d:             "i2d",
	L2i:             "l2i",
	L2f:             "l2f",
	L2d:             "l2d",
	F2i:             "f2i",
	F2l:             "f2l",
	F2d:             "f2d",
	D2i:             "d2i",
	D2l:             "d2l",
	D2f:             "d2f",
	I2b:             "i2b",
	I2c:             "i2c",
	I2s:             "i2s",
	Lcmp:            "lcmp",
	Fcmpl:           "fcmpl",
	Fcmpg:           "fcmpg",
	Dcmpl:           "dcmpl",
	Dcmpg:           "dcmpg",
	Ifeq:            "ifeq",
	Ifne:            "ifne",
	Iflt:            "iflt",
	Ifge:            "ifge",
	Ifgt:            "ifgt",
	Ifle:            "ifle",
	IfIcmpeq:        "if_icmpeq",
	IfIcmpne:        "if_icmpne",
	IfIcmplt:        "if_icmplt",
	IfIcmpge:        "if_icmpge",
	IfIcmpgt:        "if_icmpgt",
	IfIcmple:        "if_icmple",
	IfAcmpeq:        "if_acmpeq",
	IfAcmpne:        "if_acmpne",
	Goto:            "goto",
	Jsr:             "jsr",
	Ret:             "ret",
	Tableswitch:     "tableswitch",
	Lookupswitch:    "lookupswitch",
	Ireturn:         "ireturn",
	Lreturn:         "lreturn",
	Freturn:         "freturn",
	Dreturn:         "dreturn",
	Areturn:         "areturn",
	Return:          "return",
	Getstatic:       "getstatic",
	Putstatic:       "putstatic",
	Getfield:        "getfield",
	Putfield:        "putfield",
	Invokevirtual:   "invokevirtual",
	Invokespecial:   "invokespecial",
	Invokestatic:    "invokestatic",
	Invokeinterface: "invokeinterface",
	Invokedynamic:   "invokedynamic",
	New:             "new",
	Newarray:        "newarray",
	Anewarray:       "anewarray",
	Arraylength:     "arraylength",
	Athrow:          "athrow",
	Checkcast:       "checkcast",
	Instanceof:      "instanceof",
	Monitorenter:    "monitorenter",
	Monitorexit:     "monitorexit",
	Wide:            "wide",
	Multianewarray:  "multianewarray",
	Ifnull:          "ifnull",
	Ifnonnull:       "ifnonnull",
	GotoW:           "goto_w",
	JsrW:            "jsr_w",
}

var opFormats = [256]format{
	Nop:             fmtNone,
	AconstNull:      fmtNone,
	IconstM1:        fmtNone,
	Iconst0:         fmtNone,
	Iconst1:         fmtNone,
	Iconst2:         fmtNone,
	Iconst3:         fmtNone,
	Iconst4:         fmtNone,
	Iconst5:         fmtNone,
	Lconst0:         fmtNone,
	Lconst1:         fmtNone,
	Fconst0:         fmtNone,
	Fconst1:         fmtNone,
	Fconst2:         fmtNone,
	Dconst0:         fmtNone,
	Dconst1:         fmtNone,
	Bipush:          fmtS1,
	Sipush:          fmtS2,
	Ldc:             fmtCP1,
	LdcW:            fmtCP2,
	Ldc2W:           fmtCP2,
	Iload:           fmtLocal,
	Lload:           fmtLocal,
	Fload:           fmtLocal,
	Dload:           fmtLocal,
	Aload:           fmtLocal,
	Iload0:          fmtNone,
	Iload1:          fmtNone,
	Iload2:          fmtNone,
	Iload3:          fmtNone,
	Lload0:          fmtNone,
	Lload1:          fmtNone,
	Lload2:          fmtNone,
	Lload3:          fmtNone,
	Fload0:          fmtNone,
	Fload1:          fmtNone,
	Fload2:          fmtNone,
	Fload3:          fmtNone,
	Dload0:          fmtNone,
	Dload1:          fmtNone,
	Dload2:          fmtNone,
	Dload3:          fmtNone,
	Aload0:          fmtNone,
	Aload1:          fmtNone,
	Aload2:          fmtNone,
	Aload3:          fmtNone,
	Iaload:          fmtNone,
	Laload:          fmtNone,
	Faload:          fmtNone,
	Daload:          fmtNone,
	Aaload:          fmtNone,
	Baload:          fmtNone,
	Caload:          fmtNone,
	Saload:          fmtNone,
	Istore:          fmtLocal,
	Lstore:          fmtLocal,
	Fstore:          fmtLocal,
	Dstore:          fmtLocal,
	Astore:          fmtLocal,
	Istore0:         fmtNone,
	Istore1:         fmtNone,
	Istore2:         fmtNone,
	Istore3:         fmtNone,
	Lstore0:         fmtNone,
	Lstore1:         fmtNone,
	Lstore2:         fmtNone,
	Lstore3:         fmtNone,
	Fstore0:         fmtNone,
	Fstore1:         fmtNone,
	Fstore2:         fmtNone,
	Fstore3:         fmtNone,
	Dstore0:         fmtNone,
	Dstore1:         fmtNone,
	Dstore2:         fmtNone,
	Dstore3:         fmtNone,
	Astore0:         fmtNone,
	Astore1:         fmtNone,
	Astore2:         fmtNone,
	Astore3:         fmtNone,
	Iastore:         fmtNone,
	Lastore:         fmtNone,
	Fastore:         fmtNone,
	Dastore:         fmtNone,
	Aastore:         fmtNone,
	Bastore:         fmtNone,
	Castore:         fmtNone,
	Sastore:         fmtNone,
	Pop:             fmtNone,
	Pop2:            fmtNone,
	Dup:             fmtNone,
	DupX1:           fmtNone,
	DupX2:           fmtNone,
	Dup2:            fmtNone,
	Dup2X1:          fmtNone,
	Dup2X2:          fmtNone,
	Swap:            fmtNone,
	Iadd:            fmtNone,
	Ladd:            fmtNone,
	Fadd:            fmtNone,
	Dadd:            fmtNone,
	Isub:            fmtNone,
	Lsub:            fmtNone,
	Fsub:            fmtNone,
	Dsub:            fmtNone,
	Imul:            fmtNone,
	Lmul:            fmtNone,
	Fmul:            fmtNone,
	Dmul:            fmtNone,
	Idiv:            fmtNone,
	Ldiv:            fmtNone,
	Fdiv:            fmtNone,
	Ddiv:            fmtNone,
	Irem:            fmtNone,
	Lrem:            fmtNone,
	Frem:            fmtNone,
	Drem:            fmtNone,
	Ineg:            fmtNone,
	Lneg:            fmtNone,
	Fneg:            fmtNone,
	Dneg:            fmtNone,
	Ishl:            fmtNone,
	Lshl:            fmtNone,
	Ishr:            fmtNone,
	Lshr:            fmtNone,
	Iushr:           fmtNone,
	Lushr:           fmtNone,
	Iand:            fmtNone,
	Land:            fmtNone,
	Ior:             fmtNone,
	Lor:             fmtNone,
	Ixor:            fmtNone,
	Lxor:            fmtNone,
	Iinc:            fmtIinc,
	I2l:             fmtNone,
	I2f:             fmtNone,
	I2d:             fmtNone,
	L2i:             fmtNone,
	L2f:             fmtNone,
	L2d:             fmtNone,
	F2i:             fmtNone,
	F2l:             fmtNone,
	F2d:             fmtNone,
	D2i:             fmtNone,
	D2l:             fmtNone,
	D2f:             fmtNone,
	I2b:             fmtNone,
	I2c:             fmtNone,
	I2s:             fmtNone,
	Lcmp:            fmtNone,
	Fcmpl:           fmtNone,
	Fcmpg:           fmtNone,
	Dcmpl:           fmtNone,
	Dcmpg:           fmtNone,
	Ifeq:            fmtBranch2,
	Ifne:            fmtBranch2,
	Iflt:            fmtBranch2,
	Ifge:            fmtBranch2,
	Ifgt:            fmtBranch2,
	Ifle:            fmtBranch2,
	IfIcmpeq:        fmtBranch2,
	IfIcmpne:        fmtBranch2,
	IfIcmplt:        fmtBranch2,
	IfIcmpge:        fmtBranch2,
	IfIcmpgt:        fmtBranch2,
	IfIcmple:        fmtBranch2,
	IfAcmpeq:        fmtBranch2,
	IfAcmpne:        fmtBranch2,
	Goto:            fmtBranch2,
	Jsr:             fmtBranch2,
	Ret:             fmtLocal,
	Tableswitch:     fmtTableswitch,
	Lookupswitch:    fmtLookupswitch,
	Ireturn:         fmtNone,
	Lreturn:         fmtNone,
	Freturn:         fmtNone,
	Dreturn:         fmtNone,
	Areturn:         fmtNone,
	Return:          fmtNone,
	Getstatic:       fmtCP2,
	Putstatic:       fmtCP2,
	Getfield:        fmtCP2,
	Putfield:        fmtCP2,
	Invokevirtual:   fmtCP2,
	Invokespecial:   fmtCP2,
	Invokestatic:    fmtCP2,
	Invokeinterface: fmtInvokeinterface,
	Invokedynamic:   fmtInvokedynamic,
	New:             fmtCP2,
	Newarray:        fmtAtype,
	Anewarray:       fmtCP2,
	Arraylength:     fmtNone,
	Athrow:          fmtNone,
	Checkcast:       fmtCP2,
	Instanceof:      fmtCP2,
	Monitorenter:    fmtNone,
	Monitorexit:     fmtNone,
	Wide:            fmtWide,
	Multianewarray:  fmtMultianewarray,
	Ifnull:          fmtBranch2,
	Ifnonnull:       fmtBranch2,
	GotoW:           fmtBranch4,
	JsrW:            fmtBranch4,
}

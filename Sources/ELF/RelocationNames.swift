/// Relocation type names as readelf prints them, for the common architectures.
extension ELFNames {
    public static func relocationType(_ type: UInt32, machine: UInt16) -> String? {
        switch machine {
        case EM.x86_64: return lookup(type, x86_64, "R_X86_64_")
        case EM.i386: return lookup(type, i386, "R_386_")
        case EM.arm: return lookup(type, arm, "R_ARM_")
        case EM.aarch64:
            if type == 0 || type == 256 { return "R_AARCH64_NONE" }
            return aarch64[type].map { "R_AARCH64_" + $0 }
        case EM.riscv: return lookup(type, riscv, "R_RISCV_")
        case EM.ppc64: return ppc64[type].map { "R_PPC64_" + $0 }
        case EM.ppc: return ppc[type].map { "R_PPC_" + $0 }
        case EM.mips: return mips[type].map { "R_MIPS_" + $0 }
        case EM.s390: return lookup(type, s390, "R_390_")
        case EM.loongarch: return loongarch[type].map { "R_LARCH_" + $0 }
        default: return nil
        }
    }

    static func lookup(_ t: UInt32, _ table: [String], _ prefix: String) -> String? {
        guard Int(t) < table.count, !table[Int(t)].isEmpty else { return nil }
        return prefix + table[Int(t)]
    }

    static let x86_64 = [
        "NONE", "64", "PC32", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JUMP_SLOT", "RELATIVE", "GOTPCREL", "32", "32S",
        "16", "PC16", "8", "PC8", "DTPMOD64", "DTPOFF64", "TPOFF64", "TLSGD", "TLSLD", "DTPOFF32", "GOTTPOFF", "TPOFF32",
        "PC64", "GOTOFF64", "GOTPC32", "GOT64", "GOTPCREL64", "GOTPC64", "GOTPLT64", "PLTOFF64", "SIZE32", "SIZE64",
        "GOTPC32_TLSDESC", "TLSDESC_CALL", "TLSDESC", "IRELATIVE", "RELATIVE64", "PC32_BND", "PLT32_BND", "GOTPCRELX",
        "REX_GOTPCRELX",
    ]

    static let i386 = [
        "NONE", "32", "PC32", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JUMP_SLOT", "RELATIVE", "GOTOFF", "GOTPC", "32PLT",
        "", "", "TLS_TPOFF", "TLS_IE", "TLS_GOTIE", "TLS_LE", "TLS_GD", "TLS_LDM", "16", "PC16", "8", "PC8",
        "TLS_GD_32", "TLS_GD_PUSH", "TLS_GD_CALL", "TLS_GD_POP", "TLS_LDM_32", "TLS_LDM_PUSH", "TLS_LDM_CALL",
        "TLS_LDM_POP", "TLS_LDO_32", "TLS_IE_32", "TLS_LE_32", "TLS_DTPMOD32", "TLS_DTPOFF32", "TLS_TPOFF32", "SIZE32",
        "TLS_GOTDESC", "TLS_DESC_CALL", "TLS_DESC", "IRELATIVE", "GOT32X",
    ]

    static let arm: [String] = {
        var t = [String](repeating: "", count: 161)
        let names = [
            "NONE", "PC24", "ABS32", "REL32", "LDR_PC_G0", "ABS16", "ABS12", "THM_ABS5", "ABS8", "SBREL32", "THM_CALL",
            "THM_PC8", "BREL_ADJ", "TLS_DESC", "THM_SWI8", "XPC25", "THM_XPC22", "TLS_DTPMOD32", "TLS_DTPOFF32",
            "TLS_TPOFF32", "COPY", "GLOB_DAT", "JUMP_SLOT", "RELATIVE", "GOTOFF32", "BASE_PREL", "GOT_BREL", "PLT32",
            "CALL", "JUMP24", "THM_JUMP24", "BASE_ABS", "ALU_PCREL_7_0", "ALU_PCREL_15_8", "ALU_PCREL_23_15",
            "LDR_SBREL_11_0", "ALU_SBREL_19_12", "ALU_SBREL_27_20", "TARGET1", "SBREL31", "V4BX", "TARGET2", "PREL31",
            "MOVW_ABS_NC", "MOVT_ABS", "MOVW_PREL_NC", "MOVT_PREL", "THM_MOVW_ABS_NC", "THM_MOVT_ABS",
            "THM_MOVW_PREL_NC", "THM_MOVT_PREL", "THM_JUMP19", "THM_JUMP6", "THM_ALU_PREL_11_0", "THM_PC12",
            "ABS32_NOI", "REL32_NOI", "ALU_PC_G0_NC", "ALU_PC_G0", "ALU_PC_G1_NC", "ALU_PC_G1", "ALU_PC_G2",
            "LDR_PC_G1", "LDR_PC_G2", "LDRS_PC_G0", "LDRS_PC_G1", "LDRS_PC_G2", "LDC_PC_G0", "LDC_PC_G1", "LDC_PC_G2",
            "ALU_SB_G0_NC", "ALU_SB_G0", "ALU_SB_G1_NC", "ALU_SB_G1", "ALU_SB_G2", "LDR_SB_G0", "LDR_SB_G1",
            "LDR_SB_G2", "LDRS_SB_G0", "LDRS_SB_G1", "LDRS_SB_G2", "LDC_SB_G0", "LDC_SB_G1", "LDC_SB_G2",
            "MOVW_BREL_NC", "MOVT_BREL", "MOVW_BREL", "THM_MOVW_BREL_NC", "THM_MOVT_BREL", "THM_MOVW_BREL",
            "TLS_GOTDESC", "TLS_CALL", "TLS_DESCSEQ", "THM_TLS_CALL", "PLT32_ABS", "GOT_ABS", "GOT_PREL",
            "GOT_BREL12", "GOTOFF12", "GOTRELAX", "GNU_VTENTRY", "GNU_VTINHERIT", "THM_JUMP11", "THM_JUMP8",
            "TLS_GD32", "TLS_LDM32", "TLS_LDO32", "TLS_IE32", "TLS_LE32", "TLS_LDO12", "TLS_LE12", "TLS_IE12GP",
        ]
        for (i, n) in names.enumerated() { t[i] = n }
        t[129] = "THM_TLS_DESCSEQ16"; t[130] = "THM_TLS_DESCSEQ32"
        t[160] = "IRELATIVE"
        return t
    }()

    static let aarch64: [UInt32: String] = [
        257: "ABS64", 258: "ABS32", 259: "ABS16", 260: "PREL64", 261: "PREL32", 262: "PREL16",
        263: "MOVW_UABS_G0", 264: "MOVW_UABS_G0_NC", 265: "MOVW_UABS_G1", 266: "MOVW_UABS_G1_NC", 267: "MOVW_UABS_G2",
        268: "MOVW_UABS_G2_NC", 269: "MOVW_UABS_G3", 270: "MOVW_SABS_G0", 271: "MOVW_SABS_G1", 272: "MOVW_SABS_G2",
        273: "LD_PREL_LO19", 274: "ADR_PREL_LO21", 275: "ADR_PREL_PG_HI21", 276: "ADR_PREL_PG_HI21_NC",
        277: "ADD_ABS_LO12_NC", 278: "LDST8_ABS_LO12_NC", 279: "TSTBR14", 280: "CONDBR19", 282: "JUMP26", 283: "CALL26",
        284: "LDST16_ABS_LO12_NC", 285: "LDST32_ABS_LO12_NC", 286: "LDST64_ABS_LO12_NC", 287: "MOVW_PREL_G0",
        288: "MOVW_PREL_G0_NC", 289: "MOVW_PREL_G1", 290: "MOVW_PREL_G1_NC", 291: "MOVW_PREL_G2", 292: "MOVW_PREL_G2_NC",
        293: "MOVW_PREL_G3", 299: "LDST128_ABS_LO12_NC", 300: "MOVW_GOTOFF_G0", 301: "MOVW_GOTOFF_G0_NC",
        302: "MOVW_GOTOFF_G1", 303: "MOVW_GOTOFF_G1_NC", 304: "MOVW_GOTOFF_G2", 305: "MOVW_GOTOFF_G2_NC",
        306: "MOVW_GOTOFF_G3", 307: "GOTREL64", 308: "GOTREL32", 309: "GOT_LD_PREL19", 310: "LD64_GOTOFF_LO15",
        311: "ADR_GOT_PAGE", 312: "LD64_GOT_LO12_NC", 313: "LD64_GOTPAGE_LO15",
        512: "TLSGD_ADR_PREL21", 513: "TLSGD_ADR_PAGE21", 514: "TLSGD_ADD_LO12_NC", 515: "TLSGD_MOVW_G1",
        516: "TLSGD_MOVW_G0_NC", 517: "TLSLD_ADR_PREL21", 518: "TLSLD_ADR_PAGE21", 519: "TLSLD_ADD_LO12_NC",
        529: "TLSLD_ADD_DTPREL_HI12", 530: "TLSLD_ADD_DTPREL_LO12", 531: "TLSLD_ADD_DTPREL_LO12_NC",
        539: "TLSIE_MOVW_GOTTPREL_G1", 540: "TLSIE_MOVW_GOTTPREL_G0_NC", 541: "TLSIE_ADR_GOTTPREL_PAGE21",
        542: "TLSIE_LD64_GOTTPREL_LO12_NC", 543: "TLSIE_LD_GOTTPREL_PREL19", 544: "TLSLE_MOVW_TPREL_G2",
        545: "TLSLE_MOVW_TPREL_G1", 546: "TLSLE_MOVW_TPREL_G1_NC", 547: "TLSLE_MOVW_TPREL_G0",
        548: "TLSLE_MOVW_TPREL_G0_NC", 549: "TLSLE_ADD_TPREL_HI12", 550: "TLSLE_ADD_TPREL_LO12",
        551: "TLSLE_ADD_TPREL_LO12_NC", 552: "TLSLE_LDST8_TPREL_LO12", 553: "TLSLE_LDST8_TPREL_LO12_NC",
        554: "TLSLE_LDST16_TPREL_LO12", 555: "TLSLE_LDST16_TPREL_LO12_NC", 556: "TLSLE_LDST32_TPREL_LO12",
        557: "TLSLE_LDST32_TPREL_LO12_NC", 558: "TLSLE_LDST64_TPREL_LO12", 559: "TLSLE_LDST64_TPREL_LO12_NC",
        560: "TLSDESC_LD_PREL19", 561: "TLSDESC_ADR_PREL21", 562: "TLSDESC_ADR_PAGE21", 563: "TLSDESC_LD64_LO12",
        564: "TLSDESC_ADD_LO12", 565: "TLSDESC_OFF_G1", 566: "TLSDESC_OFF_G0_NC", 567: "TLSDESC_LDR", 568: "TLSDESC_ADD",
        569: "TLSDESC_CALL", 1024: "COPY", 1025: "GLOB_DAT", 1026: "JUMP_SLOT", 1027: "RELATIVE", 1028: "TLS_DTPMOD64",
        1029: "TLS_DTPREL64", 1030: "TLS_TPREL64", 1031: "TLSDESC", 1032: "IRELATIVE",
    ]

    static let riscv: [String] = {
        var t = [String](repeating: "", count: 62)
        let names = [
            "NONE", "32", "64", "RELATIVE", "COPY", "JUMP_SLOT", "TLS_DTPMOD32", "TLS_DTPMOD64", "TLS_DTPREL32",
            "TLS_DTPREL64", "TLS_TPREL32", "TLS_TPREL64", "", "", "", "", "BRANCH", "JAL", "CALL", "CALL_PLT", "GOT_HI20",
            "TLS_GOT_HI20", "TLS_GD_HI20", "PCREL_HI20", "PCREL_LO12_I", "PCREL_LO12_S", "HI20", "LO12_I", "LO12_S",
            "TPREL_HI20", "TPREL_LO12_I", "TPREL_LO12_S", "TPREL_ADD", "ADD8", "ADD16", "ADD32", "ADD64", "SUB8", "SUB16",
            "SUB32", "SUB64", "GNU_VTINHERIT", "GNU_VTENTRY", "ALIGN", "RVC_BRANCH", "RVC_JUMP", "RVC_LUI", "", "", "", "",
            "RELAX", "SUB6", "SET6", "SET8", "SET16", "SET32", "32_PCREL", "IRELATIVE", "PLT32", "SET_ULEB128", "SUB_ULEB128",
        ]
        for (i, n) in names.enumerated() { t[i] = n }
        return t
    }()

    static let ppc64: [UInt32: String] = [
        0: "NONE", 1: "ADDR32", 2: "ADDR24", 3: "ADDR16", 4: "ADDR16_LO", 5: "ADDR16_HI", 6: "ADDR16_HA", 7: "ADDR14",
        8: "ADDR14_BRTAKEN", 9: "ADDR14_BRNTAKEN", 10: "REL24", 11: "REL14", 12: "REL14_BRTAKEN", 13: "REL14_BRNTAKEN",
        14: "GOT16", 15: "GOT16_LO", 16: "GOT16_HI", 17: "GOT16_HA", 19: "COPY", 20: "GLOB_DAT", 21: "JMP_SLOT",
        22: "RELATIVE", 24: "UADDR32", 25: "UADDR16", 26: "REL32", 27: "PLT32", 28: "PLTREL32", 29: "PLT16_LO",
        30: "PLT16_HI", 31: "PLT16_HA", 33: "SECTOFF", 34: "SECTOFF_LO", 35: "SECTOFF_HI", 36: "SECTOFF_HA",
        37: "ADDR30", 38: "ADDR64", 39: "ADDR16_HIGHER", 40: "ADDR16_HIGHERA", 41: "ADDR16_HIGHEST",
        42: "ADDR16_HIGHESTA", 43: "UADDR64", 44: "REL64", 45: "PLT64", 46: "PLTREL64", 47: "TOC16", 48: "TOC16_LO",
        49: "TOC16_HI", 50: "TOC16_HA", 51: "TOC", 52: "PLTGOT16", 53: "PLTGOT16_LO", 54: "PLTGOT16_HI",
        55: "PLTGOT16_HA", 56: "ADDR16_DS", 57: "ADDR16_LO_DS", 58: "GOT16_DS", 59: "GOT16_LO_DS", 60: "PLT16_LO_DS",
        61: "SECTOFF_DS", 62: "SECTOFF_LO_DS", 63: "TOC16_DS", 64: "TOC16_LO_DS", 65: "PLTGOT16_DS",
        66: "PLTGOT16_LO_DS", 67: "TLS", 68: "DTPMOD64", 69: "TPREL16", 70: "TPREL16_LO", 71: "TPREL16_HI",
        72: "TPREL16_HA", 73: "TPREL64", 74: "DTPREL16", 75: "DTPREL16_LO", 76: "DTPREL16_HI", 77: "DTPREL16_HA",
        78: "DTPREL64", 79: "GOT_TLSGD16", 80: "GOT_TLSGD16_LO", 81: "GOT_TLSGD16_HI", 82: "GOT_TLSGD16_HA",
        83: "GOT_TLSLD16", 84: "GOT_TLSLD16_LO", 85: "GOT_TLSLD16_HI", 86: "GOT_TLSLD16_HA", 87: "GOT_TPREL16_DS",
        88: "GOT_TPREL16_LO_DS", 89: "GOT_TPREL16_HI", 90: "GOT_TPREL16_HA", 91: "GOT_DTPREL16_DS",
        92: "GOT_DTPREL16_LO_DS", 93: "GOT_DTPREL16_HI", 94: "GOT_DTPREL16_HA", 107: "TLSGD", 108: "TLSLD",
        109: "TOCSAVE", 110: "ADDR16_HIGH", 111: "ADDR16_HIGHA", 116: "ENTRY", 117: "PLTSEQ", 118: "PLTCALL",
        248: "IRELATIVE", 249: "REL16", 250: "REL16_LO", 251: "REL16_HI", 252: "REL16_HA",
    ]

    static let ppc: [UInt32: String] = [
        0: "NONE", 1: "ADDR32", 2: "ADDR24", 3: "ADDR16", 4: "ADDR16_LO", 5: "ADDR16_HI", 6: "ADDR16_HA", 10: "REL24",
        18: "PLTREL24", 19: "COPY", 20: "GLOB_DAT", 21: "JMP_SLOT", 22: "RELATIVE", 26: "REL32", 67: "TLS", 68: "DTPMOD32",
        73: "TPREL32", 78: "DTPREL32", 248: "IRELATIVE", 249: "REL16", 250: "REL16_LO", 251: "REL16_HI", 252: "REL16_HA",
    ]

    static let mips: [UInt32: String] = [
        0: "NONE", 1: "16", 2: "32", 3: "REL32", 4: "26", 5: "HI16", 6: "LO16", 7: "GPREL16", 8: "LITERAL", 9: "GOT16",
        10: "PC16", 11: "CALL16", 12: "GPREL32", 16: "SHIFT5", 17: "SHIFT6", 18: "64", 19: "GOT_DISP", 20: "GOT_PAGE",
        21: "GOT_OFST", 22: "GOT_HI16", 23: "GOT_LO16", 24: "SUB", 25: "INSERT_A", 26: "INSERT_B", 27: "DELETE",
        28: "HIGHER", 29: "HIGHEST", 30: "CALL_HI16", 31: "CALL_LO16", 32: "SCN_DISP", 33: "REL16", 34: "ADD_IMMEDIATE",
        35: "PJUMP", 36: "RELGOT", 37: "JALR", 38: "TLS_DTPMOD32", 39: "TLS_DTPREL32", 40: "TLS_DTPMOD64",
        41: "TLS_DTPREL64", 42: "TLS_GD", 43: "TLS_LDM", 44: "TLS_DTPREL_HI16", 45: "TLS_DTPREL_LO16",
        46: "TLS_GOTTPREL", 47: "TLS_TPREL32", 48: "TLS_TPREL64", 49: "TLS_TPREL_HI16", 50: "TLS_TPREL_LO16",
        51: "GLOB_DAT", 126: "COPY", 127: "JUMP_SLOT",
    ]

    static let s390 = [
        "NONE", "8", "12", "16", "32", "PC32", "GOT12", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JMP_SLOT", "RELATIVE",
        "GOTOFF32", "GOTPC", "GOT16", "PC16", "PC16DBL", "PLT16DBL", "PC32DBL", "PLT32DBL", "GOTPCDBL", "64", "PC64",
        "GOT64", "PLT64", "GOTENT",
    ]

    static let loongarch: [UInt32: String] = [
        0: "NONE", 1: "32", 2: "64", 3: "RELATIVE", 4: "COPY", 5: "JUMP_SLOT", 6: "TLS_DTPMOD32", 7: "TLS_DTPMOD64",
        8: "TLS_DTPREL32", 9: "TLS_DTPREL64", 10: "TLS_TPREL32", 11: "TLS_TPREL64", 12: "IRELATIVE",
        47: "ADD8", 48: "ADD16", 49: "ADD24", 50: "ADD32", 51: "ADD64", 52: "SUB8", 53: "SUB16", 54: "SUB24",
        55: "SUB32", 56: "SUB64", 66: "B16", 67: "B21", 68: "B26", 99: "32_PCREL", 100: "RELAX",
    ]
}

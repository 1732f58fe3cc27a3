/// Human-readable names for ELF constants, spelled as binutils readelf 2.40 prints them.
public enum ELFNames {
    static func hex(_ v: UInt64) -> String { String(v, radix: 16) }

    public static func machine(_ m: UInt16) -> String {
        switch m {
        case 0: return "None"
        case 1: return "WE32100"
        case 2: return "Sparc"
        case 3: return "Intel 80386"
        case 4: return "MC68000"
        case 5: return "MC88000"
        case 7: return "Intel 80860"
        case 8: return "MIPS R3000"
        case 9: return "IBM System/370"
        case 10: return "MIPS R4000 big-endian"
        case 15: return "HPPA"
        case 18: return "Sparc v8+"
        case 20: return "PowerPC"
        case 21: return "PowerPC64"
        case 22: return "IBM S/390"
        case 40: return "ARM"
        case 42: return "Renesas / SuperH SH"
        case 43: return "Sparc v9"
        case 50: return "Intel IA-64"
        case 62: return "Advanced Micro Devices X86-64"
        case 83: return "Atmel AVR 8-bit microcontroller"
        case 94: return "Tensilica Xtensa Processor"
        case 164: return "Qualcomm Hexagon"
        case 183: return "AArch64"
        case 243: return "RISC-V"
        case 247: return "Linux BPF"
        case 258: return "LoongArch"
        default: return "<unknown>: 0x" + hex(UInt64(m))
        }
    }

    public static func osabi(_ v: UInt8, machine: UInt16) -> String {
        switch v {
        case 0: return "UNIX - System V"
        case 1: return "UNIX - HP-UX"
        case 2: return "UNIX - NetBSD"
        case 3: return "UNIX - GNU"
        case 6: return "UNIX - Solaris"
        case 7: return "UNIX - AIX"
        case 8: return "UNIX - IRIX"
        case 9: return "UNIX - FreeBSD"
        case 10: return "UNIX - TRU64"
        case 11: return "Novell - Modesto"
        case 12: return "UNIX - OpenBSD"
        case 13: return "VMS - OpenVMS"
        case 14: return "HP - Non-Stop Kernel"
        case 15: return "AROS"
        case 16: return "FenixOS"
        case 17: return "Nuxi CloudABI"
        case 18: return "Stratus Technologies OpenVOS"
        default:
            if v >= 64 {
                if machine == EM.arm { if v == 97 { return "ARM" }; if v == 65 { return "ARM FDPIC" } }
                if v == 255 && machine == 0 { return "Standalone App" }
            }
            return "<unknown: " + hex(UInt64(v)) + ">"
        }
    }

    public static func fileType(_ t: UInt16, pie: Bool = false) -> String {
        switch t {
        case 0: return "NONE (None)"
        case 1: return "REL (Relocatable file)"
        case 2: return "EXEC (Executable file)"
        case 3: return pie ? "DYN (Position-Independent Executable file)" : "DYN (Shared object file)"
        case 4: return "CORE (Core file)"
        default:
            if t >= 0xff00 { return "Processor Specific: (" + hex(UInt64(t)) + ")" }
            if t >= 0xfe00 { return "OS Specific: (" + hex(UInt64(t)) + ")" }
            return "<unknown>: " + hex(UInt64(t))
        }
    }

    /// The e_flags decoding readelf appends after the hex value (", Version5 EABI, hard-float ABI").
    public static func machineFlags(_ flags: UInt32, machine: UInt16) -> String {
        var out = ""
        switch machine {
        case EM.arm:
            let eabi = flags & 0xff00_0000
            var f = flags & 0x00ff_ffff
            switch eabi {
            case 0x0500_0000:
                out += ", Version5 EABI"
                if f & 0x400 != 0 { out += ", hard-float ABI"; f &= ~0x400 }
                if f & 0x200 != 0 { out += ", soft-float ABI"; f &= ~0x200 }
                if f & 0x80_0000 != 0 { out += ", BE8"; f &= ~0x80_0000 }
                if f & 0x40_0000 != 0 { out += ", LE8"; f &= ~0x40_0000 }
                if f != 0 { out += ", <unknown>" }
            case 0x0400_0000:
                out += ", Version4 EABI"
                if f & 0x80_0000 != 0 { out += ", BE8"; f &= ~0x80_0000 }
                if f & 0x40_0000 != 0 { out += ", LE8"; f &= ~0x40_0000 }
                if f != 0 { out += ", <unknown>" }
            case 0:
                out += ", GNU EABI"
                if f & 0x400 != 0 { out += ", software FP" }
            default:
                out += ", <unrecognized EABI>"
            }
        case EM.riscv:
            if flags & 0x1 != 0 { out += ", RVC" }
            switch flags & 0x6 {
            case 0x2: out += ", single-float ABI"
            case 0x4: out += ", double-float ABI"
            case 0x6: out += ", quad-float ABI"
            default: break
            }
            if flags & 0x8 != 0 { out += ", RVE" }
            if flags & 0x10 != 0 { out += ", TSO" }
        case EM.ppc64:
            if flags & 3 != 0 { out += ", abiv\(flags & 3)" }
        default: break
        }
        return out
    }

    public static func sectionType(_ t: UInt32, machine: UInt16) -> String {
        switch t {
        case 0: return "NULL"
        case 1: return "PROGBITS"
        case 2: return "SYMTAB"
        case 3: return "STRTAB"
        case 4: return "RELA"
        case 5: return "HASH"
        case 6: return "DYNAMIC"
        case 7: return "NOTE"
        case 8: return "NOBITS"
        case 9: return "REL"
        case 10: return "SHLIB"
        case 11: return "DYNSYM"
        case 14: return "INIT_ARRAY"
        case 15: return "FINI_ARRAY"
        case 16: return "PREINIT_ARRAY"
        case 17: return "GROUP"
        case 18: return "SYMTAB SECTION INDICES"
        case 19: return "RELR"
        case 0x6fff_fff5: return "GNU_ATTRIBUTES"
        case 0x6fff_fff6: return "GNU_HASH"
        case 0x6fff_fff7: return "GNU_LIBLIST"
        case 0x6fff_fff4: return "GNU_SFRAME"
        case 0x6fff_fffd: return "VERDEF"
        case 0x6fff_fffe: return "VERNEED"
        case 0x6fff_ffff: return "VERSYM"
        case 0x6fff_4c00: return "LLVM_ODRTAB"
        case 0x6fff_4c01: return "LLVM_LINKER_OPTIONS"
        case 0x6fff_4c02: return "LLVM_CALL_GRAPH_PROFILE"
        case 0x6fff_4c03: return "LLVM_ADDRSIG"
        case 0x6fff_4c04: return "LLVM_DEPENDENT_LIBRARIES"
        case 0x6fff_4c05: return "LLVM_SYMPART"
        case 0x6fff_4c06: return "LLVM_PART_EHDR"
        case 0x6fff_4c07: return "LLVM_PART_PHDR"
        case 0x6fff_4c08: return "LLVM_BB_ADDR_MAP_V0"
        case 0x6fff_4c09: return "LLVM_CALL_GRAPH_PROFILE"
        case 0x6fff_4c0a: return "LLVM_BB_ADDR_MAP"
        case 0x6fff_4c0b: return "LLVM_OFFLOADING"
        case 0x6fff_4c0c: return "LLVM_LTO"
        default: break
        }
        if t >= 0x7000_0000 && t <= 0x7fff_ffff {
            switch machine {
            case EM.arm:
                switch t {
                case 0x7000_0001: return "ARM_EXIDX"
                case 0x7000_0002: return "ARM_PREEMPTMAP"
                case 0x7000_0003: return "ARM_ATTRIBUTES"
                case 0x7000_0004: return "ARM_DEBUGOVERLAY"
                case 0x7000_0005: return "ARM_OVERLAYSECTION"
                default: break
                }
            case EM.x86_64:
                if t == 0x7000_0001 { return "X86_64_UNWIND" }
            case EM.riscv:
                if t == 0x7000_0003 { return "RISCV_ATTRIBUTES" }
            case EM.aarch64:
                if t == 0x7000_0003 { return "AARCH64_ATTRIBUTES" }
            case EM.mips:
                switch t {
                case 0x7000_0006: return "MIPS_REGINFO"
                case 0x7000_000d: return "MIPS_OPTIONS"
                case 0x7000_001e: return "MIPS_DWARF"
                case 0x7000_002a: return "MIPS_ABIFLAGS"
                case 0x7000_0005: return "MIPS_DEBUG"
                default: break
                }
            default: break
            }
            return "LOPROC+0x" + hex(UInt64(t - 0x7000_0000))
        }
        if t >= 0x6000_0000 && t <= 0x6fff_ffff { return "LOOS+0x" + hex(UInt64(t - 0x6000_0000)) }
        if t >= 0x8000_0000 { return "LOUSER+0x" + hex(UInt64(t - 0x8000_0000)) }
        let h = hex(UInt64(t))
        return String(repeating: "0", count: max(0, 8 - h.count)) + h + ": <unknown>"
    }

    /// readelf -S flag letters ("WAX", "AI", ...).
    public static func sectionFlagLetters(_ flags: UInt64, machine: UInt16, osabi: UInt8) -> String {
        var s = ""
        var f = flags
        let pairs: [(UInt64, Character)] = [
            (0x1, "W"), (0x2, "A"), (0x4, "X"), (0x10, "M"), (0x20, "S"), (0x40, "I"), (0x80, "L"),
            (0x100, "O"), (0x200, "G"), (0x400, "T"), (0x800, "C"),
        ]
        for (bit, c) in pairs where f & bit != 0 { s.append(c); f &= ~bit }
        // GNU_RETAIN (R) and GNU_MBIND (D) only under GNU/none OS ABIs.
        if f & 0x20_0000 != 0 && (osabi == 3 || osabi == 9) { s.append("R"); f &= ~0x20_0000 }
        if f & 0x100_0000 != 0 && (osabi == 0 || osabi == 3 || osabi == 9) { s.append("D"); f &= ~0x100_0000 }
        if f & 0x8000_0000 != 0 { s.append("E"); f &= ~0x8000_0000 }
        if machine == EM.x86_64, f & 0x1000_0000 != 0 { s.append("l"); f &= ~0x1000_0000 }
        if machine == EM.arm, f & 0x2000_0000 != 0 { s.append("y"); f &= ~0x2000_0000 }
        if f & 0x0ff0_0000 != 0 { s.append("o"); f &= ~0x0ff0_0000 }
        if f & 0xf000_0000 != 0 { s.append("p"); f &= ~0xf000_0000 }
        if f != 0 { s.append("x") }
        return s
    }

    /// The "Key to Flags" legend printed after readelf -S.
    public static func sectionFlagKey(machine: UInt16, osabi: UInt8 = 0) -> String {
        var s = "Key to Flags:\n"
        s += "  W (write), A (alloc), X (execute), M (merge), S (strings), I (info),\n"
        s += "  L (link order), O (extra OS processing required), G (group), T (TLS),\n"
        s += "  C (compressed), x (unknown), o (OS specific), E (exclude),\n"
        s += osabi == 3 || osabi == 9 ? "  R (retain), D (mbind), " : "  D (mbind), "
        switch machine {
        case EM.x86_64, 0x8c /* L1OM */, 0xb5 /* K1OM */: s += "l (large), p (processor specific)\n"
        case EM.arm: s += "y (purecode), p (processor specific)\n"
        default: s += "p (processor specific)\n"
        }
        return s
    }

    /// readelf -S -t flag words ("WRITE, ALLOC").
    public static func sectionFlagWords(_ flags: UInt64, machine: UInt16) -> String {
        var words: [String] = []
        var f = flags
        let pairs: [(UInt64, String)] = [
            (0x1, "WRITE"), (0x2, "ALLOC"), (0x4, "EXEC"), (0x10, "MERGE"), (0x20, "STRINGS"), (0x40, "INFO LINK"),
            (0x80, "LINK ORDER"), (0x100, "OS NONCONF"), (0x200, "GROUP"), (0x400, "TLS"), (0x800, "COMPRESSED"),
            (0x8000_0000, "EXCLUDE"), (0x20_0000, "GNU_RETAIN"), (0x100_0000, "GNU_MBIND"),
        ]
        for (bit, w) in pairs where f & bit != 0 { words.append(w); f &= ~bit }
        if machine == EM.x86_64, f & 0x1000_0000 != 0 { words.append("LARGE"); f &= ~0x1000_0000 }
        if f & 0x0ff0_0000 != 0 { words.append("OS (" + hex(f & 0x0ff0_0000) + ")"); f &= ~0x0ff0_0000 }
        if f & 0xf000_0000 != 0 { words.append("PROC (" + hex(f & 0xf000_0000) + ")"); f &= ~0xf000_0000 }
        if f != 0 { words.append("UNKNOWN (" + hex(f) + ")") }
        return words.joined(separator: ", ")
    }

    public static func segmentType(_ t: UInt32, machine: UInt16) -> String {
        switch t {
        case 0: return "NULL"
        case 1: return "LOAD"
        case 2: return "DYNAMIC"
        case 3: return "INTERP"
        case 4: return "NOTE"
        case 5: return "SHLIB"
        case 6: return "PHDR"
        case 7: return "TLS"
        case 0x6474_e550: return "GNU_EH_FRAME"
        case 0x6474_e551: return "GNU_STACK"
        case 0x6474_e552: return "GNU_RELRO"
        case 0x6474_e553: return "GNU_PROPERTY"
        case 0x6474_e554: return "GNU_SFRAME"
        case 0x65a3_dbe5: return "OPENBSD_MUTABLE"
        case 0x65a3_dbe6: return "OPENBSD_RANDOMIZE"
        case 0x65a4_1be6: return "OPENBSD_WXNEEDED"
        case 0x65a4_1bee: return "OPENBSD_BOOTDATA"
        default: break
        }
        if t >= 0x7000_0000 && t <= 0x7fff_ffff {
            switch machine {
            case EM.arm: if t == 0x7000_0001 { return "EXIDX" }
            case EM.aarch64:
                if t == 0x7000_0000 { return "AARCH64_ARCHEXT" }
                if t == 0x7000_0002 { return "AARCH64_MEMTAG_MTE" }
            case EM.mips:
                switch t {
                case 0x7000_0000: return "REGINFO"
                case 0x7000_0001: return "RTPROC"
                case 0x7000_0002: return "OPTIONS"
                case 0x7000_0003: return "ABIFLAGS"
                default: break
                }
            case EM.riscv: if t == 0x7000_0003 { return "RISCV_ATTRIBUTES" }
            default: break
            }
            return "LOPROC+0x" + hex(UInt64(t - 0x7000_0000))
        }
        if t >= 0x6000_0000 && t <= 0x6fff_ffff { return "LOOS+0x" + hex(UInt64(t - 0x6000_0000)) }
        return "<unknown>: " + hex(UInt64(t))
    }

    public static func symbolType(_ t: UInt8, machine: UInt16) -> String {
        switch t {
        case 0: return "NOTYPE"
        case 1: return "OBJECT"
        case 2: return "FUNC"
        case 3: return "SECTION"
        case 4: return "FILE"
        case 5: return "COMMON"
        case 6: return "TLS"
        case 10: return "IFUNC"
        default:
            if t >= 13 { if machine == EM.arm && t == 13 { return "THUMB_FUNC" }; return "<processor specific>: \(t)" }
            if t >= 10 { return "<OS specific>: \(t)" }
            return "<unknown>: \(t)"
        }
    }

    public static func symbolBinding(_ b: UInt8) -> String {
        switch b {
        case 0: return "LOCAL"
        case 1: return "GLOBAL"
        case 2: return "WEAK"
        case 10: return "UNIQUE"
        default:
            if b >= 13 { return "<processor specific>: \(b)" }
            if b >= 10 { return "<OS specific>: \(b)" }
            return "<unknown>: \(b)"
        }
    }

    public static func symbolVisibility(_ v: UInt8) -> String {
        switch v & 3 {
        case 0: return "DEFAULT"
        case 1: return "INTERNAL"
        case 2: return "HIDDEN"
        default: return "PROTECTED"
        }
    }

    /// The Ndx column: "UND", "ABS", "COM", or the number right-aligned to 3.
    public static func symbolSectionIndex(_ shndx: UInt16, machine: UInt16) -> String {
        switch shndx {
        case 0: return "UND"
        case 0xfff1: return "ABS"
        case 0xfff2: return "COM"
        default:
            if shndx == 0xff00 && machine == EM.x86_64 { return "LARGE_COM" }
            if shndx == 0xffff { return "XINDEX" }  // unresolved extended index
            if shndx >= 0xff00 && shndx <= 0xff1f { return "PRC[0x" + pad4(shndx) + "]" }
            if shndx >= 0xff20 && shndx <= 0xff3f { return "OS [0x" + pad4(shndx) + "]" }
            if shndx >= 0xff00 { return "RSV[0x" + pad4(shndx) + "]" }
            let s = String(shndx)
            return String(repeating: " ", count: max(0, 3 - s.count)) + s
        }
    }

    static func pad4(_ v: UInt16) -> String {
        let h = hex(UInt64(v))
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    public static func dynamicTag(_ tag: Int64, machine: UInt16) -> String {
        switch tag {
        case 0: return "NULL"
        case 1: return "NEEDED"
        case 2: return "PLTRELSZ"
        case 3: return "PLTGOT"
        case 4: return "HASH"
        case 5: return "STRTAB"
        case 6: return "SYMTAB"
        case 7: return "RELA"
        case 8: return "RELASZ"
        case 9: return "RELAENT"
        case 10: return "STRSZ"
        case 11: return "SYMENT"
        case 12: return "INIT"
        case 13: return "FINI"
        case 14: return "SONAME"
        case 15: return "RPATH"
        case 16: return "SYMBOLIC"
        case 17: return "REL"
        case 18: return "RELSZ"
        case 19: return "RELENT"
        case 20: return "PLTREL"
        case 21: return "DEBUG"
        case 22: return "TEXTREL"
        case 23: return "JMPREL"
        case 24: return "BIND_NOW"
        case 25: return "INIT_ARRAY"
        case 26: return "FINI_ARRAY"
        case 27: return "INIT_ARRAYSZ"
        case 28: return "FINI_ARRAYSZ"
        case 29: return "RUNPATH"
        case 30: return "FLAGS"
        case 32: return "PREINIT_ARRAY"
        case 33: return "PREINIT_ARRAYSZ"
        case 34: return "SYMTAB_SHNDX"
        case 35: return "RELRSZ"
        case 36: return "RELR"
        case 37: return "RELRENT"
        case 0x6fff_fd00: return "CHECKSUM"
        case 0x6fff_fdf5: return "GNU_PRELINKED"
        case 0x6fff_fdf6: return "GNU_CONFLICTSZ"
        case 0x6fff_fdf7: return "GNU_LIBLISTSZ"
        case 0x6fff_fdf8: return "CHECKSUM"
        case 0x6fff_fdf9: return "PLTPADSZ"
        case 0x6fff_fdfa: return "MOVEENT"
        case 0x6fff_fdfb: return "MOVESZ"
        case 0x6fff_fdfc: return "FEATURE"
        case 0x6fff_fdfd: return "POSFLAG_1"
        case 0x6fff_fdfe: return "SYMINSZ"
        case 0x6fff_fdff: return "SYMINENT"
        case 0x6fff_fef5: return "GNU_HASH"
        case 0x6fff_fef6: return "TLSDESC_PLT"
        case 0x6fff_fef7: return "TLSDESC_GOT"
        case 0x6fff_fef8: return "GNU_CONFLICT"
        case 0x6fff_fef9: return "GNU_LIBLIST"
        case 0x6fff_fefa: return "CONFIG"
        case 0x6fff_fefb: return "DEPAUDIT"
        case 0x6fff_fefc: return "AUDIT"
        case 0x6fff_fefd: return "PLTPAD"
        case 0x6fff_fefe: return "MOVETAB"
        case 0x6fff_feff: return "SYMINFO"
        case 0x6fff_fff0: return "VERSYM"
        case 0x6fff_fff9: return "RELACOUNT"
        case 0x6fff_fffa: return "RELCOUNT"
        case 0x6fff_fffb: return "FLAGS_1"
        case 0x6fff_fffc: return "VERDEF"
        case 0x6fff_fffd: return "VERDEFNUM"
        case 0x6fff_fffe: return "VERNEED"
        case 0x6fff_ffff: return "VERNEEDNUM"
        case 0x7fff_fffd: return "AUXILIARY"
        case 0x7fff_fffe: return "USED"
        case 0x7fff_ffff: return "FILTER"
        default: break
        }
        if tag >= 0x7000_0000 && tag <= 0x7fff_ffff {
            switch machine {
            case EM.aarch64:
                switch tag {
                case 0x7000_0001: return "AARCH64_BTI_PLT"
                case 0x7000_0003: return "AARCH64_PAC_PLT"
                case 0x7000_0005: return "AARCH64_VARIANT_PCS"
                default: break
                }
            case EM.riscv: if tag == 0x7000_0001 { return "RISCV_VARIANT_CC" }
            case EM.ppc64:
                switch tag {
                case 0x7000_0000: return "PPC64_GLINK"
                case 0x7000_0001: return "PPC64_OPD"
                case 0x7000_0002: return "PPC64_OPDSZ"
                case 0x7000_0003: return "PPC64_OPT"
                default: break
                }
            case EM.mips:
                switch tag {
                case 0x7000_0001: return "MIPS_RLD_VERSION"
                case 0x7000_0005: return "MIPS_FLAGS"
                case 0x7000_0006: return "MIPS_BASE_ADDRESS"
                case 0x7000_000a: return "MIPS_LOCAL_GOTNO"
                case 0x7000_0011: return "MIPS_SYMTABNO"
                case 0x7000_0012: return "MIPS_UNREFEXTNO"
                case 0x7000_0013: return "MIPS_GOTSYM"
                case 0x7000_0016: return "MIPS_RLD_MAP"
                case 0x7000_0035: return "MIPS_RLD_MAP_REL"
                default: break
                }
            default: break
            }
            return "Processor Specific: " + hex(UInt64(bitPattern: tag))
        }
        if tag >= 0x6000_000d && tag <= 0x6fff_f000 { return "Operating System specific: " + hex(UInt64(bitPattern: tag)) }
        return "<unknown>: " + hex(UInt64(bitPattern: tag))
    }

    public static func dynamicFlags(_ v: UInt64) -> [String] {
        let names: [(UInt64, String)] = [(1, "ORIGIN"), (2, "SYMBOLIC"), (4, "TEXTREL"), (8, "BIND_NOW"), (0x10, "STATIC_TLS")]
        var out: [String] = []
        var f = v
        for (bit, n) in names where f & bit != 0 { out.append(n); f &= ~bit }
        if f != 0 { out.append("0x" + hex(f)) }
        return out
    }

    public static func dynamicFlags1(_ v: UInt64) -> [String] {
        let names: [(UInt64, String)] = [
            (0x1, "NOW"), (0x2, "GLOBAL"), (0x4, "GROUP"), (0x8, "NODELETE"), (0x10, "LOADFLTR"), (0x20, "INITFIRST"),
            (0x40, "NOOPEN"), (0x80, "ORIGIN"), (0x100, "DIRECT"), (0x200, "TRANS"), (0x400, "INTERPOSE"),
            (0x800, "NODEFLIB"), (0x1000, "NODUMP"), (0x2000, "CONFALT"), (0x4000, "ENDFILTEE"), (0x8000, "DISPRELDNE"),
            (0x10000, "DISPRELPND"), (0x20000, "NODIRECT"), (0x40000, "IGNMULDEF"), (0x80000, "NOKSYMS"),
            (0x100000, "NOHDR"), (0x200000, "EDITED"), (0x400000, "NORELOC"), (0x800000, "SYMINTPOSE"),
            (0x1000000, "GLOBAUDIT"), (0x2000000, "SINGLETON"), (0x4000000, "STUB"), (0x8000000, "PIE"),
            (0x10000000, "KMOD"), (0x20000000, "WEAKFILTER"), (0x40000000, "NOCOMMON"),
        ]
        var out: [String] = []
        var f = v
        for (bit, n) in names where f & bit != 0 { out.append(n); f &= ~bit }
        if f != 0 { out.append("0x" + hex(f)) }
        return out
    }
}

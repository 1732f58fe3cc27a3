import Bytes
import ELF

/// Note type names and descriptor decoding as readelf -n prints them.
enum ReadelfNotes {
    static func typeName(_ n: ELFNote, fileType: UInt16) -> String {
        let t = n.type
        if n.name.hasPrefix("GNU") {
            switch t {
            case 1: return "NT_GNU_ABI_TAG (ABI version tag)"
            case 2: return "NT_GNU_HWCAP (DSO-supplied software HWCAP info)"
            case 3: return "NT_GNU_BUILD_ID (unique build ID bitstring)"
            case 4: return "NT_GNU_GOLD_VERSION (gold version)"
            case 5: return "NT_GNU_PROPERTY_TYPE_0"
            case 0x100: return "NT_GNU_BUILD_ATTRIBUTE_OPEN"
            case 0x101: return "NT_GNU_BUILD_ATTRIBUTE_FUNC"
            default: return "Unknown note type: (0x" + Fmt.hex(UInt64(t), 8) + ")"
            }
        }
        if n.name.hasPrefix("stapsdt") {
            return t == 3 ? "NT_STAPSDT (SystemTap probe descriptors)" : "Unknown note type: (0x" + Fmt.hex(UInt64(t), 8) + ")"
        }
        if n.name.hasPrefix("Go") && t == 4 { return "GO BUILDID" }
        if n.name.hasPrefix("FDO") && t == 0xcafe_1a7e { return "FDO_PACKAGING_METADATA" }
        if fileType == ET.core || n.name == "CORE" || n.name == "LINUX" {
            if let s = coreTypes[t] { return s }
        } else {
            if t == 1 { return "NT_VERSION (version)" }
            if t == 2 { return "NT_ARCH (architecture)" }
            if t == 0x100 { return "OPEN" }
            if t == 0x101 { return "func" }
        }
        return "Unknown note type: (0x" + Fmt.hex(UInt64(t), 8) + ")"
    }

    static let coreTypes: [UInt32: String] = [
        1: "NT_PRSTATUS (prstatus structure)", 2: "NT_FPREGSET (floating point registers)",
        3: "NT_PRPSINFO (prpsinfo structure)", 4: "NT_TASKSTRUCT (task structure)", 6: "NT_AUXV (auxiliary vector)",
        10: "NT_PSTATUS (pstatus structure)", 12: "NT_FPREGS (floating point registers)", 13: "NT_PSINFO (psinfo structure)",
        16: "NT_LWPSTATUS (lwpstatus_t structure)", 17: "NT_LWPSINFO (lwpsinfo_t structure)",
        18: "NT_WIN32PSTATUS (win32_pstatus structure)", 0x46e6_2b7f: "NT_PRXFPREG (user_xfpregs structure)",
        0x53494749: "NT_SIGINFO (siginfo_t data)", 0x46494c45: "NT_FILE (mapped files)",
        0x200: "NT_386_TLS (x86 TLS information)", 0x201: "NT_386_IOPERM (x86 I/O permissions)",
        0x202: "NT_X86_XSTATE (x86 XSAVE extended state)", 0x203: "NT_X86_CET (x86 CET state)",
        0x400: "NT_ARM_VFP (arm VFP registers)", 0x401: "NT_ARM_TLS (AArch TLS registers)",
        0x402: "NT_ARM_HW_BREAK (AArch hardware breakpoint registers)",
        0x403: "NT_ARM_HW_WATCH (AArch hardware watchpoint registers)",
        0x404: "NT_ARM_SYSTEM_CALL (AArch system call number)", 0x405: "NT_ARM_SVE (AArch SVE registers)",
        0x406: "NT_ARM_PAC_MASK (AArch pointer authentication code masks)",
        0x409: "NT_ARM_TAGGED_ADDR_CTRL (AArch tagged address control)",
        0x100: "NT_PPC_VMX (ppc Altivec registers)", 0x102: "NT_PPC_VSX (ppc VSX registers)",
        0x300: "NT_S390_HIGH_GPRS (s390 upper register halves)", 0x900: "NT_RISCV_CSR (RISC-V control and status registers)",
    ]

    static func details(_ n: ELFNote, file: ELFFile, wide: Bool) -> String {
        let d = n.desc
        if n.name == "GNU" {
            switch n.type {
            case 1:
                guard d.count >= 16, let os = try? d.u32(0), let a = try? d.u32(4), let b = try? d.u32(8), let c = try? d.u32(12) else { return "" }
                let osName = ["Linux", "Hurd", "Solaris", "FreeBSD", "NetBSD", "Syllable", "NaCl"]
                let name = Int(os) < osName.count ? osName[Int(os)] : "Unknown"
                return "    OS: \(name), ABI: \(a).\(b).\(c)\n"
            case 3:
                return "    Build ID: " + d.array.map { Fmt.hex(UInt64($0), 2) }.joined() + "\n"
            case 4:
                return "    Version: " + String(decoding: d.array, as: UTF8.self) + "\n"
            case 5:
                return "      Properties: " + properties(d, file: file, wide: wide) + "\n"
            default:
                return ""
            }
        }
        if n.name == "stapsdt" && n.type == 3 {
            let w = file.header.is64 ? 8 : 4
            guard d.count >= 3 * w, let pc = try? d.unsigned(0, size: w), let base = try? d.unsigned(w, size: w),
                  let sem = try? d.unsigned(2 * w, size: w) else { return "    <corrupt>\n" }
            var c = Cursor(d, offset: 3 * w)
            let prov = (try? c.cString()) ?? "", name = (try? c.cString()) ?? "", args = (try? c.cString()) ?? ""
            let hx: (UInt64) -> String = { "0x" + Fmt.hex($0, w * 2) }
            return "    Provider: \(prov)\n    Name: \(name)\n    Location: \(hx(pc)), Base: \(hx(base)), Semaphore: \(hx(sem))\n    Arguments: \(args)\n"
        }
        if n.name == "CORE" && n.type == 0x46494c45 { return fileNote(d, is64: file.header.is64) }
        return ""
    }

    static func fileNote(_ d: Bytes, is64: Bool) -> String {
        let w = is64 ? 8 : 4
        guard let count = try? d.unsigned(0, size: w), let page = try? d.unsigned(w, size: w),
              count <= UInt64(d.count / (3 * w)) else { return "    <corrupt>\n" }
        var s = "    Page size: \(page)\n"
        s += is64 ? "                 Start                 End         Page Offset\n" : "    Start        End    Page Offset\n"
        var names = Cursor(d, offset: 2 * w + Int(count) * 3 * w)
        for i in 0..<Int(count) {
            let o = 2 * w + i * 3 * w
            let a = (try? d.unsigned(o, size: w)) ?? 0, b = (try? d.unsigned(o + w, size: w)) ?? 0, c = (try? d.unsigned(o + 2 * w, size: w)) ?? 0
            if is64 {
                s += "    0x" + Fmt.hex(a, 16) + "  0x" + Fmt.hex(b, 16) + "  0x" + Fmt.hex(c, 16) + "\n"
            } else {
                s += "    0x" + Fmt.hex(a, 8) + "  0x" + Fmt.hex(b, 8) + "  0x" + Fmt.hex(c, 8) + "\n"
            }
            s += "        " + ((try? names.cString()) ?? "") + "\n"
        }
        return s
    }

    static func bits(_ v: UInt32, _ names: [UInt32: String]) -> String {
        if v == 0 { return "<None>" }
        var parts: [String] = []
        var m = v
        while m != 0 {
            let bit = m & (0 &- m)
            m &= ~bit
            parts.append(names[bit] ?? "<unknown: \(Fmt.hex(UInt64(bit)))>")
        }
        return parts.joined(separator: ", ")
    }

    static let x86ISA: [UInt32: String] = [1: "x86-64-baseline", 2: "x86-64-v2", 4: "x86-64-v3", 8: "x86-64-v4"]
    static let x86Feature1: [UInt32: String] = [1: "IBT", 2: "SHSTK", 4: "LAM_U48", 8: "LAM_U57"]
    static let x86Feature2: [UInt32: String] = [
        1: "x86", 2: "x87", 4: "MMX", 8: "XMM", 0x10: "YMM", 0x20: "ZMM", 0x40: "FXSR", 0x80: "XSAVE", 0x100: "XSAVEOPT",
        0x200: "XSAVEC", 0x400: "TMM", 0x800: "MASK",
    ]
    static let aarch64Feature1: [UInt32: String] = [1: "BTI", 2: "PAC"]

    /// NT_GNU_PROPERTY_TYPE_0 properties, joined as readelf does ("\n\t" or ", " when wide).
    static func properties(_ d: Bytes, file: ELFFile, wide: Bool) -> String {
        let align = file.header.is64 ? 8 : 4
        var parts: [String] = []
        var off = 0
        let machine = file.header.machine
        while off < d.count {
            guard d.count - off >= 8, let type = try? d.u32(off), let size = try? d.u32(off + 4) else {
                parts.append("<corrupt GNU_PROPERTY_TYPE, size = \(Fmt.altHex(UInt64(d.count - off)))>")
                break
            }
            let dataOff = off + 8
            guard Int(size) <= d.count - dataOff else {
                parts.append("<corrupt GNU_PROPERTY_TYPE, size = 0x\(Fmt.hex(UInt64(size)))>")
                break
            }
            let v: UInt32? = size == 4 ? try? d.u32(dataOff) : nil
            func needs4(_ label: String, _ table: [UInt32: String]) -> String {
                guard let v else { return "\(label) <corrupt length: 0x\(Fmt.hex(UInt64(size)))>" }
                return "\(label)" + bits(v, table)
            }
            var text: String
            if (machine == EM.x86_64 || machine == EM.i386) && type >= 0xc000_0000 {
                switch type {
                case 0xc000_8002: text = needs4("x86 ISA needed: ", x86ISA)
                case 0xc001_0002: text = needs4("x86 ISA used: ", x86ISA)
                case 0xc000_0002: text = needs4("x86 feature: ", x86Feature1)
                case 0xc001_0001: text = needs4("x86 feature used: ", x86Feature2)
                case 0xc000_8001: text = needs4("x86 feature needed: ", x86Feature2)
                default: text = "<processor-specific type 0x\(Fmt.hex(UInt64(type))) data: \(hexBytes(d, dataOff, Int(size)))>"
                }
            } else if machine == EM.aarch64 && type == 0xc000_0000 {
                text = needs4("AArch64 feature: ", aarch64Feature1)
            } else {
                switch type {
                case 1:
                    let w = file.header.is64 ? 8 : 4
                    if Int(size) == w, let s = try? d.unsigned(dataOff, size: w) { text = "stack size: 0x\(Fmt.hex(s))" } else { text = "stack size: <corrupt length: 0x\(Fmt.hex(UInt64(size)))>" }
                case 2: text = size == 0 ? "no copy on protected " : "no copy on protected <corrupt length: 0x\(Fmt.hex(UInt64(size)))>"
                case 0xb000_8000: text = needs4("1_needed: ", [1: "indirect external access"])
                default:
                    if type >= 0xc000_0000 {
                        text = "<processor-specific type 0x\(Fmt.hex(UInt64(type))) data: \(hexBytes(d, dataOff, Int(size)))>"
                    } else if type >= 0x8000_0000 {
                        text = "<application-specific type 0x\(Fmt.hex(UInt64(type))) data: \(hexBytes(d, dataOff, Int(size)))>"
                    } else {
                        text = "<unknown type 0x\(Fmt.hex(UInt64(type))) data: \(hexBytes(d, dataOff, Int(size)))>"
                    }
                }
            }
            parts.append(text)
            off = dataOff + ((Int(size) + align - 1) & ~(align - 1))
        }
        return parts.joined(separator: wide ? ", " : "\n\t")
    }

    static func hexBytes(_ d: Bytes, _ off: Int, _ n: Int) -> String {
        ((try? d.array(off, n)) ?? []).map { Fmt.hex(UInt64($0), 2) + " " }.joined()
    }
}

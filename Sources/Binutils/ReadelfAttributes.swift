import Bytes
import ELF

/// Build attribute sections (.ARM.attributes, .riscv.attributes, .gnu.attributes) as readelf -A prints them.
enum ReadelfAttributes {
    static let armTags: [UInt64: (String, [String]?)] = [
        4: ("CPU_raw_name", nil), 5: ("CPU_name", nil),
        6: ("CPU_arch", ["Pre-v4", "v4", "v4T", "v5T", "v5TE", "v5TEJ", "v6", "v6KZ", "v6T2", "v6K", "v7", "v6-M", "v6S-M", "v7E-M",
                         "v8", "v8-R", "v8-M.baseline", "v8-M.mainline", "v8.1-A", "v8.2-A", "v8.3-A", "v8.1-M.mainline", "v9"]),
        7: ("CPU_arch_profile", []),
        8: ("ARM_ISA_use", ["No", "Yes"]), 9: ("THUMB_ISA_use", ["No", "Thumb-1", "Thumb-2", "Yes"]),
        10: ("FP_arch", ["No", "VFPv1", "VFPv2", "VFPv3", "VFPv3-D16", "VFPv4", "VFPv4-D16", "FP for ARMv8", "FPv5/FP-D16 for ARMv8"]),
        11: ("WMMX_arch", ["No", "WMMXv1", "WMMXv2"]),
        12: ("Advanced_SIMD_arch", ["No", "NEONv1", "NEONv1 with Fused-MAC", "NEON for ARMv8", "NEON for ARMv8.1"]),
        13: ("PCS_config", ["None", "Bare platform", "Linux application", "Linux DSO", "PalmOS 2004", "PalmOS (reserved)",
                            "SymbianOS 2004", "SymbianOS (reserved)"]),
        14: ("ABI_PCS_R9_use", ["V6", "SB", "TLS", "Unused"]), 15: ("ABI_PCS_RW_data", ["Absolute", "PC-relative", "SB-relative", "None"]),
        16: ("ABI_PCS_RO_data", ["Absolute", "PC-relative", "None"]), 17: ("ABI_PCS_GOT_use", ["None", "direct", "GOT-indirect"]),
        18: ("ABI_PCS_wchar_t", []), 19: ("ABI_FP_rounding", ["Unused", "Needed"]),
        20: ("ABI_FP_denormal", ["Unused", "Needed", "Sign only"]), 21: ("ABI_FP_exceptions", ["Unused", "Needed"]),
        22: ("ABI_FP_user_exceptions", ["Unused", "Needed"]), 23: ("ABI_FP_number_model", ["Unused", "Finite", "RTABI", "IEEE 754"]),
        24: ("ABI_align_needed", []), 25: ("ABI_align_preserved", []),
        26: ("ABI_enum_size", ["Unused", "small", "int", "forced to int"]),
        27: ("ABI_HardFP_use", ["As Tag_FP_arch", "SP only", "Reserved", "Deprecated"]),
        28: ("ABI_VFP_args", ["AAPCS", "VFP registers", "custom", "compatible"]), 29: ("ABI_WMMX_args", ["AAPCS", "WMMX registers", "custom"]),
        30: ("ABI_optimization_goals", ["None", "Prefer Speed", "Aggressive Speed", "Prefer Size", "Aggressive Size", "Prefer Debug", "Aggressive Debug"]),
        31: ("ABI_FP_optimization_goals", ["None", "Prefer Speed", "Aggressive Speed", "Prefer Size", "Aggressive Size", "Prefer Accuracy", "Aggressive Accuracy"]),
        34: ("CPU_unaligned_access", ["None", "v6"]), 36: ("FP_HP_extension", ["Not Allowed", "Allowed"]),
        38: ("ABI_FP_16bit_format", ["None", "IEEE 754", "Alternative Format"]), 42: ("MPextension_use", ["Not Allowed", "Allowed"]),
        44: ("DIV_use", ["Allowed in Thumb-ISA, v7-R or v7-M", "Not allowed", "Allowed in v7-A with integer division extension"]),
        46: ("DSP_extension", ["Follow architecture", "Allowed"]), 64: ("nodefaults", []), 65: ("also_compatible_with", nil),
        66: ("T2EE_use", ["Not Allowed", "Allowed"]), 67: ("conformance", nil),
        68: ("Virtualization_use", ["Not Allowed", "TrustZone", "Virtualization Extensions", "TrustZone and Virtualization Extensions"]),
        70: ("MPextension_use", ["Not Allowed", "Allowed"]),
    ]

    static func arm(_ d: Bytes) -> String {
        walk(d) { tag, c in
            guard let (name, table) = armTags[tag] else {
                if tag & 1 == 1 { return "  Tag_unknown_\(tag): \"\((try? c.cString()) ?? "")\"\n" }
                return "  Tag_unknown_\(tag): \((try? c.uleb()) ?? 0) (0x\(Fmt.hex((try? c.bytes.uleb(c.offset).value) ?? 0)))\n"
            }
            guard let table else { return "  Tag_\(name): \"\((try? c.cString()) ?? "")\"\n" }
            let v = (try? c.uleb()) ?? 0
            var text: String
            switch tag {
            case 7:
                switch v {
                case 0: text = "None"
                case 0x41: text = "Application"
                case 0x52: text = "Realtime"
                case 0x4d: text = "Microcontroller"
                case 0x53: text = "Application or Realtime"
                default: text = "??? (\(v))"
                }
            case 18: text = v == 0 ? "None" : (v == 2 || v == 4) ? "\(v)" : "??? (\(v))"
            case 24, 25:
                switch v {
                case 0: text = "None"
                case 1: text = tag == 24 ? "8-byte" : "8-byte, except leaf SP"
                case 2: text = tag == 24 ? "4-byte" : "8-byte"
                case 3: text = "??? 3"
                default: text = v <= 12 ? "8-byte and up to \(1 << v)-byte extended" : "??? (\(v))"
                }
            case 64: text = "True"
            default: text = Int(v) < table.count ? table[Int(v)] : "??? (\(v))"
            }
            return "  Tag_\(name): \(text)\n"
        }
    }

    static func generic(_ d: Bytes, vendor: String) -> String {
        walk(d) { tag, c in
            if tag & 1 == 1 && tag > 3 { return "  Tag_unknown_\(tag): \"\((try? c.cString()) ?? "")\"\n" }
            let v = (try? c.uleb()) ?? 0
            return "  Tag_unknown_\(tag): \(v) (0x\(Fmt.hex(v)))\n"
        }
    }

    /// Walks 'A' + [u32 length, vendor\0, (tag, u32 size, attributes)*]*.
    static func walk(_ d: Bytes, _ attr: (UInt64, inout Cursor) -> String) -> String {
        guard d.count > 0, (try? d.u8(0)) == 0x41 else { return "" }
        var s = ""
        var off = 1
        while off + 4 <= d.count {
            guard let len = try? d.u32(off), len >= 4, Int(len) <= d.count - off else { break }
            let end = off + Int(len)
            var c = Cursor((try? d.slice(0, end)) ?? d, offset: off + 4)
            let vendor = (try? c.cString()) ?? ""
            s += "Attribute Section: \(vendor)\n"
            while c.offset < end {
                guard let tag = try? c.uleb(), let size = try? c.u32(), size >= 5 else { break }
                let subEnd = min(end, c.offset - 5 + Int(size))
                switch tag {
                case 1: s += "File Attributes\n"
                case 2: s += "Section Attributes:"
                case 3: s += "Symbol Attributes:"
                default: s += "Unknown tag: \(tag)\n"
                }
                if tag == 2 || tag == 3 {
                    while let n = try? c.uleb(), n != 0 { s += " \(n)" }
                    s += "\n"
                }
                var sub = Cursor((try? d.slice(0, max(subEnd, c.offset))) ?? d, offset: c.offset)
                while sub.offset < subEnd {
                    guard let t = try? sub.uleb() else { break }
                    let before = sub.offset
                    s += attr(t, &sub)
                    if sub.offset == before { break }
                }
                c.offset = subEnd
            }
            off = end
        }
        return s
    }
}

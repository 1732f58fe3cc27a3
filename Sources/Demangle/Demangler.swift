// Symbol demangling for Itanium C++, Rust (legacy and v0) and Swift names.
// C++ and Rust output matches GNU c++filt (binutils 2.40, default options);
// Swift output is the Swift runtime's own demangler, as swift-demangle prints it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@_silgen_name("swift_demangle")
private func _swift_demangle(
    _ mangledName: UnsafePointer<CChar>?, _ mangledNameLength: Int,
    _ outputBuffer: UnsafeMutablePointer<CChar>?, _ outputBufferSize: UnsafeMutablePointer<Int>?,
    _ flags: UInt32
) -> UnsafeMutablePointer<CChar>?

public enum Demangler {
    /// Any supported scheme: Itanium C++ (`_Z...`, `_GLOBAL__I_...`), Rust legacy
    /// (`_ZN...17h<hash>E`) and v0 (`_R...`), Swift (`$s`, `$S`, `$e`, `_T0`...).
    /// nil if the name is not mangled or not understood (where c++filt would
    /// print it unchanged).
    public static func demangle(_ symbol: String) -> String? { demangle(symbol, verbose: true) }

    /// `verbose: false` is how nm -C, readelf -C and objdump -C print (std::string for Ss, ...);
    /// c++filt runs verbose.
    public static func demangle(_ symbol: String, verbose: Bool) -> String? {
        var s = symbol
        return s.withUTF8 { buf -> String? in
            guard buf.count >= 2 else { return nil }
            let b0 = buf[0], b1 = buf[1]
            if b0 == UInt8(ascii: "_") && (b1 == UInt8(ascii: "Z") || b1 == UInt8(ascii: "R") || b1 == UInt8(ascii: "G")) {
                let bytes = Array(buf)
                // c++filt tries Rust first: legacy Rust names are also valid C++ names.
                if let r = RustDemangler.demangle(bytes) { return String(decoding: r, as: UTF8.self) }
                if b1 == UInt8(ascii: "R") { return nil }
                return ItaniumDemangler.demangle(bytes, params: true, verbose: verbose).map { String(decoding: $0, as: UTF8.self) }
            }
            if looksSwift(buf) { return swiftDemangle(buf) }
            return nil
        }
    }

    /// Itanium C++ only. `parameters: false` is c++filt `-p`: no parameter
    /// list (and no clone suffixes) on functions.
    public static func itanium(_ s: String, parameters: Bool = true) -> String? {
        ItaniumDemangler.demangle(Array(s.utf8), params: parameters).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Rust legacy and v0 symbols only.
    public static func rust(_ s: String) -> String? {
        RustDemangler.demangle(Array(s.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Swift symbols, through the Swift runtime's demangler (full output,
    /// like `swift-demangle` without options).
    public static func swift(_ s: String) -> String? {
        var s = s
        return s.withUTF8 { buf in looksSwift(buf) ? swiftDemangle(buf) : nil }
    }

    static func looksSwift(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        func at(_ i: Int) -> UInt8 { i < b.count ? b[i] : 0 }
        let dollar = UInt8(ascii: "$"), under = UInt8(ascii: "_")
        var i = 0
        if at(0) == under && at(1) == dollar { i = 1 }  // Darwin's extra underscore
        if at(i) == dollar {
            let c = at(i + 1)
            return c == UInt8(ascii: "s") || c == UInt8(ascii: "S") || c == UInt8(ascii: "e")
        }
        if at(0) == under && at(1) == UInt8(ascii: "T") && at(2) == UInt8(ascii: "0") { return true }
        if at(0) == UInt8(ascii: "@") && b.count > 14 { return Array(b.prefix(14)) == Array("@__swiftmacro_".utf8) }
        return false
    }

    static func swiftDemangle(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard b.count < 1 << 16, !b.contains(0) else { return nil }
        return b.withMemoryRebound(to: CChar.self) { cs -> String? in
            guard let res = _swift_demangle(cs.baseAddress, cs.count, nil, nil, 0) else { return nil }
            defer { free(res) }
            let text = String(cString: res)
            // The runtime hands back names it cannot demangle unchanged.
            return text.utf8.elementsEqual(UnsafeRawBufferPointer(b)) ? nil : text
        }
    }
}

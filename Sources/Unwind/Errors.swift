import Bytes

/// Why call frame information could not be read or evaluated. Offsets are section offsets.
public enum CFIError: Error, Equatable, CustomStringConvertible {
    case bytes(ByteError)
    case malformed(offset: Int, reason: String)
    case badPointerEncoding(UInt8, offset: Int)
    case unsupportedAugmentation(String, offset: Int)
    case badCIEPointer(fde: Int, cie: Int)
    case badOpcode(UInt8, offset: Int)
    case expression(String)
    case memory(address: UInt64)

    public var description: String {
        switch self {
        case let .bytes(e): return "truncated call frame information: \(e)"
        case let .malformed(o, r): return "malformed call frame information at offset 0x\(String(o, radix: 16)): \(r)"
        case let .badPointerEncoding(e, o): return "bad pointer encoding 0x\(String(e, radix: 16)) at offset 0x\(String(o, radix: 16))"
        case let .unsupportedAugmentation(a, o): return "unsupported CIE augmentation \"\(a)\" at offset 0x\(String(o, radix: 16))"
        case let .badCIEPointer(f, c): return "FDE at offset 0x\(String(f, radix: 16)) points to 0x\(String(c, radix: 16)), which is not a CIE"
        case let .badOpcode(op, o): return "unknown call frame instruction 0x\(String(op, radix: 16)) at offset 0x\(String(o, radix: 16))"
        case let .expression(s): return "DWARF expression: \(s)"
        case let .memory(a): return "cannot read memory at 0x\(String(a, radix: 16))"
        }
    }
}

@inline(__always)
func cfi<T>(_ body: () throws -> T) throws(CFIError) -> T {
    do { return try body() } catch let e as ByteError { throw .bytes(e) } catch let e as CFIError { throw e } catch {
        throw .malformed(offset: 0, reason: "\(error)")
    }
}

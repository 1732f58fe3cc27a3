import Bytes

/// DW_EH_PE pointer encodings (.eh_frame, .eh_frame_hdr, LSB "Exception Frames").
public enum DW_EH_PE {
    public static let absptr: UInt8 = 0x00, uleb128: UInt8 = 0x01, udata2: UInt8 = 0x02, udata4: UInt8 = 0x03, udata8: UInt8 = 0x04
    public static let signed: UInt8 = 0x08, sleb128: UInt8 = 0x09, sdata2: UInt8 = 0x0a, sdata4: UInt8 = 0x0b, sdata8: UInt8 = 0x0c
    public static let pcrel: UInt8 = 0x10, textrel: UInt8 = 0x20, datarel: UInt8 = 0x30, funcrel: UInt8 = 0x40, aligned: UInt8 = 0x50
    public static let indirect: UInt8 = 0x80, omit: UInt8 = 0xff
}

/// What relative pointer encodings are relative to. `sectionAddress` is the address of byte 0 of the bytes being read.
public struct PointerContext: Sendable {
    public var addressSize: Int
    public var sectionAddress: UInt64
    public var textBase: UInt64?
    public var dataBase: UInt64?
    public var funcBase: UInt64?

    public init(addressSize: Int, sectionAddress: UInt64, textBase: UInt64? = nil, dataBase: UInt64? = nil, funcBase: UInt64? = nil) {
        self.addressSize = addressSize
        self.sectionAddress = sectionAddress
        self.textBase = textBase
        self.dataBase = dataBase
        self.funcBase = funcBase
    }
}

/// A decoded pointer; `indirect` says the value is the address of the real pointer (not followed here).
public struct EncodedPointer: Sendable, Equatable {
    public var value: UInt64
    public var indirect: Bool
}

enum PointerReader {
    /// Size in bytes of a fixed-size encoding, nil for LEB128 or invalid formats.
    static func fixedSize(_ enc: UInt8, addressSize: Int) -> Int? {
        switch enc & 0x0f {
        case DW_EH_PE.absptr, DW_EH_PE.signed: return addressSize
        case DW_EH_PE.udata2, DW_EH_PE.sdata2: return 2
        case DW_EH_PE.udata4, DW_EH_PE.sdata4: return 4
        case DW_EH_PE.udata8, DW_EH_PE.sdata8: return 8
        default: return nil
        }
    }

    static func valid(_ enc: UInt8) -> Bool {
        if enc == DW_EH_PE.omit { return true }
        switch enc & 0x0f {
        case 0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x09, 0x0a, 0x0b, 0x0c: break
        default: return false
        }
        return (enc & 0x70) <= 0x50
    }

    /// Reads a pointer with encoding `enc` at `c`. `valueOnly` ignores the application bits (FDE address ranges).
    static func read(_ c: inout Cursor, _ enc: UInt8, _ ctx: PointerContext, valueOnly: Bool = false) throws(CFIError) -> EncodedPointer {
        let start = c.offset
        guard enc != DW_EH_PE.omit, valid(enc) else { throw .badPointerEncoding(enc, offset: start) }
        guard ctx.addressSize == 4 || ctx.addressSize == 8 else { throw .malformed(offset: start, reason: "address size \(ctx.addressSize)") }
        let app = enc & 0x70
        if app == DW_EH_PE.aligned && !valueOnly {
            let addr = ctx.sectionAddress &+ UInt64(c.offset)
            let a = UInt64(ctx.addressSize)
            let pad = (a - addr % a) % a
            c.offset += Int(pad)
        }
        let fieldAddress = ctx.sectionAddress &+ UInt64(c.offset)
        var v: UInt64
        do {
            switch enc & 0x0f {
            case DW_EH_PE.absptr: v = try c.unsigned(size: ctx.addressSize)
            case DW_EH_PE.signed:
                v = try c.unsigned(size: ctx.addressSize)
                if ctx.addressSize == 4 { v = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v))) }
            case DW_EH_PE.uleb128: v = try c.uleb()
            case DW_EH_PE.udata2: v = UInt64(try c.u16())
            case DW_EH_PE.udata4: v = UInt64(try c.u32())
            case DW_EH_PE.udata8: v = try c.u64()
            case DW_EH_PE.sleb128: v = UInt64(bitPattern: try c.sleb())
            case DW_EH_PE.sdata2: v = UInt64(bitPattern: Int64(try c.i16()))
            case DW_EH_PE.sdata4: v = UInt64(bitPattern: Int64(try c.i32()))
            case DW_EH_PE.sdata8: v = try c.u64()
            default: throw CFIError.badPointerEncoding(enc, offset: start)
            }
        } catch let e as ByteError {
            throw .bytes(e)
        } catch let e as CFIError {
            throw e
        } catch {
            throw .malformed(offset: start, reason: "\(error)")
        }
        if !valueOnly {
            switch app {
            case DW_EH_PE.pcrel: v = v &+ fieldAddress
            case DW_EH_PE.textrel:
                guard let b = ctx.textBase else { throw .badPointerEncoding(enc, offset: start) }
                v = v &+ b
            case DW_EH_PE.datarel:
                guard let b = ctx.dataBase else { throw .badPointerEncoding(enc, offset: start) }
                v = v &+ b
            case DW_EH_PE.funcrel:
                guard let b = ctx.funcBase else { throw .badPointerEncoding(enc, offset: start) }
                v = v &+ b
            default: break
            }
        }
        if ctx.addressSize == 4 { v &= 0xffff_ffff }
        return EncodedPointer(value: v, indirect: enc & DW_EH_PE.indirect != 0)
    }
}

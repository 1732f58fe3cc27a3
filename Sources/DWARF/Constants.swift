/// DWARF tags (DW_TAG_*) sonde interprets.
public enum DW_TAG {
    public static let arrayType: UInt16 = 0x01, entryPoint: UInt16 = 0x03, lexicalBlock: UInt16 = 0x0b, member: UInt16 = 0x0d
    public static let compileUnit: UInt16 = 0x11, structureType: UInt16 = 0x13, inlinedSubroutine: UInt16 = 0x1d
    public static let subprogram: UInt16 = 0x2e, variable: UInt16 = 0x34, namespace: UInt16 = 0x39
    public static let partialUnit: UInt16 = 0x3c, typeUnit: UInt16 = 0x41, skeletonUnit: UInt16 = 0x4a
}

/// DWARF attributes (DW_AT_*).
public enum DW_AT {
    public static let sibling: UInt16 = 0x01, location: UInt16 = 0x02, name: UInt16 = 0x03, byteSize: UInt16 = 0x0b
    public static let stmtList: UInt16 = 0x10, lowPC: UInt16 = 0x11, highPC: UInt16 = 0x12, language: UInt16 = 0x13
    public static let compDir: UInt16 = 0x1b, producer: UInt16 = 0x25, abstractOrigin: UInt16 = 0x31
    public static let declFile: UInt16 = 0x3a, declLine: UInt16 = 0x3b, declaration: UInt16 = 0x3c
    public static let specification: UInt16 = 0x47, frameBase: UInt16 = 0x40, ranges: UInt16 = 0x55
    public static let entryPC: UInt16 = 0x52
    public static let callColumn: UInt16 = 0x57, callFile: UInt16 = 0x58, callLine: UInt16 = 0x59
    public static let linkageName: UInt16 = 0x6e, mipsLinkageName: UInt16 = 0x2007
    public static let strOffsetsBase: UInt16 = 0x72, addrBase: UInt16 = 0x73, rnglistsBase: UInt16 = 0x74
    public static let dwoName: UInt16 = 0x76, loclistsBase: UInt16 = 0x8c
    public static let gnuDwoName: UInt16 = 0x2130, gnuDwoID: UInt16 = 0x2131, gnuRangesBase: UInt16 = 0x2132
    public static let gnuAddrBase: UInt16 = 0x2133, gnuPubnames: UInt16 = 0x2134
}

/// DWARF attribute forms (DW_FORM_*).
public enum DW_FORM {
    public static let addr: UInt16 = 0x01, block2: UInt16 = 0x03, block4: UInt16 = 0x04, data2: UInt16 = 0x05
    public static let data4: UInt16 = 0x06, data8: UInt16 = 0x07, string: UInt16 = 0x08, block: UInt16 = 0x09
    public static let block1: UInt16 = 0x0a, data1: UInt16 = 0x0b, flag: UInt16 = 0x0c, sdata: UInt16 = 0x0d
    public static let strp: UInt16 = 0x0e, udata: UInt16 = 0x0f, refAddr: UInt16 = 0x10, ref1: UInt16 = 0x11
    public static let ref2: UInt16 = 0x12, ref4: UInt16 = 0x13, ref8: UInt16 = 0x14, refUdata: UInt16 = 0x15
    public static let indirect: UInt16 = 0x16, secOffset: UInt16 = 0x17, exprloc: UInt16 = 0x18, flagPresent: UInt16 = 0x19
    public static let strx: UInt16 = 0x1a, addrx: UInt16 = 0x1b, refSup4: UInt16 = 0x1c, strpSup: UInt16 = 0x1d
    public static let data16: UInt16 = 0x1e, lineStrp: UInt16 = 0x1f, refSig8: UInt16 = 0x20, implicitConst: UInt16 = 0x21
    public static let loclistx: UInt16 = 0x22, rnglistx: UInt16 = 0x23, refSup8: UInt16 = 0x24
    public static let strx1: UInt16 = 0x25, strx2: UInt16 = 0x26, strx3: UInt16 = 0x27, strx4: UInt16 = 0x28
    public static let addrx1: UInt16 = 0x29, addrx2: UInt16 = 0x2a, addrx3: UInt16 = 0x2b, addrx4: UInt16 = 0x2c
    public static let gnuAddrIndex: UInt16 = 0x1f01, gnuStrIndex: UInt16 = 0x1f02
    public static let gnuRefAlt: UInt16 = 0x1f20, gnuStrpAlt: UInt16 = 0x1f21
}

/// Unit types (DW_UT_*), DWARF 5.
public enum DW_UT {
    public static let compile: UInt8 = 1, type: UInt8 = 2, partial: UInt8 = 3, skeleton: UInt8 = 4
    public static let splitCompile: UInt8 = 5, splitType: UInt8 = 6
}

/// Languages (DW_LANG_*) whose DW_AT_name is already the symbol name (binutils' mangle_style 0).
public enum DW_LANG {
    public static let c89: UInt64 = 0x01, c: UInt64 = 0x02, cplusplus: UInt64 = 0x04
    /// Languages whose plain names are linkage names (C, Fortran 77, Pascal, assembler...): binutils' list.
    public static func namesAreLinkageNames(_ lang: UInt64) -> Bool {
        switch lang {
        // C89 C Cobol74 Cobol85 Fortran77 Pascal83 PLI C99 UPC C11 Mips_Assembler Upc HP_Basic91 HP_IMacro HP_Assembler
        case 0x01, 0x02, 0x05, 0x06, 0x07, 0x09, 0x0f, 0x0c, 0x12, 0x1d, 0x8001, 0x8765, 0x8101, 0x8103, 0x8104:
            return true
        default: return false
        }
    }
}

/// Standard and extended line-program opcodes.
enum DW_LNS {
    static let copy: UInt8 = 1, advancePC: UInt8 = 2, advanceLine: UInt8 = 3, setFile: UInt8 = 4, setColumn: UInt8 = 5
    static let negateStmt: UInt8 = 6, setBasicBlock: UInt8 = 7, constAddPC: UInt8 = 8, fixedAdvancePC: UInt8 = 9
    static let setPrologueEnd: UInt8 = 10, setEpilogueBegin: UInt8 = 11, setISA: UInt8 = 12
}
enum DW_LNE {
    static let endSequence: UInt8 = 1, setAddress: UInt8 = 2, defineFile: UInt8 = 3, setDiscriminator: UInt8 = 4
}
/// Line-table content types (DW_LNCT_*), DWARF 5.
enum DW_LNCT {
    static let path: UInt64 = 1, directoryIndex: UInt64 = 2, timestamp: UInt64 = 3, size: UInt64 = 4, md5: UInt64 = 5
}

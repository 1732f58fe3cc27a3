/// Section header types (SHT_*).
public enum SHT {
    public static let null: UInt32 = 0, progbits: UInt32 = 1, symtab: UInt32 = 2, strtab: UInt32 = 3, rela: UInt32 = 4
    public static let hash: UInt32 = 5, dynamic: UInt32 = 6, note: UInt32 = 7, nobits: UInt32 = 8, rel: UInt32 = 9
    public static let shlib: UInt32 = 10, dynsym: UInt32 = 11, initArray: UInt32 = 14, finiArray: UInt32 = 15
    public static let preinitArray: UInt32 = 16, group: UInt32 = 17, symtabShndx: UInt32 = 18, relr: UInt32 = 19
    public static let gnuAttributes: UInt32 = 0x6fff_fff5, gnuHash: UInt32 = 0x6fff_fff6, gnuLiblist: UInt32 = 0x6fff_fff7
    public static let gnuVerdef: UInt32 = 0x6fff_fffd, gnuVerneed: UInt32 = 0x6fff_fffe, gnuVersym: UInt32 = 0x6fff_ffff
    public static let armExidx: UInt32 = 0x7000_0001, armAttributes: UInt32 = 0x7000_0003
    public static let riscvAttributes: UInt32 = 0x7000_0003, x86_64Unwind: UInt32 = 0x7000_0001
}

/// Section flags (SHF_*).
public enum SHF {
    public static let write: UInt64 = 0x1, alloc: UInt64 = 0x2, execinstr: UInt64 = 0x4, merge: UInt64 = 0x10
    public static let strings: UInt64 = 0x20, infoLink: UInt64 = 0x40, linkOrder: UInt64 = 0x80, osNonconforming: UInt64 = 0x100
    public static let group: UInt64 = 0x200, tls: UInt64 = 0x400, compressed: UInt64 = 0x800
    public static let exclude: UInt64 = 0x8000_0000, gnuRetain: UInt64 = 0x20_0000
}

/// Program header types (PT_*).
public enum PT {
    public static let null: UInt32 = 0, load: UInt32 = 1, dynamic: UInt32 = 2, interp: UInt32 = 3, note: UInt32 = 4
    public static let shlib: UInt32 = 5, phdr: UInt32 = 6, tls: UInt32 = 7
    public static let gnuEhFrame: UInt32 = 0x6474_e550, gnuStack: UInt32 = 0x6474_e551, gnuRelro: UInt32 = 0x6474_e552
    public static let gnuProperty: UInt32 = 0x6474_e553, armExidx: UInt32 = 0x7000_0001
}

/// Machines (EM_*).
public enum EM {
    public static let i386: UInt16 = 3, mips: UInt16 = 8, ppc: UInt16 = 20, ppc64: UInt16 = 21, s390: UInt16 = 22
    public static let arm: UInt16 = 40, x86_64: UInt16 = 62, aarch64: UInt16 = 183, riscv: UInt16 = 243, loongarch: UInt16 = 258
}

/// ELF file types (ET_*).
public enum ET {
    public static let none: UInt16 = 0, rel: UInt16 = 1, exec: UInt16 = 2, dyn: UInt16 = 3, core: UInt16 = 4
}

import Bytes

/// One row of a line-number matrix.
public struct LineRow: Sendable, Equatable {
    public var address: UInt64
    public var file: UInt32
    public var line: UInt32
    public var column: UInt32
    public var discriminator: UInt32
    public var isStmt: Bool
    public var endSequence: Bool
}

/// A file entry of a line-program header.
public struct LineFileEntry: Sendable, Equatable {
    public var path: StringRef?
    public var directory: UInt64
    public var md5: [UInt8]?
}

/// A sequence of rows covering [start, end).
public struct LineSequence: Sendable, Equatable {
    public var start: UInt64
    public var end: UInt64
    /// Index of the first row and number of rows in `LineTable.rows` (the last is the end_sequence row).
    public var first: Int
    public var count: Int
    /// Offset in .debug_line of the sequence's first opcode (the state machine starts there afresh).
    public var programOffset: Int
    /// The rows come in address order (no sorting needed): lookups run the program from the
    /// closest checkpoint instead of decoding the sequence.
    var inOrder = false
    /// Its checkpoints in `LineTable.checkpoints`.
    var checkpoints: Range<Int> = 0..<0
}

/// The state machine after emitting a row, every `LineTable.checkpointInterval` rows of a sequence.
struct LineCheckpoint {
    /// The row emitted (the state continues from it with discriminator 0).
    var row: LineRow
    var opIndex: UInt64
    /// Offset of the next opcode.
    var next: Int
}

/// A decoded line program (DWARF 2 to 5): header tables and rows flattened per sequence,
/// sequences sorted by address with nested ones dropped (as binutils does).
/// Building the table runs the program once to find its sequences without keeping rows; a lookup
/// decodes the rows of the one sequence it needs (kept for later lookups), and `rows` decodes
/// them all on first use.
public final class LineTable: @unchecked Sendable {
    public let offset: Int
    public let version: UInt16
    public let addrSize: Int
    public let directories: [StringRef?]
    public let files: [LineFileEntry]
    public let sequences: [LineSequence]
    /// The unit's DW_AT_comp_dir, used to complete relative paths.
    public let compDir: String?
    private let strings: (StringRef) -> String?
    private var pathCache: [UInt32: String] = [:]
    private let program: LineProgram
    private let checkpoints: [LineCheckpoint]
    static let checkpointInterval = 32
    /// Rows of sequences not in address order, decoded on first lookup.
    private var sequenceRows: [Int: [LineRow]] = [:]
    private var allRows: [LineRow]?

    /// Every row of the program in order, sequence after sequence (several rows at one address keep
    /// the last; a sequence whose addresses go back is sorted, its end_sequence row last).
    public var rows: [LineRow] {
        if let r = allRows { return r }
        var sink = RowCollector(oneSequence: false)
        var files: [LineFileEntry] = []
        _ = try? program.run(from: program.programStart, &sink, definedFiles: &files)
        allRows = sink.rows
        return sink.rows
    }

    /// Decodes the program at `offset` of `line`. `strings` resolves names (line_strp, strp, inline).
    public init(line: Bytes, offset: Int, addrSize unitAddrSize: Int, compDir: String?, strOffsets: (UInt64) -> StringRef? = { _ in nil },
                strings: @escaping (StringRef) -> String?) throws {
        self.offset = offset
        self.compDir = compDir
        self.strings = strings
        var c = Cursor(line, offset: offset)
        var unitLength = UInt64(try c.u32())
        var is64 = false
        if unitLength == 0xffff_ffff { is64 = true; unitLength = try c.u64() }
        guard unitLength <= UInt64(line.count - c.offset) else { throw DWARFError.malformed("line program at \(offset): length \(unitLength)") }
        let end = c.offset + Int(unitLength)
        let version = try c.u16()
        guard (2...5).contains(version) else { throw DWARFError.unsupported("line program at \(offset): version \(version)") }
        self.version = version
        var addrSize = unitAddrSize
        if version >= 5 {
            addrSize = Int(try c.u8())
            _ = try c.u8() // segment selector size
            guard [1, 2, 4, 8].contains(addrSize) else { throw DWARFError.malformed("line program at \(offset): address size \(addrSize)") }
        }
        self.addrSize = addrSize
        let headerLength = try c.word(is64: is64)
        guard headerLength <= UInt64(max(0, end - c.offset)) else { throw DWARFError.malformed("line program at \(offset): header length") }
        let programStart = c.offset + Int(headerLength)
        let minInst = UInt64(try c.u8())
        let maxOps = version >= 4 ? UInt64(try c.u8()) : 1
        let defaultIsStmt = try c.u8() != 0
        let lineBase = Int64(try c.i8())
        let lineRange = UInt64(try c.u8())
        let opcodeBase = try c.u8()
        var stdLengths = [UInt8](repeating: 0, count: 256)
        if opcodeBase > 1 { for i in 1..<Int(opcodeBase) { stdLengths[i] = try c.u8() } }

        var dirs: [StringRef?] = []
        var files: [LineFileEntry] = []
        if version >= 5 {
            let reader = AttributeReader(data: line, sizes: FormSizes(addrSize: UInt8(addrSize), offsetSize: is64 ? 8 : 4, version: version),
                                         unitOffset: offset, stringSection: .line)
            func entries(_ c: inout Cursor) throws -> [LineFileEntry] {
                let formatCount = Int(try c.u8())
                var format: [(UInt64, UInt16)] = []
                for _ in 0..<formatCount {
                    let type = try c.uleb(), form = try c.uleb()
                    guard form <= 0xffff else { throw DWARFError.malformed("line program at \(offset): form \(form)") }
                    format.append((type, UInt16(form)))
                }
                let count = try c.uleb()
                guard count <= UInt64(max(0, end - c.offset)) else { throw DWARFError.malformed("line program at \(offset): \(count) entries") }
                var out: [LineFileEntry] = []
                out.reserveCapacity(Int(count))
                for _ in 0..<count {
                    var e = LineFileEntry(path: nil, directory: 0, md5: nil)
                    for (type, form) in format {
                        var o = c.offset
                        let v = try reader.read(form, &o)
                        c.offset = o
                        switch (type, v) {
                        case (DW_LNCT.path, .string(let r)): e.path = r
                        case (DW_LNCT.path, .stringIndex(let i)): e.path = strOffsets(i)
                        case (DW_LNCT.directoryIndex, _): e.directory = v.asUnsigned ?? 0
                        case (DW_LNCT.md5, .block(let o, let n)) where n == 16: e.md5 = try line.array(o, n)
                        default: break
                        }
                    }
                    out.append(e)
                }
                return out
            }
            dirs = try entries(&c).map { $0.path }
            files = try entries(&c)
        } else {
            while true {
                let s = try c.skipCString()
                if try line.u8(s) == 0 { break }
                dirs.append(StringRef(.line, s))
            }
            while true {
                let s = try c.skipCString()
                if try line.u8(s) == 0 { break }
                let dir = try c.uleb()
                _ = try c.uleb(); _ = try c.uleb()
                files.append(LineFileEntry(path: StringRef(.line, s), directory: dir, md5: nil))
            }
        }

        let program = LineProgram(line: line, offset: offset, programStart: programStart, end: end, addrSize: addrSize, minInst: minInst,
                                  maxOps: maxOps, defaultIsStmt: defaultIsStmt, lineBase: lineBase, lineRange: lineRange,
                                  opcodeBase: opcodeBase, stdLengths: stdLengths)
        var indexer = SequenceIndexer(start: programStart)
        try program.run(from: programStart, &indexer, definedFiles: &files)
        self.checkpoints = indexer.checkpoints
        // Sort by start, longest first at equal starts; drop nested sequences and trim overlaps (binutils).
        let seqs = indexer.sequences
        let sorted = seqs.enumerated().sorted { a, b in
            if a.element.start != b.element.start { return a.element.start < b.element.start }
            if a.element.end != b.element.end { return a.element.end > b.element.end }
            return a.offset < b.offset
        }.map { $0.element }
        var kept: [LineSequence] = []
        kept.reserveCapacity(sorted.count)
        for var s in sorted {
            if let last = kept.last, s.start < last.end {
                if s.end <= last.end { continue }
                s.start = last.end
            }
            kept.append(s)
        }
        self.program = program
        self.directories = dirs
        self.files = files
        self.sequences = kept
    }

    /// The rows of sequence `s` (its end_sequence row last), decoded on first use.
    private func rows(of s: LineSequence) -> [LineRow] {
        if let r = sequenceRows[s.programOffset] { return r }
        var sink = RowCollector(oneSequence: true)
        var files: [LineFileEntry] = []
        _ = try? program.run(from: s.programOffset, &sink, definedFiles: &files)
        let r = sink.rows.count == s.count ? sink.rows : Array(rows[s.first..<(s.first + s.count)])
        sequenceRows[s.programOffset] = r
        return r
    }

    /// The row covering `address`: the last row at or before it in the sequence that contains it.
    public func row(for address: UInt64) -> LineRow? {
        var lo = 0, hi = sequences.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sequences[mid].start <= address { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let s = sequences[lo - 1]
        guard address < s.end else { return nil }
        if s.inOrder {
            // The last row at or before the address: run from the closest checkpoint until a row lies past it.
            var lo = s.checkpoints.lowerBound, hi = s.checkpoints.upperBound
            while lo < hi {
                let mid = (lo + hi) / 2
                if checkpoints[mid].row.address <= address { lo = mid + 1 } else { hi = mid }
            }
            var finder = RowFinder(address: address)
            var state = program.initialRow, opIndex: UInt64 = 0, from = s.programOffset
            if lo > s.checkpoints.lowerBound {
                let cp = checkpoints[lo - 1]
                finder.found = cp.row
                state = cp.row
                state.discriminator = 0
                opIndex = cp.opIndex
                from = cp.next
            }
            var files: [LineFileEntry] = []
            _ = try? program.run(from: from, state: state, opIndex: opIndex, &finder, definedFiles: &files)
            return finder.found
        }
        let rows = rows(of: s)
        var a = 0, b = rows.count - 1  // exclude end_sequence row
        while a < b {
            let mid = (a + b) / 2
            if rows[mid].address <= address { a = mid + 1 } else { b = mid }
        }
        guard a > 0 else { return nil }
        return rows[a - 1]
    }

    /// Full path of file `index` as binutils builds it (directory, then DW_AT_comp_dir for relative
    /// paths). Pre-DWARF-5 indexes start at 1; an unknown index gives "<unknown>".
    public func path(_ index: UInt32) -> String {
        if let p = pathCache[index] { return p }
        let p = computePath(index)
        pathCache[index] = p
        return p
    }

    private func computePath(_ index: UInt32) -> String {
        var file = Int(index)
        if version < 5 {
            if file == 0 { return "<unknown>" }
            file -= 1
        }
        guard file < files.count, let ref = files[file].path, let name = strings(ref) else { return "<unknown>" }
        if name.hasPrefix("/") { return name }
        var dir = Int(truncatingIfNeeded: files[file].directory)
        if version < 5 { dir -= 1 }
        var subdir: String? = (dir >= 0 && dir < directories.count) ? directories[dir].flatMap(strings) : nil
        var dirName: String? = nil
        if subdir == nil || !subdir!.hasPrefix("/") { dirName = compDir }
        if dirName == nil { dirName = subdir; subdir = nil }
        guard let d = dirName else { return name }
        if let s = subdir { return d + "/" + s + "/" + name }
        return d + "/" + name
    }
}

/// Receives the rows of a line program as its state machine emits them.
protocol LineRowSink {
    /// One row; `next` is where the program continues (for an end_sequence row: where the next
    /// sequence starts). Returning false stops the program.
    mutating func row(_ r: LineRow, opIndex: UInt64, next: Int) -> Bool
}

/// A line program's state machine parameters (from its header).
struct LineProgram {
    let line: Bytes
    let offset: Int
    let programStart: Int
    let end: Int
    let addrSize: Int
    let minInst: UInt64
    let maxOps: UInt64
    let defaultIsStmt: Bool
    let lineBase: Int64
    let lineRange: UInt64
    let opcodeBase: UInt8
    let stdLengths: [UInt8]

    var initialRow: LineRow { LineRow(address: 0, file: 1, line: 1, column: 0, discriminator: 0, isStmt: defaultIsStmt, endSequence: false) }

    /// Runs the program from `start` (the start of a sequence: the state machine starts afresh)
    /// to its end or until `sink` stops it. DW_LNE_define_file entries are appended to `definedFiles`.
    func run<S: LineRowSink>(from start: Int, _ sink: inout S, definedFiles files: inout [LineFileEntry]) throws {
        try run(from: start, state: initialRow, opIndex: 0, &sink, definedFiles: &files)
    }

    /// Runs the program from `start` with the state machine in `state` and `opIndex`.
    func run<S: LineRowSink>(from start: Int, state: LineRow, opIndex startIndex: UInt64, _ sink: inout S,
                             definedFiles files: inout [LineFileEntry]) throws {
        var c = Cursor(line, offset: start)
        let initial = initialRow
        var r = state
        var opIndex = startIndex
        let minInst = minInst, maxOps = maxOps, lineRange = lineRange, lineBase = lineBase, opcodeBase = opcodeBase, end = end
        @inline(__always) func advance(_ operationAdvance: UInt64) {
            if maxOps <= 1 {
                r.address = r.address &+ minInst &* operationAdvance
            } else {
                r.address = r.address &+ minInst &* ((opIndex &+ operationAdvance) / maxOps)
                opIndex = (opIndex &+ operationAdvance) % maxOps
            }
        }
        while c.offset < end {
            let op = try c.u8()
            if op >= opcodeBase {
                let adj = UInt64(op - opcodeBase)
                advance(lineRange == 0 ? 0 : adj / lineRange)
                let delta = lineBase + Int64(lineRange == 0 ? 0 : adj % lineRange)
                r.line = UInt32(truncatingIfNeeded: Int64(r.line) &+ delta)
                if !sink.row(r, opIndex: opIndex, next: c.offset) { return }
                r.discriminator = 0
            } else if op == 0 {
                let len = try c.uleb()
                guard len >= 1, len <= UInt64(max(0, end - c.offset)) else { throw DWARFError.malformed("line program at \(offset): extended opcode length \(len)") }
                let next = c.offset + Int(len)
                let sub = try c.u8()
                switch sub {
                case DW_LNE.endSequence:
                    r.endSequence = true
                    if !sink.row(r, opIndex: opIndex, next: next) { return }
                    r = initial
                    opIndex = 0
                case DW_LNE.setAddress:
                    let n = Int(len) - 1
                    r.address = [1, 2, 4, 8].contains(n) ? try c.unsigned(size: n) : try c.unsigned(size: addrSize)
                    opIndex = 0
                case DW_LNE.defineFile:
                    let s = try c.skipCString()
                    let dir = try c.uleb()
                    files.append(LineFileEntry(path: StringRef(.line, s), directory: dir, md5: nil))
                case DW_LNE.setDiscriminator:
                    r.discriminator = UInt32(truncatingIfNeeded: try c.uleb())
                default: break
                }
                c.offset = next
            } else {
                switch op {
                case DW_LNS.copy:
                    if !sink.row(r, opIndex: opIndex, next: c.offset) { return }
                    r.discriminator = 0
                case DW_LNS.advancePC: advance(try c.uleb())
                case DW_LNS.advanceLine: r.line = UInt32(truncatingIfNeeded: Int64(r.line) &+ (try c.sleb()))
                case DW_LNS.setFile: r.file = UInt32(truncatingIfNeeded: try c.uleb())
                case DW_LNS.setColumn: r.column = UInt32(truncatingIfNeeded: try c.uleb())
                case DW_LNS.negateStmt: r.isStmt.toggle()
                case DW_LNS.setBasicBlock, DW_LNS.setPrologueEnd, DW_LNS.setEpilogueBegin: break
                case DW_LNS.constAddPC: advance(lineRange == 0 ? 0 : UInt64(255 - opcodeBase) / lineRange)
                case DW_LNS.fixedAdvancePC: r.address = r.address &+ UInt64(try c.u16()); opIndex = 0
                case DW_LNS.setISA: _ = try c.uleb()
                default:
                    for _ in 0..<stdLengths[Int(op)] { _ = try c.uleb() }
                }
            }
        }
    }
}

/// Keeps rows as binutils does: only the last of several rows at one address (PR ld/4986), and a
/// sequence whose addresses go back sorted (stable), its end_sequence row last.
struct RowCollector: LineRowSink {
    var rows: [LineRow] = []
    var seqStart = 0
    let oneSequence: Bool

    init(oneSequence: Bool) { self.oneSequence = oneSequence }

    mutating func row(_ r: LineRow, opIndex: UInt64, next: Int) -> Bool {
        if rows.count > seqStart, let last = rows.last, last.address == r.address, !last.endSequence, !r.endSequence {
            rows[rows.count - 1] = r
        } else {
            rows.append(r)
        }
        guard r.endSequence else { return true }
        if rows.count - seqStart >= 2 {
            var slice = rows[seqStart...]
            if !zip(slice, slice.dropFirst()).allSatisfy({ $0.address <= $1.address }) {
                let endRow = slice.last!
                var body = Array(slice.dropLast())
                body = body.enumerated().sorted { $0.element.address != $1.element.address ? $0.element.address < $1.element.address : $0.offset < $1.offset }.map { $0.element }
                slice = ArraySlice(body + [endRow])
                rows.replaceSubrange(seqStart..., with: slice)
            }
        }
        seqStart = rows.count
        return !oneSequence
    }
}

/// Finds the sequences of a program (what `RowCollector` would make of them) without keeping rows.
struct SequenceIndexer: LineRowSink {
    var sequences: [LineSequence] = []
    /// Rows `RowCollector` would hold so far, and of them in the current sequence.
    var rowCount = 0
    var inSequence = 0
    var lastAddress: UInt64 = 0
    var lowest: UInt64 = .max
    var inOrder = true
    var emitted = 0
    var sequenceProgram: Int
    var checkpoints: [LineCheckpoint] = []
    var sequenceCheckpoints = 0

    init(start: Int) { sequenceProgram = start }

    @inline(__always)
    mutating func row(_ r: LineRow, opIndex: UInt64, next: Int) -> Bool {
        if !r.endSequence {
            if inSequence == 0 || lastAddress != r.address {
                if inSequence > 0 && r.address < lastAddress { inOrder = false }
                rowCount += 1
                inSequence += 1
            }
            lastAddress = r.address
            if r.address < lowest { lowest = r.address }
            emitted += 1
            if emitted % LineTable.checkpointInterval == 0 { checkpoints.append(LineCheckpoint(row: r, opIndex: opIndex, next: next)) }
            return true
        }
        rowCount += 1
        inSequence += 1
        // A sequence with rows starts at its lowest row address (its first row once sorted).
        // Checkpoints serve only sequences kept in address order.
        if !inOrder || !(inSequence >= 2 && lowest < r.address) { checkpoints.removeSubrange(sequenceCheckpoints...) }
        if inSequence >= 2 && lowest < r.address {
            var s = LineSequence(start: lowest, end: r.address, first: rowCount - inSequence, count: inSequence, programOffset: sequenceProgram)
            s.inOrder = inOrder
            s.checkpoints = sequenceCheckpoints..<checkpoints.count
            sequences.append(s)
        }
        sequenceCheckpoints = checkpoints.count
        inSequence = 0
        emitted = 0
        inOrder = true
        lowest = .max
        sequenceProgram = next
        return true
    }
}

/// The last row at or before `address` of a sequence in address order (stops at the first row past it).
struct RowFinder: LineRowSink {
    let address: UInt64
    var found: LineRow?

    init(address: UInt64) { self.address = address }

    @inline(__always)
    mutating func row(_ r: LineRow, opIndex: UInt64, next: Int) -> Bool {
        guard !r.endSequence, r.address <= address else { return false }
        found = r
        return true
    }
}

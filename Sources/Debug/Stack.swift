import ELF
import ProcFS
import Render
import Tracee
import Unwind

/// Memory of an attached process for the unwinder.
struct TraceeMemory: MemoryReader {
    let process: AttachedProcess
    func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool { process.read(address, into: buffer) }
}

public struct StackOptions: Sendable {
    public var maxFrames = 256
    public var showModule = false
    public var onlyFirstThread = false
    public init() {}
}

public struct StackFrame: Sendable, Equatable {
    public var index: Int
    public var pc: UInt64
    public var function: String?
    /// Offset of the pc (the lookup pc for return addresses, plus one) from the function start.
    public var offset: UInt64?
    public var module: String?
    public var method: FrameMethod
    public var isSignalFrame: Bool
}

public struct ThreadStack: Sendable, Equatable {
    public var tid: Int32
    public var frames: [StackFrame]
    public var stop: StopReason
    /// Set when the thread's registers could not be read.
    public var error: String?
}

/// `sonde stack PID`: attaches to every thread, unwinds each, detaches (like eu-stack -p PID).
public enum StackTool {
    public static func collect(pid: Int32, options: StackOptions = StackOptions()) throws(ToolError) -> [ThreadStack] {
        guard let arch = Architecture(machine: hostMachine) else { throw ToolError("unsupported architecture") }
        let process: AttachedProcess
        do { process = try AttachedProcess.attach(pid: pid) } catch { throw ToolError(error.description) }
        defer { process.detach() }
        let maps: [MemoryMapping]
        do { maps = try ProcFS().maps(pid: pid) } catch { throw ToolError(error.description) }
        let memory = TraceeMemory(process: process)
        let modules = ProcessModules(pid: pid, maps: maps, memory: memory)
        let unwinder = Unwinder(memory: memory, modules: modules, maxFrames: options.maxFrames)
        var out: [ThreadStack] = []
        for tid in process.threads {
            if options.onlyFirstThread && !out.isEmpty { break }
            let words: [UInt64]
            do { words = try process.registers(tid) } catch {
                out.append(ThreadStack(tid: tid, frames: [], stop: .error(error.description), error: error.description))
                continue
            }
            guard let regs = RegisterSet(arch: arch, prstatus: words) else {
                out.append(ThreadStack(tid: tid, frames: [], stop: .error("short register set"), error: "short register set"))
                continue
            }
            let (frames, stop) = unwinder.unwind(regs)
            var list: [StackFrame] = []
            for (i, f) in frames.enumerated() {
                var sf = StackFrame(index: i, pc: f.pc, function: nil, offset: nil, module: nil, method: f.method, isSignalFrame: f.isSignalFrame)
                if let (obj, bias) = modules.object(for: f.lookupPC) {
                    sf.module = obj.path
                    if let (sym, off) = obj.symbols.lookup(f.lookupPC &- bias) {
                        sf.function = sym.name
                        sf.offset = off + (f.lookupPC == f.pc ? 0 : 1)
                    }
                }
                list.append(sf)
            }
            out.append(ThreadStack(tid: tid, frames: list, stop: stop, error: nil))
        }
        return out
    }

    /// eu-stack's text: "PID n - process", then per thread "TID n:" and "#i  0x%016x name[ - module]".
    public static func render(pid: Int32, _ stacks: [ThreadStack], options: StackOptions = StackOptions()) -> String {
        var s = "PID \(pid) - process\n"
        for t in stacks {
            s += "TID \(t.tid):\n"
            for f in t.frames {
                var idx = "#\(f.index)"
                while idx.count < 3 { idx += " " }
                var hex = String(f.pc, radix: 16)
                if hex.count < 16 { hex = String(repeating: "0", count: 16 - hex.count) + hex }
                s += "\(idx) 0x\(hex)"
                if let fn = f.function { s += " " + fn }
                if options.showModule, let m = f.module { s += " - " + m }
                s += "\n"
            }
        }
        return s
    }

    /// Problems worth a line on stderr (the walk ended without reaching the outermost frame).
    public static func warnings(_ stacks: [ThreadStack]) -> [String] {
        stacks.compactMap { t in
            switch t.stop {
            case .outermost, .pcZero: return nil
            default:
                let at = t.frames.last.map { " after 0x" + String($0.pc, radix: 16) } ?? ""
                return "TID \(t.tid): \(t.stop)\(at)"
            }
        }
    }

    public static func json(pid: Int32, _ stacks: [ThreadStack]) -> JSON {
        .object([
            ("pid", .int(Int64(pid))),
            ("threads", .array(stacks.map { t in
                var fields: [(String, JSON)] = [("tid", .int(Int64(t.tid)))]
                fields.append(("frames", .array(t.frames.map { f in
                    .object([
                        ("index", .int(Int64(f.index))),
                        ("pc", .string("0x" + String(f.pc, radix: 16))),
                        ("function", f.function.map { .string($0) } ?? .null),
                        ("offset", f.offset.map { .int(Int64(bitPattern: $0)) } ?? .null),
                        ("module", f.module.map { .string($0) } ?? .null),
                        ("method", .string(f.method.rawValue)),
                        ("signal_frame", .bool(f.isSignalFrame)),
                    ])
                })))
                fields.append(("stop", .string(t.stop.description)))
                if let e = t.error { fields.append(("error", .string(e))) }
                return .object(fields)
            })),
        ])
    }
}

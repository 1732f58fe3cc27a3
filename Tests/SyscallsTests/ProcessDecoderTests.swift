import Foundation
import Testing
import TestSupport
@testable import Syscalls

/// The fixture Tests/Fixtures/strace_process.c makes each call with raw syscall(2) and reports its
/// arguments, result and memory; real strace 6.1 traces the same run. Each reported call is rebuilt into a
/// SyscallCall + RangesMemory, decoded, rendered, and must equal the next matching line of strace's log.
struct FixtureCall {
    var name: String
    var result: Int64
    var args: [UInt64]
    var entry: [(start: UInt64, bytes: [UInt8])] = []
    var exit: [(start: UInt64, bytes: [UInt8])] = []
}

func hexBytes(_ s: Substring) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex, let j = s.index(i, offsetBy: 2, limitedBy: s.endIndex) {
        out.append(UInt8(s[i..<j], radix: 16) ?? 0)
        i = j
    }
    return out
}

func parseFixture(_ text: String) -> (calls: [FixtureCall], siginfos: [[UInt8]]) {
    var calls: [FixtureCall] = []
    var pending: [(start: UInt64, bytes: [UInt8])] = []
    var infos: [[UInt8]] = []
    for line in text.split(separator: "\n") {
        let w = line.split(separator: " ")
        guard let kind = w.first else { continue }
        switch kind {
        case "C" where w.count >= 9:
            let r = w[2].hasPrefix("-") ? -Int64(w[2].dropFirst(), radix: 16)! : Int64(w[2], radix: 16)!
            calls.append(FixtureCall(name: String(w[1]), result: r, args: w[3...8].map { UInt64($0, radix: 16)! }, entry: pending))
            pending = []
        case "I" where w.count == 3: pending.append((UInt64(w[1], radix: 16)!, hexBytes(w[2])))
        case "M" where w.count == 3 && !calls.isEmpty: calls[calls.count - 1].exit.append((UInt64(w[1], radix: 16)!, hexBytes(w[2])))
        case "S" where w.count == 2: infos.append(hexBytes(w[1]))
        default: break
        }
    }
    return (calls, infos)
}

/// Memory made of whole 4 KiB pages around the reported ranges (zeros elsewhere on those pages), as a
/// live tracee's memory reads: strings are read page by page.
struct PagedMemory: SyscallMemory {
    var pages: [UInt64: [UInt8]] = [:]
    init(_ ranges: [(start: UInt64, bytes: [UInt8])]) {
        for r in ranges.reversed() {  // earlier ranges win
            for (i, b) in r.bytes.enumerated() {
                let a = r.start + UInt64(i)
                pages[a & ~4095, default: [UInt8](repeating: 0, count: 4096)][Int(a & 4095)] = b
            }
        }
    }
    func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        for i in 0..<buffer.count {
            let a = address &+ UInt64(i)
            guard let p = pages[a & ~4095] else { return false }
            buffer[i] = p[Int(a & 4095)]
        }
        return true
    }
}

/// Decodes a call at entry and exit and renders the whole line as strace -o prints it (column 40).
func render(_ name: String, args: [UInt64], result: Int64, entry: any SyscallMemory, exit: any SyscallMemory,
            abi: SyscallABI = .x86_64, options: DecodeOptions = DecodeOptions()) -> String {
    var call = SyscallCall(abi: abi, number: -1, arguments: args)
    call.name = name
    var ctx = DecodeContext(call: call, entering: true, memory: entry, options: options)
    Decoders.decode(&ctx)
    call = ctx.call
    call.returnValue = result
    call.isError = result < 0 && result >= -4095
    var ctx2 = DecodeContext(call: call, entering: false, memory: exit, options: options)
    Decoders.decode(&ctx2)
    var out: [UInt8] = []
    SyscallText.appendEntry(ctx2.call, to: &out, style: TextStyle())
    SyscallText.appendExit(ctx2.call, from: ctx2.call.printedAtEntry, lineStart: 0, column: 40, to: &out, style: TextStyle())
    return String(decoding: out, as: UTF8.self)
}

@Suite(.serialized) struct ProcessDecoderTests {
    static let names = "rt_sigaction,rt_sigprocmask,kill,tgkill,rt_sigqueueinfo,clone,wait4,prlimit64,uname,getrandom,"
        + "clock_gettime,nanosleep,clock_nanosleep,futex,prctl,getresuid,sched_getaffinity,socket,setsockopt,connect,"
        + "getsockopt,shutdown,bind,getsockname,sendto,recvfrom,socketpair,execve"

    @Test(.enabled(if: hasTool("strace") && hasTool("gcc") && hasTool("setarch")))
    func fixtureCallsRenderAsStrace() throws {
        let exe = try compileFixture("strace_process")
        let dir = try tempDir("pdec")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("log").path
        let r = try run("setarch", ["x86_64", "-R", "strace", "-o", log, "-e", "trace=" + Self.names, exe])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let (calls, infos) = parseFixture(r.stdout)
        #expect(calls.count >= 37)
        var at = 0
        for c in calls {
            let mine = render(c.name, args: c.args, result: c.result, entry: PagedMemory(c.entry + c.exit), exit: PagedMemory(c.exit))
            if let i = lines[at...].firstIndex(of: mine) {
                at = i + 1
            } else {
                let candidates = lines[at...].filter { $0.hasPrefix(c.name + "(") }.prefix(2)
                Issue.record("no strace line \(mine)\n  next strace lines: \(candidates.joined(separator: "\n  "))")
            }
        }
        // Signal lines: `--- SIGUSR1 {...} ---` in delivery order, from the siginfo the handlers received.
        let signalLines = lines.filter { $0.hasPrefix("--- SIG") }
        #expect(signalLines.count == infos.count)
        for (line, info) in zip(signalLines, infos) {
            let v = Signals.siginfo(info, abi: .x86_64)
            guard case let .structure(fields, _) = v, let signo = fields.first else { Issue.record("no siginfo"); continue }
            let name = SyscallText.text(signo.value)
            #expect("--- \(name) \(SyscallText.text(v)) ---" == line)
        }
    }

    // Values below were checked against strace 6.1 by hand on this machine (kernel 6.18, glibc 2.36).

    @Test func sigsetsUseTheComplementFromTwoThirds() {
        #expect(SyscallText.text(Signals.set(0)) == "[]")
        #expect(SyscallText.text(Signals.set(UInt64.max)) == "~[]")
        #expect(SyscallText.text(Signals.set((1 << 16) | (1 << 21))) == "[CHLD TTOU]")
        // 42 of 64 bits set: complement; 41: listed.
        #expect(SyscallText.text(Signals.set(UInt64.max >> 23)).hasPrefix("["))
        #expect(SyscallText.text(Signals.set(UInt64.max >> 22)) == "~[RT_11 RT_12 RT_13 RT_14 RT_15 RT_16 RT_17 RT_18 RT_19 RT_20 RT_21 RT_22 RT_23 RT_24 RT_25 RT_26 RT_27 RT_28 RT_29 RT_30 RT_31 RT_32]")
        #expect(SyscallText.text(Signals.set(UInt64.max >> 22 | (1 << 63))).hasPrefix("~["))
        #expect(Signals.name(32) == "SIGRTMIN" && Signals.name(33) == "SIGRT_1" && Signals.name(64) == "SIGRT_32")
        #expect(Signals.name(65) == nil && Signals.name(0) == nil)
    }

    @Test func waitStatuses() {
        #expect(SyscallText.text(Signals.waitStatus(3 << 8)) == "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]")
        #expect(SyscallText.text(Signals.waitStatus(9)) == "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]")
        #expect(SyscallText.text(Signals.waitStatus(0x8b)) == "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]")
        #expect(SyscallText.text(Signals.waitStatus(0x137f)) == "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]")
        #expect(SyscallText.text(Signals.waitStatus(0xffff)) == "[{WIFCONTINUED(s)}]")
        #expect(SyscallText.text(Signals.waitStatus(0x4057f)) == "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|PTRACE_EVENT_EXEC<<16]")
    }

    @Test func siginfoFaultAndKernelForms() {
        var b = [UInt8](repeating: 0, count: 128)
        b[0] = 11; b[8] = 1  // SIGSEGV, SEGV_MAPERR, si_addr at 16
        b[16] = 0x10
        #expect(SyscallText.text(Signals.siginfo(b, abi: .x86_64)) == "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}")
        b = [UInt8](repeating: 0, count: 128)
        b[0] = 9; b[8] = 0x80  // SIGKILL from the kernel
        #expect(SyscallText.text(Signals.siginfo(b, abi: .x86_64)) == "{si_signo=SIGKILL, si_code=SI_KERNEL}")
        // Short or garbage input never traps.
        _ = Signals.siginfo([1, 2, 3], abi: .i386)
        _ = Signals.siginfo([UInt8](repeating: 0xff, count: 128), abi: .aarch64)
    }

    @Test func failedCallsPrintRawPointers() {
        let empty = RangesMemory()
        func line(_ call: String, _ result: String) -> String {
            call + String(repeating: " ", count: max(1, 40 - call.count)) + "= " + result
        }
        #expect(render("wait4", args: [UInt64(bitPattern: -1), 0x1000, 1, 0, 0, 0], result: -10, entry: empty, exit: empty)
                == line("wait4(-1, 0x1000, WNOHANG, NULL)", "-1 ECHILD (No child processes)"))
        #expect(render("uname", args: [0x2000, 0, 0, 0, 0, 0], result: -14, entry: empty, exit: empty)
                == line("uname(0x2000)", "-1 EFAULT (Bad address)"))
        #expect(render("exit_group", args: [0, 0, 0, 0, 0, 0], result: 0, entry: empty, exit: empty)
                == line("exit_group(0)", "?"))
        // Unreadable memory at entry: addresses, no trap.
        #expect(render("rt_sigaction", args: [2, 0x3000, 0, 8, 0, 0], result: 0, entry: empty, exit: empty)
                == line("rt_sigaction(SIGINT, 0x3000, NULL, 8)", "0"))
    }

    @Test func clone3ShowsTheParentTidAtExit() {
        // The line strace 6.1 printed for glibc 2.36's pthread_create on this machine (setarch -R), rebuilt.
        var args = [UInt8](repeating: 0, count: 88)
        func put(_ off: Int, _ v: UInt64) { for i in 0..<8 { args[off + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        put(0, 0x3d0f00); put(16, 0x7ffff7dd1990); put(24, 0x7ffff7dd1990); put(40, 0x7ffff75d1000)
        put(48, 0x7fff80); put(56, 0x7ffff7dd16c0)
        let tid: [UInt8] = [0x3a, 0x49, 0, 0]  // 18746
        let entry = RangesMemory([(0x5000, args)])
        let exit = RangesMemory([(0x5000, args), (0x7ffff7dd1990, tid)])
        #expect(render("clone3", args: [0x5000, 88, 0, 0, 0, 0], result: 18746, entry: entry, exit: exit)
                == "clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7ffff7dd1990, parent_tid=0x7ffff7dd1990, exit_signal=0, stack=0x7ffff75d1000, stack_size=0x7fff80, tls=0x7ffff7dd16c0} => {parent_tid=[18746]}, 88) = 18746")
    }

    @Test func sigreturnReadsTheFrameMask() {
        // x86_64: the frame starts 8 bytes below SP at the entry stop; uc_sigmask is 304 bytes in.
        // Mask as strace 6.1 printed it for sh's SIGCHLD handler: rt_sigreturn({mask=~[KILL STOP RTMIN RT_1]}).
        let sp: UInt64 = 0x7fff_0000_1008
        let mask: UInt64 = ~((1 << 8) | (1 << 18) | (1 << 31) | (1 << 32))
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: mask >> (8 * UInt64($0))) }
        let mem = RangesMemory([(sp - 8 + 304, bytes)])
        #expect(SyscallText.text(Signals.sigreturnMask(stackPointer: sp, abi: .x86_64, memory: mem)) == "{mask=~[KILL STOP RTMIN RT_1]}")
        #expect(SyscallText.text(Signals.sigreturnMask(stackPointer: 0x10, abi: .x86_64, memory: RangesMemory())) == "{mask=0x138}")
    }

    @Test func garbageNeverTraps() {
        // Every decoder of this file's groups over random arguments (edge values included) and memory
        // that is partly random, partly unmapped: entry and exit, success and failure, every ABI.
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
        let page = (0..<8192).map { _ in UInt8(truncatingIfNeeded: next()) }
        let mem = RangesMemory([(0x10000, page)])
        let edge: [UInt64] = [0, 1, 0x10000, 0x10ff0, 0x11ffc, UInt64.max, UInt64.max - 3, 0xffff_ffff, 0x8000_0000]
        for name in ProcessDecoders.all.keys.sorted() {
            for abi in SyscallABI.allCases {
                for round in 0..<40 {
                    let args = (0..<6).map { _ in round % 2 == 0 ? edge[Int(next() % UInt64(edge.count))] : next() }
                    let result: Int64 = round % 3 == 0 ? -Int64(next() % 530) : Int64(truncatingIfNeeded: next() % 200)
                    _ = render(name, args: args, result: result, entry: mem, exit: mem, abi: abi)
                }
            }
        }
    }
}

/// One decoded syscall argument (or return annotation) as a tree, rendered either as strace's text
/// (`SyscallText`) or as JSON. Decoders build values; they never format text themselves.
public indirect enum SyscallValue: Sendable, Equatable {
    /// Signed decimal: `-1`, `3`.
    case int(Int64)
    /// Unsigned decimal.
    case uint(UInt64)
    /// `0x1f`; zero prints `0`.
    case hex(UInt64)
    /// Octal with a leading 0, at least three digits as strace prints modes: `0644`, `000`.
    case octal(UInt64)
    /// `NULL` for zero, else `0x7ffd...`.
    case pointer(UInt64)
    /// A quoted, escaped byte string; `truncated` appends `...` after the closing quote.
    case string([UInt8], truncated: Bool)
    /// Bit flags: `O_RDWR|O_CLOEXEC`, unknown bits appended as `|0x...`. `value` is the raw number for
    /// `-X raw` / `-X verbose`.
    case flags(value: UInt64, names: [String], rest: UInt64)
    /// One named value (`AT_FDCWD`, `SEEK_END`); no name: the number in decimal (or hex when `hexFallback`).
    case constant(value: Int64, name: String?, hexFallback: Bool)
    /// A file descriptor and, when `-y` asked for it, its decoration exactly as printed after the number:
    /// `</etc/passwd>`, `</tmp/x>(deleted)`, `<TCP:[127.0.0.1:80]>`, `</dev/null<char 1:3>>`. The number
    /// -100 with a decoration is a dirfd: `AT_FDCWD</cwd>`.
    case fd(Int32, path: String?)
    /// `{a=1, b=2, ...}`; a field without a name prints just its value.
    case structure([SyscallField], truncated: Bool)
    /// `[1, 2, ...]`.
    case array([SyscallValue], truncated: Bool)
    /// A set of names in brackets separated by spaces (signal sets): `[CHLD TTOU]`, `~[RTMIN RT_1]`.
    case set([String], complement: Bool)
    /// Text printed as is (`makedev(0x1, 0x3)`, `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`).
    case text(String)
    /// An in/out argument: `before => after`.
    case changed(SyscallValue, SyscallValue)
    /// `value /* comment */`.
    case commented(SyscallValue, String)
    /// A number with its symbolic spelling, printed by `-X`: `S_IFREG|0644` (abbrev), `0100644` (raw),
    /// `0100644 /* S_IFREG|0644 */` (verbose).
    case symbolic(SyscallValue, String)
}

public struct SyscallField: Sendable, Equatable {
    public var name: String?
    public var value: SyscallValue
    public init(_ name: String?, _ value: SyscallValue) { self.name = name; self.value = value }
}

/// How the return value of a syscall prints (strace's RVAL_* kinds).
public enum ReturnFormat: Sendable, Equatable {
    case decimal, unsigned, hex, octal, fd
    /// No value: `= ?` (exit, exit_group, a successful execve seen from a vanished thread).
    case none
}

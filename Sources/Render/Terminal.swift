import Glibc
import CSonde

/// Facts about the terminal and a small, restorable raw mode for full-screen views.
public enum Terminal {
    public static func isTTY(_ fd: Int32 = 1) -> Bool { isatty(fd) == 1 }

    /// Columns and rows of the terminal on fd, nil when it is not a terminal.
    public static func size(_ fd: Int32 = 1) -> (rows: Int, cols: Int)? {
        var r: UInt16 = 0, c: UInt16 = 0
        guard sonde_winsize(fd, &r, &c) == 0, c > 0 else { return nil }
        return (Int(r), Int(c))
    }

    /// Width for output: $COLUMNS if set, else the terminal's, else nil (unlimited).
    public static func outputWidth() -> Int? {
        if let env = getenv("COLUMNS"), let n = Int(String(cString: env)), n > 0 { return n }
        return size(1)?.cols
    }

    public static func env(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }
}

/// Puts a terminal in non-canonical, no-echo mode; `restore()` puts it back.
public final class RawMode {
    private var saved = termios()
    private let fd: Int32
    public private(set) var active = false

    public init(fd: Int32 = 0) { self.fd = fd }

    public func enter() -> Bool {
        guard tcgetattr(fd, &saved) == 0 else { return false }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return false }
        active = true
        return true
    }

    public func restore() {
        guard active else { return }
        _ = tcsetattr(fd, TCSANOW, &saved)
        active = false
    }

    deinit { restore() }
}

/// ANSI escape sequences used by the full-screen views.
public enum ANSI {
    public static let clear = "\u{1B}[H\u{1B}[2J"
    public static let home = "\u{1B}[H"
    public static let clearToEnd = "\u{1B}[J"
    public static let clearLine = "\u{1B}[K"
    public static let hideCursor = "\u{1B}[?25l"
    public static let showCursor = "\u{1B}[?25h"
    public static let altScreenOn = "\u{1B}[?1049h"
    public static let altScreenOff = "\u{1B}[?1049l"
    public static let reverse = "\u{1B}[7m"
    public static let bold = "\u{1B}[1m"
    public static let reset = "\u{1B}[0m"
    public static func move(row: Int, col: Int) -> String { "\u{1B}[\(row);\(col)H" }
}

/// Writes to stdout without buffering surprises (one write per call).
public func writeOut(_ s: String, fd: Int32 = 1) {
    var s = s
    s.withUTF8 { buf in
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
    }
}

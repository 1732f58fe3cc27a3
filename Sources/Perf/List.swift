import Glibc
import PerfData
import PerfEvents

/// `perf list`: the event names this machine accepts, in perf 6.1's sections and layout.
public enum List {
    public static func run(_ args: [String]) throws -> Int32 {
        _ = args
        return 0
    }
}

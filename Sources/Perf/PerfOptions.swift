/// perf's command-line syntax (tools/lib/subcmd/parse-options.c): short options bundle (`-ag`), take
/// their value attached or as the next word (`-F999`, `-F 999`); long options take `--name=value` or
/// `--name value`; booleans accept `--no-name`; parsing stops at `--` or at the first word that is not
/// an option (the command of `perf stat`/`perf record`).

/// A usage error: perf prints it and exits with 129.
public struct PerfUsageError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One option a perf subcommand accepts.
public struct PerfOption: Sendable {
    public enum Kind: Sendable { case flag, value, optionalValue }
    public let short: Character?
    public let long: String
    public let kind: Kind

    public static func flag(_ short: Character?, _ long: String) -> PerfOption { PerfOption(short: short, long: long, kind: .flag) }
    public static func value(_ short: Character?, _ long: String) -> PerfOption { PerfOption(short: short, long: long, kind: .value) }
    /// An option whose value is optional (perf's OPT_CALLBACK_DEFAULT, `perf report -g [mode]`): the value is
    /// attached, or the next word when there is one that does not start with `-`.
    public static func optional(_ short: Character?, _ long: String) -> PerfOption { PerfOption(short: short, long: long, kind: .optionalValue) }
}

/// The options given, by long name, in order, and the words after them.
public struct PerfArguments: Sendable {
    /// Every occurrence: (long name, value). Flags have value "1", `--no-x` gives ("x", "0").
    public var occurrences: [(name: String, value: String)] = []
    public var positional: [String] = []

    public func has(_ name: String) -> Bool { occurrences.contains { $0.name == name && $0.value != "0" } }
    /// The last value given, or nil.
    public func value(_ name: String) -> String? { occurrences.last { $0.name == name }?.value }
    /// Every value given, in order (for repeatable options such as `-e`).
    public func values(_ name: String) -> [String] { occurrences.filter { $0.name == name }.map(\.value) }
    /// A boolean: the last of `--x`/`--no-x`, or `default`.
    public func bool(_ name: String, default d: Bool) -> Bool {
        guard let v = value(name) else { return d }
        return v != "0"
    }
    public func count(_ name: String) -> Int { occurrences.filter { $0.name == name && $0.value != "0" }.count }

    public static func parse(_ args: [String], options: [PerfOption]) throws(PerfUsageError) -> PerfArguments {
        var out = PerfArguments()
        var i = 0
        func next(_ what: String) throws(PerfUsageError) -> String {
            i += 1
            guard i < args.count else { throw PerfUsageError("option `\(what)' requires a value") }
            return args[i]
        }
        func optionalNext() -> String {
            guard i + 1 < args.count, !args[i + 1].hasPrefix("-") else { return "" }
            i += 1
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            if a == "--" { out.positional = Array(args[(i + 1)...]); return out }
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let name: String, inline: String?
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq]); inline = String(body[body.index(after: eq)...])
                } else { name = String(body); inline = nil }
                // perf accepts any unambiguous prefix of a long option (`--comm` for `--comms`).
                let exact = options.first { $0.long == name }
                let prefixed = options.filter { $0.long.hasPrefix(name) }
                if let o = exact ?? (prefixed.count == 1 ? prefixed[0] : nil) {
                    let name = o.long
                    switch o.kind {
                    case .flag:
                        if inline != nil { throw PerfUsageError("option `\(name)' takes no value") }
                        out.occurrences.append((name, "1"))
                    case .value:
                        if let inline { out.occurrences.append((name, inline)) } else { out.occurrences.append((name, try next(name))) }
                    case .optionalValue:
                        if let inline { out.occurrences.append((name, inline)) } else { out.occurrences.append((name, optionalNext())) }
                    }
                } else if name.hasPrefix("no-"), let o = options.first(where: { $0.long == name.dropFirst(3) }), o.kind == .flag, inline == nil {
                    out.occurrences.append((o.long, "0"))
                } else {
                    throw PerfUsageError("unknown option `\(name)'")
                }
            } else if a.hasPrefix("-") && a.count > 1 {
                var rest = Substring(a.dropFirst())
                while let c = rest.first {
                    rest = rest.dropFirst()
                    guard let o = options.first(where: { $0.short == c }) else { throw PerfUsageError("unknown switch `\(c)'") }
                    if o.kind == .flag { out.occurrences.append((o.long, "1")); continue }
                    if !rest.isEmpty { out.occurrences.append((o.long, String(rest))); break }
                    if o.kind == .optionalValue { out.occurrences.append((o.long, optionalNext())); break }
                    out.occurrences.append((o.long, try next(String(c))))
                    break
                }
            } else {
                out.positional = Array(args[i...])
                return out
            }
            i += 1
        }
        return out
    }
}

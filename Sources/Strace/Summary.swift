import Syscalls

/// The `-c` table: calls, errors and time per syscall, printed with strace's columns and sort orders.
final class Summary {
    struct Row { var name: String; var number: Int; var calls = 0; var errors = 0; var seconds = 0.0; var minimum = Double.infinity; var maximum = 0.0 }
    var rows: [String: Row] = [:]

    func add(_ call: SyscallCall, seconds: Double, wall: Double) {
        let key = call.abi == .i386 ? call.name + "@32" : call.name
        var r = rows[key] ?? Row(name: call.name, number: call.number)
        r.calls += 1
        if call.isError { r.errors += 1 }
        r.seconds += max(0, seconds)
        r.minimum = min(r.minimum, seconds)
        r.maximum = max(r.maximum, seconds)
        rows[key] = r
    }

    /// `--json -c`: `{"syscalls":[{"syscall","calls","errors","seconds","usecs_per_call","percent"}...],"total":{...}}`
    /// in the order of the table.
    func json(sortBy: String) -> String {
        let list = sorted(sortBy)
        let total = list.reduce(0.0) { $0 + $1.seconds }
        func object(_ name: String, _ calls: Int, _ errors: Int, _ sec: Double) -> String {
            let usecs = calls > 0 ? Int((sec * 1e6 / Double(calls)).rounded(.down)) : 0
            let pct = total > 0 ? sec * 100 / total : 0
            return "{\"syscall\":\"\(name)\",\"calls\":\(calls),\"errors\":\(errors),\"seconds\":\(fixed(sec, 6)),\"usecs_per_call\":\(usecs),\"percent\":\(fixed(pct, 2))}"
        }
        let rowsText = list.map { object($0.name, $0.calls, $0.errors, $0.seconds) }.joined(separator: ",")
        let t = object("total", list.reduce(0) { $0 + $1.calls }, list.reduce(0) { $0 + $1.errors }, total)
        return "{\"syscalls\":[\(rowsText)],\"total\":\(t)}\n"
    }

    func sorted(_ sortBy: String) -> [Row] {
        var list = rows.values.sorted { $0.number < $1.number }
        switch sortBy {
        case "calls", "count": list = stableSorted(list) { $0.calls > $1.calls }
        case "errors", "error": list = stableSorted(list) { $0.errors > $1.errors }
        case "name", "syscall", "syscall_name": list = stableSorted(list) { $0.name < $1.name }
        case "nothing", "none": break
        case "max_time": list = stableSorted(list) { $0.maximum > $1.maximum }
        case "min_time": list = stableSorted(list) { $0.minimum < $1.minimum }
        case "avg_time": list = stableSorted(list) { $0.seconds / Double($0.calls) > $1.seconds / Double($1.calls) }
        default: list = stableSorted(list) { $0.seconds > $1.seconds }
        }
        return list
    }

    func table(sortBy: String) -> String {
        let list = sorted(sortBy)
        let total = list.reduce(0.0) { $0 + $1.seconds }
        var s = "% time     seconds  usecs/call     calls    errors syscall\n"
        let rule = "------ ----------- ----------- --------- --------- ----------------\n"
        s += rule
        for r in list {
            let pct = total > 0 ? r.seconds * 100 / total : 0
            s += line(pct, r.seconds, r.calls, r.errors, r.name)
        }
        s += rule
        s += line(100, total, list.reduce(0) { $0 + $1.calls }, list.reduce(0) { $0 + $1.errors }, "total")
        return s
    }

    func line(_ pct: Double, _ sec: Double, _ calls: Int, _ errors: Int, _ name: String) -> String {
        let usecs = calls > 0 ? Int((sec * 1e6 / Double(calls)).rounded(.down)) : 0
        return rjust(fixed(pct, 2), 6) + " " + rjust(fixed(sec, 6), 11) + " " + rjust(String(usecs), 11) + " "
            + rjust(String(calls), 9) + " " + rjust(errors > 0 ? String(errors) : "", 9) + " " + name + "\n"
    }
}

func stableSorted<T>(_ a: [T], by less: (T, T) -> Bool) -> [T] {
    a.enumerated().sorted { less($0.element, $1.element) || (!less($1.element, $0.element) && $0.offset < $1.offset) }.map(\.element)
}

func rjust(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }

/// `%.Nf` without Foundation.
func fixed(_ v: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let n = Int((v * scale).rounded())
    let whole = n / Int(scale), frac = n % Int(scale)
    let f = String(frac)
    return "\(whole)." + String(repeating: "0", count: digits - f.count) + f
}

/// perf's event syntax (`-e`): symbolic names, hw-cache names, `rNNNN` raw events, `sys:name`
/// tracepoints, `:ukhGHpSDIe` modifiers, comma lists and `{a,b}` groups. Pure: tracepoint ids are
/// resolved by the live layer.

/// An `-e` string perf would reject.
public struct EventSpecError: Error, CustomStringConvertible, Equatable, Sendable {
    public let event: String
    public let reason: String
    public var description: String { "event syntax error: '\(event)': \(reason)" }
    public init(event: String, reason: String) { self.event = event; self.reason = reason }
}

/// The attr bits an event modifier sets (parse-events.c get_event_modifier, perf 6.1).
public struct EventModifiers: Equatable, Sendable {
    public var excludeUser = false
    public var excludeKernel = false
    public var excludeHV = false
    /// perf sets exclude_guest by default (perf_guest is false) unless a modifier string overrides it.
    public var excludeGuest = true
    public var excludeHost = false
    public var excludeIdle = false
    public var preciseIP: UInt8 = 0
    public var sampleRead = false
    public var pinned = false
    public var exclusive = false
    public var text = ""
    public init() {}

    /// Applies a modifier string ("u", "ppp", "uk", "G"), perf's rules: the first of u/k/h excludes all
    /// three levels then re-includes the named one; :u also excludes the guest; :G/:H pick guest or host.
    public static func parse(_ s: Substring, event: String) throws(EventSpecError) -> EventModifiers {
        var m = EventModifiers()
        m.text = String(s)
        var eu = false, ek = false, eh = false, eG = false, eH = false
        var exclude = false, excludeGH = false
        var precise = 0
        for c in s {
            switch c {
            case "u":
                if !exclude { exclude = true; eu = true; ek = true; eh = true }
                if !excludeGH { eG = true }
                eu = false
            case "k":
                if !exclude { exclude = true; eu = true; ek = true; eh = true }
                ek = false
            case "h":
                if !exclude { exclude = true; eu = true; ek = true; eh = true }
                eh = false
            case "G":
                if !excludeGH { excludeGH = true; eG = true; eH = true }
                eG = false
            case "H":
                if !excludeGH { excludeGH = true; eG = true; eH = true }
                eH = false
            case "I": m.excludeIdle = true
            case "p":
                precise += 1
                if !excludeGH { eG = true }
            case "P": precise = 3
            case "S": m.sampleRead = true
            case "D": m.pinned = true
            case "e": m.exclusive = true
            case "W": break
            default:
                throw EventSpecError(event: event, reason: "unknown modifier '\(c)' (perf accepts u k h G H I p P S D e W)")
            }
        }
        if precise > 3 { throw EventSpecError(event: event, reason: "precise level above 3 (:ppp is the most)") }
        m.excludeUser = eu; m.excludeKernel = ek; m.excludeHV = eh
        m.excludeGuest = eG; m.excludeHost = eH
        m.preciseIP = UInt8(precise)
        return m
    }
}

/// One parsed event.
public struct EventSpec: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case hardware, software, hwCache, raw
        /// `sys:name`; the config (tracepoint id) comes from tracefs.
        case tracepoint(system: String, name: String)
        /// duration_time, user_time, system_time: measured by the tool, no kernel event.
        case tool(String)
    }
    public var kind: Kind
    public var type: UInt32
    public var config: UInt64
    public var modifiers: EventModifiers
    /// The name perf prints: the event as the user wrote it, modifiers included ("task-clock:u", "cs").
    public var displayName: String
    /// The unit perf stat prints ("msec" for the clocks, "" otherwise).
    public var unit: String { type == PerfEventType.software && (config == 0 || config == 1) ? "msec" : (isTool ? "ns" : "") }
    /// The factor perf stat applies to the count (clocks count nanoseconds, shown in msec).
    public var scale: Double { unit == "msec" ? 1e-6 : 1 }
    public var isClock: Bool { type == PerfEventType.software && (config == 0 || config == 1) }
    var isTool: Bool { if case .tool = kind { return true }; return false }

    public init(kind: Kind, type: UInt32, config: UInt64, modifiers: EventModifiers = EventModifiers(), displayName: String) {
        self.kind = kind; self.type = type; self.config = config; self.modifiers = modifiers; self.displayName = displayName
    }

    /// Parses one event ("cycles", "task-clock:u", "L1-dcache-load-misses", "r1a8", "sched:sched_switch:k").
    public static func parse(_ text: String) throws(EventSpecError) -> EventSpec {
        let s = text.eventSpecTrimmed
        guard !s.isEmpty else { throw EventSpecError(event: text, reason: "empty event") }
        if s.contains("/") {
            throw EventSpecError(event: s, reason: "PMU event syntax (pmu/term=value/) is not supported by sonde")
        }
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        let head = String(parts[0])
        // A symbolic, cache or raw event followed by at most one modifier string.
        if let base = baseEvent(head) {
            guard parts.count <= 2 else { throw EventSpecError(event: s, reason: "too many ':' after '\(head)'") }
            var spec = base
            if parts.count == 2 { spec.modifiers = try EventModifiers.parse(parts[1], event: s) }
            spec.displayName = s
            return spec
        }
        if head == "mem" { throw EventSpecError(event: s, reason: "hardware breakpoints (mem:) are not supported by sonde") }
        if parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ "ukhGHIpPSDeW".contains($0) }),
           let sugg = EventNames.suggestion(for: head) {
            // "instrucions:u" reads like a misspelt event with modifiers, not a tracepoint "sys:name".
            throw EventSpecError(event: s, reason: "unknown event (did you mean '\(sugg):\(parts[1])'?); 'sonde perf list' lists the events")
        }
        if parts.count >= 2 {
            guard parts.count <= 3 else { throw EventSpecError(event: s, reason: "too many ':'") }
            let sys = head, name = String(parts[1])
            guard isTracepointWord(sys), isTracepointWord(name) else {
                throw EventSpecError(event: s, reason: "not a tracepoint (expected subsystem:event)")
            }
            var spec = EventSpec(kind: .tracepoint(system: sys, name: name), type: PerfEventType.tracepoint, config: 0, displayName: s)
            if parts.count == 3 { spec.modifiers = try EventModifiers.parse(parts[2], event: s) }
            return spec
        }
        var reason = "unknown event"
        if let sugg = EventNames.suggestion(for: head) { reason += " (did you mean '\(sugg)'?)" }
        reason += "; 'sonde perf list' lists the events"
        throw EventSpecError(event: s, reason: reason)
    }

    static func baseEvent(_ name: String) -> EventSpec? {
        if EventNames.tool.contains(name) {
            return EventSpec(kind: .tool(name), type: UInt32.max, config: 0, displayName: name)
        }
        if let (t, c) = EventNames.lookup(name) {
            let kind: Kind = t == PerfEventType.hardware ? .hardware : t == PerfEventType.software ? .software : .hwCache
            return EventSpec(kind: kind, type: t, config: c, displayName: name)
        }
        // rNNNN: a raw PMU event, hexadecimal (perf: r[0-9a-fA-F]+).
        if name.count >= 2, name.first == "r", let v = UInt64(name.dropFirst(), radix: 16),
           name.dropFirst().allSatisfy(\.isHexDigit) {
            return EventSpec(kind: .raw, type: PerfEventType.raw, config: v, displayName: name)
        }
        return nil
    }

    static func isTracepointWord(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f || c == 0x2d || c == 0x2e || c == 0x2a || c == 0x3f
        }
    }
}

/// Events as `-e` lists them: singles and `{a,b}` groups (the first member leads).
public struct EventGroup: Equatable, Sendable {
    public var events: [EventSpec]
    public var isGroup: Bool
    public init(events: [EventSpec], isGroup: Bool) { self.events = events; self.isGroup = isGroup }
}

public enum EventList {
    /// Parses one `-e` argument: "a,b", "{a,b}:u", "a,{b,c}". Group modifiers apply to each member.
    public static func parse(_ text: String) throws(EventSpecError) -> [EventGroup] {
        var out: [EventGroup] = []
        var items: [String] = []
        var depth = 0, cur = ""
        for c in text {
            switch c {
            case "{":
                depth += 1
                guard depth == 1 else { throw EventSpecError(event: text, reason: "nested groups") }
                cur.append(c)
            case "}":
                depth -= 1
                guard depth == 0 else { throw EventSpecError(event: text, reason: "unbalanced '}'") }
                cur.append(c)
            case "," where depth == 0:
                items.append(cur); cur = ""
            default: cur.append(c)
            }
        }
        guard depth == 0 else { throw EventSpecError(event: text, reason: "unbalanced '{'") }
        items.append(cur)
        for item in items {
            let t = item.eventSpecTrimmed
            guard !t.isEmpty else { throw EventSpecError(event: text, reason: "empty event in list") }
            if t.hasPrefix("{") {
                guard let close = t.lastIndex(of: "}") else { throw EventSpecError(event: t, reason: "unbalanced '{'") }
                let inner = t[t.index(after: t.startIndex)..<close]
                let after = t[t.index(after: close)...]
                var groupMods: Substring? = nil
                if !after.isEmpty {
                    guard after.first == ":" else { throw EventSpecError(event: t, reason: "text after '}'") }
                    groupMods = after.dropFirst()
                }
                var members: [EventSpec] = []
                for m in inner.split(separator: ",", omittingEmptySubsequences: false) {
                    var spec = try EventSpec.parse(String(m))
                    if let gm = groupMods {
                        // perf: the group modifier applies to members that have none of their own.
                        if spec.modifiers.text.isEmpty {
                            spec.modifiers = try EventModifiers.parse(gm, event: t)
                            spec.displayName += ":" + gm
                        }
                    }
                    members.append(spec)
                }
                out.append(EventGroup(events: members, isGroup: true))
            } else {
                out.append(EventGroup(events: [try EventSpec.parse(t)], isGroup: false))
            }
        }
        return out
    }
}

fileprivate extension String {
    var eventSpecTrimmed: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

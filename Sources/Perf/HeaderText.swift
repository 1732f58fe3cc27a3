import PerfData

/// `perf report --header-only`: the recording's features as perf prints them ("# hostname : x").
enum HeaderText {
    static func render(_ f: PerfDataFile, path: String) -> String {
        var out = "# ========\n# captured on    : (see file)\n# header version : 1\n"
        if let h = f.header { out += "# data offset    : \(h.data.offset)\n# data size      : \(h.data.size)\n" }
        let x = f.features
        if let v = x.hostname { out += "# hostname : \(v)\n" }
        if let v = x.osRelease { out += "# os release : \(v)\n" }
        if let v = x.version { out += "# perf version : \(v)\n" }
        if let v = x.arch { out += "# arch : \(v)\n" }
        if let a = x.nrCPUsAvailable, let o = x.nrCPUsOnline { out += "# nrcpus online : \(o)\n# nrcpus avail : \(a)\n" }
        if let v = x.cpuDesc { out += "# cpudesc : \(v)\n" }
        if let v = x.totalMemKB { out += "# total memory : \(v) kB\n" }
        if let v = x.cmdline { out += "# cmdline : \(v.joined(separator: " "))\n" }
        for (i, a) in f.attrs.enumerated() {
            let name = Recording.names(f)[i]
            out += "# event : name = \(name), type = \(a.attr.type), size = \(a.attr.size), config = 0x\(String(a.attr.config, radix: 16)), "
            out += "{ sample_period, sample_freq } = \(a.attr.samplePeriod), sample_type = 0x\(String(a.attr.sampleType.rawValue, radix: 16)), ids = \(a.ids.count)\n"
        }
        for b in x.buildIDs { out += "# build id \(b.hexID) \(b.filename)\n" }
        out += "# ========\n#\n"
        return out
    }
}

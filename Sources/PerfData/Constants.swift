/// Record types (`perf_event_header.type`): kernel ones below 64, perf's own from 64.
public enum RecordType {
    public static let mmap: UInt32 = 1
    public static let lost: UInt32 = 2
    public static let comm: UInt32 = 3
    public static let exit: UInt32 = 4
    public static let throttle: UInt32 = 5
    public static let unthrottle: UInt32 = 6
    public static let fork: UInt32 = 7
    public static let read: UInt32 = 8
    public static let sample: UInt32 = 9
    public static let mmap2: UInt32 = 10
    public static let aux: UInt32 = 11
    public static let itraceStart: UInt32 = 12
    public static let lostSamples: UInt32 = 13
    public static let switchEvent: UInt32 = 14
    public static let switchCPUWide: UInt32 = 15
    public static let namespaces: UInt32 = 16
    public static let ksymbol: UInt32 = 17
    public static let bpfEvent: UInt32 = 18
    public static let cgroup: UInt32 = 19
    public static let textPoke: UInt32 = 20
    public static let auxOutputHWID: UInt32 = 21
    public static let headerAttr: UInt32 = 64
    public static let headerEventType: UInt32 = 65
    public static let headerTracingData: UInt32 = 66
    public static let headerBuildID: UInt32 = 67
    public static let finishedRound: UInt32 = 68
    public static let idIndex: UInt32 = 69
    public static let auxtraceInfo: UInt32 = 70
    public static let auxtrace: UInt32 = 71
    public static let auxtraceError: UInt32 = 72
    public static let threadMap: UInt32 = 73
    public static let cpuMap: UInt32 = 74
    public static let statConfig: UInt32 = 75
    public static let stat: UInt32 = 76
    public static let statRound: UInt32 = 77
    public static let eventUpdate: UInt32 = 78
    public static let timeConv: UInt32 = 79
    public static let headerFeature: UInt32 = 80
    public static let compressed: UInt32 = 81
    public static let finishedInit: UInt32 = 82

    /// perf's name for a record type ("SAMPLE", "MMAP2", ...), as `perf report -D` prints it.
    public static func name(_ t: UInt32) -> String {
        switch t {
        case 1: return "MMAP"; case 2: return "LOST"; case 3: return "COMM"; case 4: return "EXIT"
        case 5: return "THROTTLE"; case 6: return "UNTHROTTLE"; case 7: return "FORK"; case 8: return "READ"
        case 9: return "SAMPLE"; case 10: return "MMAP2"; case 11: return "AUX"; case 12: return "ITRACE_START"
        case 13: return "LOST_SAMPLES"; case 14: return "SWITCH"; case 15: return "SWITCH_CPU_WIDE"
        case 16: return "NAMESPACES"; case 17: return "KSYMBOL"; case 18: return "BPF_EVENT"; case 19: return "CGROUP"
        case 20: return "TEXT_POKE"; case 21: return "AUX_OUTPUT_HW_ID"
        case 64: return "ATTR"; case 65: return "EVENT_TYPE"; case 66: return "TRACING_DATA"; case 67: return "BUILD_ID"
        case 68: return "FINISHED_ROUND"; case 69: return "ID_INDEX"; case 70: return "AUXTRACE_INFO"; case 71: return "AUXTRACE"
        case 72: return "AUXTRACE_ERROR"; case 73: return "THREAD_MAP"; case 74: return "CPU_MAP"; case 75: return "STAT_CONFIG"
        case 76: return "STAT"; case 77: return "STAT_ROUND"; case 78: return "EVENT_UPDATE"; case 79: return "TIME_CONV"
        case 80: return "FEATURE"; case 81: return "COMPRESSED"; case 82: return "FINISHED_INIT"
        default: return "type \(t)"
        }
    }
}

/// `perf_event_header.misc` bits.
public enum RecordMisc {
    public static let cpumodeMask: UInt16 = 7
    public static let cpumodeUnknown: UInt16 = 0
    public static let kernel: UInt16 = 1
    public static let user: UInt16 = 2
    public static let hypervisor: UInt16 = 3
    public static let guestKernel: UInt16 = 4
    public static let guestUser: UInt16 = 5
    /// MMAP/MMAP2 of a non-executable mapping.
    public static let mmapData: UInt16 = 1 << 13
    /// COMM caused by exec.
    public static let commExec: UInt16 = 1 << 13
    /// SWITCH: the task was switched out.
    public static let switchOut: UInt16 = 1 << 13
    /// SWITCH out while still runnable.
    public static let switchOutPreempt: UInt16 = 1 << 14
    /// MMAP2 carries a build-id instead of device/inode.
    public static let mmapBuildID: UInt16 = 1 << 14
    /// SAMPLE ip is exact.
    public static let exactIP: UInt16 = 1 << 14
    /// BUILD_ID entry carries its size byte.
    public static let buildIDSize: UInt16 = 1 << 15
}

/// `perf_event_attr.sample_type` bits.
public struct SampleType: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let ip = SampleType(rawValue: 1 << 0)
    public static let tid = SampleType(rawValue: 1 << 1)
    public static let time = SampleType(rawValue: 1 << 2)
    public static let addr = SampleType(rawValue: 1 << 3)
    public static let read = SampleType(rawValue: 1 << 4)
    public static let callchain = SampleType(rawValue: 1 << 5)
    public static let id = SampleType(rawValue: 1 << 6)
    public static let cpu = SampleType(rawValue: 1 << 7)
    public static let period = SampleType(rawValue: 1 << 8)
    public static let streamID = SampleType(rawValue: 1 << 9)
    public static let raw = SampleType(rawValue: 1 << 10)
    public static let branchStack = SampleType(rawValue: 1 << 11)
    public static let regsUser = SampleType(rawValue: 1 << 12)
    public static let stackUser = SampleType(rawValue: 1 << 13)
    public static let weight = SampleType(rawValue: 1 << 14)
    public static let dataSrc = SampleType(rawValue: 1 << 15)
    public static let identifier = SampleType(rawValue: 1 << 16)
    public static let transaction = SampleType(rawValue: 1 << 17)
    public static let regsIntr = SampleType(rawValue: 1 << 18)
    public static let physAddr = SampleType(rawValue: 1 << 19)
    public static let aux = SampleType(rawValue: 1 << 20)
    public static let cgroup = SampleType(rawValue: 1 << 21)
    public static let dataPageSize = SampleType(rawValue: 1 << 22)
    public static let codePageSize = SampleType(rawValue: 1 << 23)
    public static let weightStruct = SampleType(rawValue: 1 << 24)
}

/// `perf_event_attr.read_format` bits.
public struct ReadFormat: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let totalTimeEnabled = ReadFormat(rawValue: 1 << 0)
    public static let totalTimeRunning = ReadFormat(rawValue: 1 << 1)
    public static let id = ReadFormat(rawValue: 1 << 2)
    public static let group = ReadFormat(rawValue: 1 << 3)
    public static let lost = ReadFormat(rawValue: 1 << 4)
}

/// Callchain context markers (`PERF_CONTEXT_*`), stored as u64 in callchains.
public enum CallchainContext {
    public static let hv: UInt64 = UInt64(bitPattern: -32)
    public static let kernel: UInt64 = UInt64(bitPattern: -128)
    public static let user: UInt64 = UInt64(bitPattern: -512)
    public static let guest: UInt64 = UInt64(bitPattern: -2048)
    public static let guestKernel: UInt64 = UInt64(bitPattern: -2176)
    public static let guestUser: UInt64 = UInt64(bitPattern: -2560)
    /// Values at or above this are markers, not addresses.
    public static let max: UInt64 = UInt64(bitPattern: -4095)
}

/// Feature bits of the header bitmap (`HEADER_*` in tools/perf/util/header.h).
public enum FeatureID {
    public static let tracingData = 1
    public static let buildID = 2
    public static let hostname = 3
    public static let osrelease = 4
    public static let version = 5
    public static let arch = 6
    public static let nrCPUs = 7
    public static let cpuDesc = 8
    public static let cpuID = 9
    public static let totalMem = 10
    public static let cmdline = 11
    public static let eventDesc = 12
    public static let cpuTopology = 13
    public static let numaTopology = 14
    public static let branchStack = 15
    public static let pmuMappings = 16
    public static let groupDesc = 17
    public static let auxtrace = 18
    public static let stat = 19
    public static let cache = 20
    public static let sampleTime = 21
    public static let memTopology = 22
    public static let clockID = 23
    public static let dirFormat = 24
    public static let bpfProgInfo = 25
    public static let bpfBTF = 26
    public static let compressed = 27
    public static let cpuPMUCaps = 28
    public static let clockData = 29
    public static let hybridTopology = 30
    public static let pmuCaps = 31
}

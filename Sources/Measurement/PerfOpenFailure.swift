// Plain-words explanations of perf_event_open failures.
import CPfm
import Glibc

enum PerfOpenFailure {
    /// True when the kernel exposes a CPU performance-monitoring unit to this machine.
    static var hasHardwarePMU: Bool {
        let devices = "/sys/bus/event_source/devices"
        for name in ["cpu", "cpu_core", "cpu_atom", "armv8_pmuv3", "armv8_pmuv3_0"] where TextFile.exists("\(devices)/\(name)") {
            return true
        }
        return false
    }

    /// perf_event_paranoid, or nil when the file is missing (no perf support in the kernel).
    static var paranoidLevel: Int? {
        TextFile.firstLine("/proc/sys/kernel/perf_event_paranoid").flatMap { Int($0) }
    }

    /// Types 1 (software), 2 (tracepoint) and 5 (breakpoint) are kernel-provided; the rest need a PMU.
    static func needsHardware(type: UInt32) -> Bool { ![1, 2, 5].contains(type) }

    static func explain(_ errno: Errno, type: UInt32) -> String {
        let suffix = "perf_event_open: \(errno.name)"
        switch errno.rawValue {
        case ENOENT:
            if needsHardware(type: type) && !hasHardwarePMU {
                return "no hardware PMU exposed to this machine (/sys/bus/event_source/devices has no cpu PMU); \(suffix)"
            }
            return "the kernel does not provide this event (type \(type)); \(suffix)"
        case EACCES, EPERM:
            let level = paranoidLevel.map(String.init) ?? "?"
            if geteuid() == 0 {
                return "denied even to root (perf_event_paranoid=\(level)); a container or seccomp policy may block perf_event_open; \(suffix)"
            }
            return "perf_event_paranoid=\(level) forbids it; run as root or lower /proc/sys/kernel/perf_event_paranoid; \(suffix)"
        case EOPNOTSUPP:
            return "the PMU cannot count this way (exclusion or grouping not supported by this PMU); \(suffix)"
        case EINVAL:
            return "the kernel rejects the encoded attributes (config bits unknown to this PMU, or a bad group); \(suffix)"
        case ENODEV:
            return "the PMU does not support this event on this CPU; \(suffix)"
        case ENOSPC:
            return "no free hardware counter for it (too many events at once); \(suffix)"
        case EMFILE:
            return "the process has too many open files; raise `ulimit -n`; \(suffix)"
        case E2BIG:
            return "the kernel does not accept libpfm4's perf_event_attr size; \(suffix)"
        case ENOSYS:
            return "the kernel has no perf_event_open (CONFIG_PERF_EVENTS off, or blocked by seccomp); \(suffix)"
        case EBUSY:
            return "another user holds the PMU exclusively; \(suffix)"
        default:
            return "perf_event_open failed: \(errno.named)"
        }
    }
}

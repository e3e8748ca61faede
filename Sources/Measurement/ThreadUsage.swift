// CPU time and scheduling events of one thread.
import CVWiFiShim
import Glibc

public struct ThreadUsage: Sendable, Codable, Equatable {
    public var userSeconds: Double
    public var systemSeconds: Double
    public var voluntarySwitches: Int
    public var involuntarySwitches: Int
    public var minorFaults: Int
    /// Total CPU time, at nanosecond resolution where available (CLOCK_THREAD_CPUTIME_ID, schedstat);
    /// user + system come in coarser units (microseconds, or clock ticks from /proc).
    public var cpuSeconds: Double

    public init(userSeconds: Double, systemSeconds: Double, voluntarySwitches: Int,
                involuntarySwitches: Int, minorFaults: Int, cpuSeconds: Double) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.voluntarySwitches = voluntarySwitches
        self.involuntarySwitches = involuntarySwitches
        self.minorFaults = minorFaults
        self.cpuSeconds = cpuSeconds
    }

    public static let zero = ThreadUsage(userSeconds: 0, systemSeconds: 0, voluntarySwitches: 0,
                                         involuntarySwitches: 0, minorFaults: 0, cpuSeconds: 0)

    /// The calling thread (getrusage RUSAGE_THREAD and CLOCK_THREAD_CPUTIME_ID).
    public static func current() -> ThreadUsage {
        var usage = vw_thread_usage()
        _ = vw_thread_usage_self(&usage)
        return ThreadUsage(usage, cpuSeconds: Double(vw_thread_cputime_ns()) / 1e9)
    }

    /// From the shim's getrusage record (microseconds).
    init(_ usage: vw_thread_usage, cpuSeconds: Double) {
        self.init(userSeconds: Double(usage.user_us) / 1e6, systemSeconds: Double(usage.system_us) / 1e6,
                  voluntarySwitches: Int(usage.voluntary_switches),
                  involuntarySwitches: Int(usage.involuntary_switches),
                  minorFaults: Int(usage.minor_faults), cpuSeconds: cpuSeconds)
    }

    /// Any thread of this process, from /proc/self/task/<tid>/{stat,status,schedstat}.
    /// Nil when the thread does not exist (anymore).
    public static func of(tid: Int32) -> ThreadUsage? {
        guard let stat = ProcTaskStat.fields(tid: tid), stat.count > 14 else { return nil }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        // proc(5): (10) minflt, (14) utime, (15) stime, in clock ticks; 1-based.
        let minorFaults = Int(stat[9]) ?? 0
        let user = Double(stat[13]).map { $0 / ticksPerSecond } ?? 0
        let system = Double(stat[14]).map { $0 / ticksPerSecond } ?? 0
        var voluntary = 0, involuntary = 0
        if let status = TextFile.read("/proc/self/task/\(tid)/status") {
            for line in status.split(separator: "\n") {
                if line.hasPrefix("voluntary_ctxt_switches:") {
                    voluntary = Int(line.dropFirst("voluntary_ctxt_switches:".count).trimmedWhitespace) ?? 0
                } else if line.hasPrefix("nonvoluntary_ctxt_switches:") {
                    involuntary = Int(line.dropFirst("nonvoluntary_ctxt_switches:".count).trimmedWhitespace) ?? 0
                }
            }
        }
        // schedstat: time on CPU (ns), time waiting to run (ns), timeslices. Absent without
        // CONFIG_SCHEDSTATS; then fall back to the tick-resolution sum.
        var cpu = user + system
        if let line = TextFile.firstLine("/proc/self/task/\(tid)/schedstat"),
           let first = line.split(separator: " ").first, let ns = Double(first) {
            cpu = ns / 1e9
        }
        return ThreadUsage(userSeconds: user, systemSeconds: system, voluntarySwitches: voluntary,
                           involuntarySwitches: involuntary, minorFaults: minorFaults, cpuSeconds: cpu)
    }

    /// Kernel thread id of the caller, for `of(tid:)` from another thread.
    public static func currentThreadID() -> Int32 { vw_gettid() }

    /// Two threads' (or intervals') use together.
    public static func + (a: ThreadUsage, b: ThreadUsage) -> ThreadUsage {
        ThreadUsage(
            userSeconds: a.userSeconds + b.userSeconds,
            systemSeconds: a.systemSeconds + b.systemSeconds,
            voluntarySwitches: a.voluntarySwitches + b.voluntarySwitches,
            involuntarySwitches: a.involuntarySwitches + b.involuntarySwitches,
            minorFaults: a.minorFaults + b.minorFaults,
            cpuSeconds: a.cpuSeconds + b.cpuSeconds)
    }

    /// What happened between two samples of the same thread.
    public static func - (later: ThreadUsage, earlier: ThreadUsage) -> ThreadUsage {
        ThreadUsage(
            userSeconds: later.userSeconds - earlier.userSeconds,
            systemSeconds: later.systemSeconds - earlier.systemSeconds,
            voluntarySwitches: later.voluntarySwitches - earlier.voluntarySwitches,
            involuntarySwitches: later.involuntarySwitches - earlier.involuntarySwitches,
            minorFaults: later.minorFaults - earlier.minorFaults,
            cpuSeconds: later.cpuSeconds - earlier.cpuSeconds)
    }
}

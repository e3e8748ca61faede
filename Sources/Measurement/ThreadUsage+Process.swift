// CPU time of the whole process, the total that per-thread accounts must add up to.
import CVWiFiShim
import Glibc

extension ThreadUsage {
    /// Every thread of this process, live or already joined (getrusage RUSAGE_SELF); nil when
    /// the call failed. `cpuSeconds` is user + system, in the same microsecond units the
    /// per-thread rows of `cpu.csv` sum, so the two compare without a resolution mismatch.
    public static func process() -> ThreadUsage? {
        var usage = vw_thread_usage()
        guard vw_process_usage(&usage) == 0 else { return nil }
        return ThreadUsage(usage, cpuSeconds: Double(usage.user_us + usage.system_us) / 1e6)
    }
}

extension ThreadUsage {
    /// Kernel thread ids of every live thread of this process (/proc/self/task).
    public static func processThreadIDs() -> [Int32] {
        (TextFile.entries(of: "/proc/self/task") ?? []).compactMap { Int32($0) }
    }

    /// User and system scaled so that they sum to `cpuSeconds`: /proc gives them in clock
    /// ticks (10 ms), schedstat the total in nanoseconds; all user when no tick fell in.
    public var splitByTicks: ThreadUsage {
        var u = self
        let ticks = userSeconds + systemSeconds
        u.userSeconds = ticks > 0 ? cpuSeconds * userSeconds / ticks : cpuSeconds
        u.systemSeconds = cpuSeconds - u.userSeconds
        return u
    }
}

// Machine-wide CPU time from the aggregate `cpu` line of /proc/stat, in clock ticks.
import CVWiFiShim
import Glibc

public struct SystemCPUSnapshot: Sendable, Codable, Equatable {
    public var user: UInt64
    public var nice: UInt64
    public var system: UInt64
    public var idle: UInt64
    public var iowait: UInt64
    public var irq: UInt64
    public var softirq: UInt64
    public var steal: UInt64
    /// CLOCK_MONOTONIC when taken.
    public var monotonicNanoseconds: Int64
    /// USER_HZ: ticks per second of the fields above.
    public var ticksPerSecond: Double

    public init(user: UInt64, nice: UInt64, system: UInt64, idle: UInt64, iowait: UInt64, irq: UInt64,
                softirq: UInt64, steal: UInt64, monotonicNanoseconds: Int64, ticksPerSecond: Double) {
        self.user = user
        self.nice = nice
        self.system = system
        self.idle = idle
        self.iowait = iowait
        self.irq = irq
        self.softirq = softirq
        self.steal = steal
        self.monotonicNanoseconds = monotonicNanoseconds
        self.ticksPerSecond = ticksPerSecond
    }

    /// Ticks the CPUs spent doing work (everything but idle, iowait and steal).
    public var busy: UInt64 { user + nice + system + irq + softirq }
    public var total: UInt64 { busy + idle + iowait + steal }

    /// Reads /proc/stat now; nil if it is unreadable.
    public static func take() -> SystemCPUSnapshot? {
        guard let line = TextFile.firstLine("/proc/stat"), line.hasPrefix("cpu ") else { return nil }
        let values = line.split(separator: " ").dropFirst().map { UInt64($0) ?? 0 }
        func at(_ i: Int) -> UInt64 { i < values.count ? values[i] : 0 }
        return SystemCPUSnapshot(user: at(0), nice: at(1), system: at(2), idle: at(3), iowait: at(4),
                                 irq: at(5), softirq: at(6), steal: at(7),
                                 monotonicNanoseconds: vw_monotonic_ns(),
                                 ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }
}

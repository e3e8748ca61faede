// How quiet the machine was during a run: steal, background load, scheduling gaps, governor.
import CVWiFiShim

public struct NoiseReport: Sendable, Codable, Equatable {
    public let wallSeconds: Double
    /// Share of all CPU time the hypervisor took away (steal), percent.
    public let stealPercent: Double
    /// Machine-wide busy time over wall time, as percent of one core (200 = two cores busy).
    public let busyPercentOfOneCore: Double
    /// Scaling governor of cpu0, nil when cpufreq is absent (typical in VMs).
    public let governor: String?
    /// Plain-words warnings; empty on a quiet machine.
    public let warnings: [String]
    public var noisy: Bool { !warnings.isEmpty }

    /// Steal above this share of CPU time makes a run noisy.
    public static let stealWarningPercent = 1.0

    public init(wallSeconds: Double, stealPercent: Double, busyPercentOfOneCore: Double,
                governor: String?, warnings: [String]) {
        self.wallSeconds = wallSeconds
        self.stealPercent = stealPercent
        self.busyPercentOfOneCore = busyPercentOfOneCore
        self.governor = governor
        self.warnings = warnings
    }

    /// Noise between two snapshots (`a` taken before `b`). `expectedBusyPercentOfOneCore` is what
    /// the measured run itself keeps busy; more than that plus 50 points means something else ran.
    public static func between(_ a: SystemCPUSnapshot, _ b: SystemCPUSnapshot,
                               expectedBusyPercentOfOneCore: Double? = nil) -> NoiseReport {
        let wall = Double(b.monotonicNanoseconds - a.monotonicNanoseconds) / 1e9
        let total = Double(b.total &- a.total)
        let steal = total > 0 ? Double(b.steal &- a.steal) / total * 100 : 0
        let busySeconds = Double(b.busy &- a.busy) / b.ticksPerSecond
        let busy = wall > 0 ? busySeconds / wall * 100 : 0
        let governor = Self.governor()
        var warnings: [String] = []
        if steal > stealWarningPercent {
            warnings.append("steal time \(format(steal))% during the run: the host took CPU away; rerun on a quieter machine or raise repetitions")
        }
        if let expected = expectedBusyPercentOfOneCore, busy > expected + 50 {
            warnings.append("the machine was \(format(busy))% of one core busy but the run accounts for about \(format(expected))%: other processes competed; stop them or rerun")
        }
        if let governor, governor != "performance" {
            warnings.append("CPU frequency governor is '\(governor)': clock speed may change during the run; set it to 'performance'")
        }
        if total == 0 && wall > 0.5 {
            warnings.append("/proc/stat did not advance over \(format(wall)) s: CPU accounting is unreliable here")
        }
        return NoiseReport(wallSeconds: wall, stealPercent: steal, busyPercentOfOneCore: busy,
                           governor: governor, warnings: warnings)
    }

    /// The cpu0 scaling governor, or nil when /sys has no cpufreq (VMs usually have none).
    public static func governor() -> String? {
        TextFile.firstLine("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
    }

    /// Reads the TSC in a tight loop for `milliseconds` and reports the largest gaps between
    /// consecutive reads (interrupts, preemption, host descheduling), in microseconds.
    /// Gaps under 1 us are not kept, so a p99 below 1 us reads 0.
    public static func schedulingGapProbe(milliseconds: Int) -> (maxGapUs: Double, p99GapUs: Double) {
        let clock = TSCClock.shared
        let end = vw_rdtsc() &+ clock.cycles(seconds: Double(milliseconds) / 1000)
        // Keep only gaps above a threshold, in preallocated storage: the loop itself allocates nothing.
        let threshold = clock.cycles(seconds: 1e-6)
        var gaps = [UInt64](repeating: 0, count: 1 << 16)
        var kept = 0
        var reads = 0
        var previous = vw_rdtsc()
        gaps.withUnsafeMutableBufferPointer { buffer in
            while previous < end {
                let now = vw_rdtsc()
                let gap = now &- previous
                if gap > threshold && kept < buffer.count {
                    buffer[kept] = gap
                    kept += 1
                }
                reads += 1
                previous = now
            }
        }
        guard reads > 0 else { return (0, 0) }
        let big = gaps[0..<kept].sorted()
        let maxGap = big.last ?? 0
        // p99 over all reads: the gap at rank 99% of all reads; most are below the threshold.
        let rankFromTop = reads / 100
        let p99 = rankFromTop < big.count ? big[big.count - 1 - rankFromTop] : 0
        return (clock.nanoseconds(cycles: maxGap) / 1000, clock.nanoseconds(cycles: p99) / 1000)
    }

    private static func format(_ value: Double) -> String {
        let scaled = (value * 10).rounded() / 10
        return String(scaled)
    }
}

// What one run of a data path measured. Everything here comes from stamps, counters and
// per-thread CPU accounting of the run; nothing is derived from the paper.
import Synchronization
public struct PathResult: Sendable, Codable {
    public var config: PathConfig
    public var summary: PathSummary
    public var stages: [StageStatistic] = []
    /// Each critical path's cross-context hand-offs, measured from the stamps (`hops.csv`).
    public var hops: [HopStatistic] = []
    public var cpu: [ComponentCPU] = []
    public var counters: [CounterReading] = []
    public var exits: [ExitStatistic] = []
    /// Round-trip times of the ping workload, milliseconds, one per echo.
    public var rttMs: [Double] = []
    public var categories: [CategoryTime] = []
    /// Wall time of the measured region in TSC cycles (denominator of Table 1 percentages).
    public var wallCycles: Double = 0
    public var tscHz: Double = 0
    /// Drops by reason; every drop has one.
    public var drops: [String: Int] = [:]
    /// Why the trap backend is what it is (e.g. the reason KVM was not used).
    public var trapReason: String = ""
    /// Machine-wide CPU use over the run from /proc/stat, percent of one core (system idle scenario).
    public var systemCPUPercent: Double = 0
    public var warnings: [String] = []
    /// The process's own CPU over the measured window, seconds (getrusage RUSAGE_SELF: every
    /// thread, joined ones included); nil when not measured (no warm-up end, system idle).
    public var processCPUSeconds: Double?
    /// The `cpu` rows summed (user + system, harness included), seconds: the process's CPU
    /// within CPUBalance's tolerance, or a warning says by how much it misses.
    public var componentCPUSeconds: Double?
    /// Steal time over the run from /proc/stat (percent of the machine's CPU time).
    public var stealPercent: Double = 0
    /// Heap allocation calls made by each pipeline thread inside the measured region
    /// (counted by the shim's malloc interposer); empty when counting was not active.
    public var allocations: [String: Int] = [:]
    /// Frames the access point accepted from each VM ("vm1", "vm2", ...), by the VM-ID the device
    /// trusted (vwifi path).
    public var deliveredByVM: [String: Int] = [:]
    /// Each VM's goodput: its measured payload bytes over the span of its own measured frames
    /// at the access point (VMs that overlap in time share the one radio).
    public var goodputByVMMbps: [String: Double] = [:]
    /// With `--direction bidir`: each stream's goodput at its receiver (`tx`: at the access
    /// point, `rx`: at the station's app or guest); the summary's goodput is their sum.
    public var goodputByDirectionMbps: [String: Double] = [:]
    /// Ping: echo requests whose reply did not come within `--ping-timeout-ms`.
    public var pingTimeouts = 0
    /// A real program's run (`--traffic <tool>`): its own report and the cross-check; nil for
    /// the harness's own traffic.
    public var traffic: TrafficResult?
    /// What the radio's DCF medium did (nil with `--air none`): set by the model, not the pipelines.
    public var air: AirStatistics?
    public init(config: PathConfig, summary: PathSummary) {
        self.config = config
        self.summary = summary
    }
}

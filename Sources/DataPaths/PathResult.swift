// What one run of a data path measured. Everything here comes from stamps, counters and
// per-thread CPU accounting of the run; nothing is derived from the paper.
import Synchronization

/// Roles of the pipeline threads, as `cpu.csv` names them.
public enum Component: String, CaseIterable, Sendable, Codable {
    case app, guest, hypervisor, device_model, host_driver, device
    /// The device (μCode, air, access point, wired peer) stands for hardware: never host CPU.
    public var countedAsHost: Bool { self != .device }
}

/// The categories of the paper's Table 1.
public enum TimeCategory: String, CaseIterable, Sendable, Codable {
    case virtualIRQDelivery = "virtual_irq_delivery"
    case addressTranslation = "address_translation"
    case ioExitHandling = "io_exit_handling_and_forwarding"
    case decoding = "decoding"
    case interruptHandling = "interrupt_handling_forwarding"
    case systemCalls = "system_calls"
    case locking = "locking"
    case scheduling = "scheduling_wakeups"
    case packetCopies = "packet_copies"
    case timers = "timers"
    case networkStack = "network_stack"
}

/// The one-row `summary.csv`.
public struct PathSummary: Sendable, Codable, Equatable {
    public var path: String
    public var direction: String
    public var workload: String
    public var packetsSent: Int
    public var packetsDelivered: Int
    public var packetsDropped: Int
    public var goodputMbps: Double
    public var framesPerSecond: Double
    public var interruptsPhysical: Int
    public var interruptsVirtual: Int
    public var exits: Int
    public var hostCPUPercent: Double
    public var deviceCPUPercent: Double
    public var wallSeconds: Double
    public var translations: Int
    public var iotlbHits: Int
    public var iotlbMisses: Int
    public var iommuFaults: Int
    public var wakeups: Int
    public var trapBackend: String
    public var interruptMechanism: String
    /// VMs sharing the pipeline (`--vms`); 1 for native and passthrough.
    public var vms: Int = 1
    /// Times a producer found its next ring full and waited (the guest's TX ring or buffer
    /// pool, the host driver's device queue): back-pressure, counted, not timed.
    public var ringFullWaits: Int = 0
    public init(path: String, direction: String, workload: String) {
        self.path = path
        self.direction = direction
        self.workload = workload
        packetsSent = 0; packetsDelivered = 0; packetsDropped = 0
        goodputMbps = 0; framesPerSecond = 0
        interruptsPhysical = 0; interruptsVirtual = 0; exits = 0
        hostCPUPercent = 0; deviceCPUPercent = 0; wallSeconds = 0
        translations = 0; iotlbHits = 0; iotlbMisses = 0; iommuFaults = 0; wakeups = 0
        trapBackend = ""; interruptMechanism = ""
    }
}

/// One row of `stages.csv`: a stage's duration is the cycles from the previous stamp of the
/// same packet to this stage's stamp.
public struct StageStatistic: Sendable, Codable, Equatable {
    public var stage: String
    /// Which chain the stage belongs to: `tx_extra_path`, `completion_path`, `rx_path`.
    public var chain: String
    public var count: Int
    public var cyclesMedian: Double
    public var cyclesP90: Double
    public var cyclesP99: Double
    public var cyclesMean: Double
    public init(stage: String, chain: String, count: Int, cyclesMedian: Double, cyclesP90: Double,
                cyclesP99: Double, cyclesMean: Double) {
        self.stage = stage; self.chain = chain; self.count = count
        self.cyclesMedian = cyclesMedian; self.cyclesP90 = cyclesP90
        self.cyclesP99 = cyclesP99; self.cyclesMean = cyclesMean
    }
}

/// One row of `cpu.csv`.
public struct ComponentCPU: Sendable, Codable, Equatable {
    public var component: Component
    public var userSeconds: Double
    public var systemSeconds: Double
    /// CPU time over wall time x 100: percent of one core.
    public var cpuPercent: Double
    public var countedAsHost: Bool
    public var voluntarySwitches: Int
    public var involuntarySwitches: Int
    public init(component: Component, userSeconds: Double, systemSeconds: Double, cpuPercent: Double,
                voluntarySwitches: Int = 0, involuntarySwitches: Int = 0) {
        self.component = component; self.userSeconds = userSeconds; self.systemSeconds = systemSeconds
        self.cpuPercent = cpuPercent; self.countedAsHost = component.countedAsHost
        self.voluntarySwitches = voluntarySwitches; self.involuntarySwitches = involuntarySwitches
    }
}

/// A counter summed over a component's threads, or why it could not be counted.
public struct CounterReading: Sendable, Codable, Equatable {
    public var component: Component
    public var event: String
    public var value: Double?
    public var available: Bool
    public var reason: String
    public init(component: Component, event: String, value: Double?, available: Bool, reason: String) {
        self.component = component; self.event = event; self.value = value
        self.available = available; self.reason = reason
    }
}

/// Exits by reason (`exits.csv`).
public struct ExitStatistic: Sendable, Codable, Equatable {
    public var reason: String
    public var count: Int
    public var cyclesMin: Double
    public var cyclesMedian: Double
    public var cyclesP99: Double
    public init(reason: String, count: Int, cyclesMin: Double, cyclesMedian: Double, cyclesP99: Double) {
        self.reason = reason; self.count = count
        self.cyclesMin = cyclesMin; self.cyclesMedian = cyclesMedian; self.cyclesP99 = cyclesP99
    }
}

/// Cycles a component spent in one Table 1 category, bracketed by TSC reads around the work.
public struct CategoryTime: Sendable, Codable, Equatable {
    public var component: Component
    public var category: TimeCategory
    public var cycles: Double
    public init(component: Component, category: TimeCategory, cycles: Double) {
        self.component = component; self.category = category; self.cycles = cycles
    }
}

public struct PathResult: Sendable, Codable {
    public var config: PathConfig
    public var summary: PathSummary
    public var stages: [StageStatistic] = []
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
    public init(config: PathConfig, summary: PathSummary) {
        self.config = config
        self.summary = summary
    }
}

/// Cancellation and progress shared between a runner and the pipeline it drives.
public final class RunControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let progressSink: (@Sendable (Double) -> Void)?
    public init(progress: (@Sendable (Double) -> Void)? = nil) { progressSink = progress }
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    /// Fraction of the run done, 0...1.
    public func report(progress: Double) { progressSink?(progress) }
}

/// Runs one configuration. The real implementation is `PipelineExecutor`; suites take any.
public protocol PathExecutor: Sendable {
    func run(_ config: PathConfig, control: RunControl) throws -> PathResult
}

/// A run stopped before it finished because its `RunControl` was cancelled.
public struct RunCancelled: Error, Sendable {
    public init() {}
}

import Synchronization

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
    /// The 99.9th percentile and the largest sample; nil in results written before they were kept.
    public var cyclesP999: Double?
    public var cyclesMax: Double?
    public init(stage: String, chain: String, count: Int, cyclesMedian: Double, cyclesP90: Double,
                cyclesP99: Double, cyclesMean: Double, cyclesP999: Double? = nil, cyclesMax: Double? = nil) {
        self.stage = stage; self.chain = chain; self.count = count
        self.cyclesMedian = cyclesMedian; self.cyclesP90 = cyclesP90
        self.cyclesP99 = cyclesP99; self.cyclesMean = cyclesMean
        self.cyclesP999 = cyclesP999; self.cyclesMax = cyclesMax
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

/// One cross-context hand-off on a critical path (`hops.csv`, result.json `hops`), found in the
/// stamps: consecutive stamps of one packet taken in different contexts.
public struct HopStatistic: Sendable, Codable, Equatable {
    /// The critical path: `tx`, `completion`, `rx`, `ping`.
    public var path: String
    /// The components on either side, as `cpu.csv` names them.
    public var from: String
    public var to: String
    /// What connects them, as the receiving component declares it.
    public var mechanism: String
    /// The threads (accounts) on either side; a KVM vCPU's host half is `vw-guest:kvm`.
    public var fromThread: String
    public var toThread: String
    /// Both sides on one OS thread (a system call, or a KVM vCPU's VM exit), by their thread ids.
    public var sameThread: Bool
    /// The stage pair most packets crossed it by, e.g. `doorbell->trap_exit`.
    public var stages: String
    /// Packets that crossed it, and that over the path's measured packets.
    public var count: Int
    public var perPacket: Double
    /// The median of the crossing's duration (from the stamp before to the stamp after), over
    /// the crossings stamped on both sides (a frame taken by an interrupt already being handled
    /// crosses unstamped); 0 when none was.
    public var medianCycles: Double
}

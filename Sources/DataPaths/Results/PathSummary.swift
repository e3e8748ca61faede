import Synchronization

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
    /// The executor's supervising thread, percent of one core: neither host nor device CPU.
    public var harnessCPUPercent: Double = 0
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

// What one run of a data path is asked to do. Shared by `vwifi-bench path` and suite files:
// both set options through `PathConfig.set(_:to:)`, which reads the one option table
// (`PathOption.all`), so a flag and a suite field with the same name always mean the same thing
// and fail with the same message.
@_exported import enum VMM.DoorbellMode

public struct PathConfig: Sendable, Codable, Equatable {
    public var path: PathKind
    public var workload: Workload = .udp
    /// Packets to send (count-bounded run); ignored when `duration` is set.
    public var packets: Int = 5_000
    /// Seconds to run (time-bounded run); nil means count-bounded.
    public var duration: Double? = nil
    /// UDP payload bytes (1450 gives a 1514-byte MPDU).
    public var size: Int = 1450
    /// Offered packets per second; nil saturates.
    public var rate: Double? = nil
    public var direction: Direction = .tx
    /// Who makes the traffic (a real program: see `Traffic`).
    public var traffic: Traffic = .builtin
    /// Extra flags for the traffic program, split on spaces (no shell runs them).
    public var trafficArgs: [String] = []
    /// Echo requests for the ping workload.
    public var pingCount: Int = 200
    /// Gap between echo requests, milliseconds.
    public var pingIntervalMs: Double = 5
    /// How long a ping waits for its reply before it counts the request lost and sends the next
    /// (ping's -W): a request or reply dropped at the retry limit never comes back.
    public var pingTimeoutMs: Double = 1_000
    public var translation: TranslationMode = .software
    /// Adds a real /proc/self/pagemap lookup per translated page (software translation).
    public var pagemap: Bool = false
    /// Device model injects one virtual interrupt per N completions (1 = no coalescing).
    public var coalesceDeviceModel: Int = 1
    /// ... or when this many microseconds passed since the first pending completion.
    public var coalesceDeviceModelTimeoutUs: Double = 2_000
    /// Device raises one physical interrupt per N completions (1 = no coalescing).
    public var coalesceDevice: Int = 1
    public var coalesceDeviceTimeoutUs: Double = 2_000
    public var air: AirModel = .ieee80211g
    public var slot: SlotTime = .long
    public var trap: TrapBackendChoice = .auto
    public var doorbell: DoorbellMode = .exit
    /// Guest timer tick rate for the idle workload.
    public var timerHz: Int = 250
    /// TX descriptors in each ring.
    public var ringSize: Int = 256
    /// Stage stamps on (off only to measure the instrumentation's own perturbation).
    public var stamps: Bool = true
    /// perf counters per thread (event names as libpfm4 spells them); empty disables.
    public var counters: [String] = PathConfig.defaultCounters
    /// Packets sent before measurement starts (excluded from every statistic).
    public var warmupPackets: Int = 50
    public var seed: UInt64 = 1
    /// Probability that one transmission attempt of a data frame is lost on the air (`--loss`):
    /// the sender retries with its window doubled, up to the retry limit.
    public var loss: Double = 0
    /// Path to the KVM device (a missing path forces the `thread` fallback, for tests).
    public var kvmDevice: String = "/dev/kvm"
    /// Virtual machines sharing one vwifi pipeline (1...maxVMs): each has its own guest thread,
    /// guest memory, rings, device model, VM-ID and MAC; all share the augmented host driver and
    /// the μCode (one radio, so its air time is split between them). `packets` is per VM.
    public var vms: Int = 1
    public static let maxVMs = 4

    public static let defaultCounters = [
        "cycles", "instructions", "perf::TASK-CLOCK", "perf::CONTEXT-SWITCHES",
        "perf::PAGE-FAULTS", "perf::CPU-MIGRATIONS",
    ]

    public init(path: PathKind) { self.path = path }

    /// The option names accepted by `set(_:to:)`, as CLI flags and suite fields spell them.
    public static var optionNames: [String] { PathOption.names }

    /// Sets one option from its textual value. Throws a `ConfigError` naming the field.
    public mutating func set(_ name: String, to value: String) throws(ConfigError) {
        guard let option = PathOption.named(name) else {
            throw ConfigError(field: name, problem: "unknown option",
                              fix: "use one of: \(Self.optionNames.joined(separator: ", "))")
        }
        try option.apply(&self, value)
    }

    /// Largest UDP payload whose MPDU fits the 802.11 MTU used here (2304-byte MSDU).
    public static let maxPayload = 2304 - 8 - 20 - 8
}

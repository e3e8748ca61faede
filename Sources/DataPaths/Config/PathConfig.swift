// What one run of a data path is asked to do. Shared by `vwifi-bench path` and suite files:
// both set options through `PathConfig.set(_:to:)`, so a flag and a suite field with the same
// name always mean the same thing and fail with the same message.
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
    /// Echo requests for the ping workload.
    public var pingCount: Int = 200
    /// Gap between echo requests, milliseconds.
    public var pingIntervalMs: Double = 5
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
    public static let optionNames: [String] = [
        "workload", "packets", "duration", "size", "rate", "saturate", "direction", "ping",
        "ping-interval-ms", "translation", "pagemap", "coalesce-device-model",
        "coalesce-device-model-timeout-us", "coalesce-device", "coalesce-device-timeout-us", "air",
        "slot", "trap", "doorbell", "timer-hz", "ring-size", "stamps", "counters", "warmup", "seed",
        "kvm-device", "vms",
    ]

    /// Sets one option from its textual value. Throws a `ConfigError` naming the field.
    public mutating func set(_ name: String, to value: String) throws(ConfigError) {
        switch name {
        case "workload": workload = try Self.choice(name, value)
        case "packets": packets = try Self.integer(name, value, min: 1, max: 100_000_000)
        case "duration":
            duration = try Self.number(name, value, min: 0.01, max: 86_400)
        case "size": size = try Self.integer(name, value, min: 18, max: Self.maxPayload)
        case "rate": rate = try Self.number(name, value, min: 1, max: 10_000_000)
        case "saturate":
            if try Self.boolean(name, value) { rate = nil }
        case "direction": direction = try Self.choice(name, value)
        case "ping":
            pingCount = try Self.integer(name, value, min: 1, max: 10_000_000)
            workload = .ping
        case "ping-interval-ms": pingIntervalMs = try Self.number(name, value, min: 0, max: 60_000)
        case "translation": translation = try Self.choice(name, value)
        case "pagemap": pagemap = try Self.boolean(name, value)
        case "coalesce-device-model":
            coalesceDeviceModel = try Self.integer(name, value, min: 1, max: 4096)
        case "coalesce-device-model-timeout-us":
            coalesceDeviceModelTimeoutUs = try Self.number(name, value, min: 1, max: 1_000_000)
        case "coalesce-device": coalesceDevice = try Self.integer(name, value, min: 1, max: 4096)
        case "coalesce-device-timeout-us":
            coalesceDeviceTimeoutUs = try Self.number(name, value, min: 1, max: 1_000_000)
        case "air": air = try Self.choice(name, value)
        case "slot": slot = try Self.choice(name, value)
        case "trap": trap = try Self.choice(name, value)
        case "doorbell": doorbell = try Self.choice(name, value)
        case "timer-hz": timerHz = try Self.integer(name, value, min: 1, max: 10_000)
        case "ring-size":
            let n = try Self.integer(name, value, min: 8, max: 32_768)
            guard n & (n - 1) == 0 else {
                throw ConfigError(field: name, problem: "\(n) is not a power of two",
                                  fix: "use a power of two between 8 and 32768, e.g. 256")
            }
            ringSize = n
        case "stamps": stamps = try Self.boolean(name, value)
        case "counters":
            counters = value.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        case "warmup": warmupPackets = try Self.integer(name, value, min: 0, max: 1_000_000)
        case "seed":
            guard let s = UInt64(value) else {
                throw ConfigError(field: name, problem: "'\(value)' is not a non-negative integer",
                                  fix: "give a seed such as 1")
            }
            seed = s
        case "kvm-device": kvmDevice = value
        case "vms": vms = try Self.integer(name, value, min: 1, max: Self.maxVMs)
        default:
            throw ConfigError(field: name, problem: "unknown option",
                              fix: "use one of: \(Self.optionNames.joined(separator: ", "))")
        }
    }

    /// Largest UDP payload whose MPDU fits the 802.11 MTU used here (2304-byte MSDU).
    public static let maxPayload = 2304 - 8 - 20 - 8

    /// Checks combinations that single options cannot. Throws naming the offending field.
    public func validate() throws(ConfigError) {
        if path == .native && translation == .iommu {
            throw ConfigError(field: "translation", problem: "native has no guest addresses to translate",
                              fix: "drop --translation iommu for the native path")
        }
        if path != .vwifi && coalesceDeviceModel != 1 {
            throw ConfigError(field: "coalesce-device-model",
                              problem: "only the vwifi path has a device model",
                              fix: "use --coalesce-device for \(path.rawValue), or choose --path vwifi")
        }
        if path != .vwifi && doorbell == .ioeventfd {
            throw ConfigError(field: "doorbell", problem: "only the vwifi doorbell traps",
                              fix: "drop --doorbell ioeventfd, or choose the vwifi path")
        }
        if path == .native && trap == .kvm {
            throw ConfigError(field: "trap", problem: "the native path runs no virtual CPU",
                              fix: "drop --trap kvm for the native path")
        }
        if workload == .ping && direction == .rx {
            throw ConfigError(field: "direction", problem: "ping is a request/response round trip",
                              fix: "drop --direction rx with --ping")
        }
        if vms > 1 {
            guard path == .vwifi else {
                throw ConfigError(field: "vms", problem: "only the vwifi path shares one device between VMs (this run: \(path.rawValue))",
                                  fix: "drop --vms, or run the vwifi path")
            }
            guard workload == .udp && direction == .tx else {
                throw ConfigError(field: "vms", problem: "several VMs run the UDP TX workload only (this run: \(workload.rawValue) \(direction.rawValue))",
                                  fix: "use --vms 1, or the udp workload with --direction tx")
            }
            guard trap != .kvm else {
                throw ConfigError(field: "vms", problem: "the kvm trap backend runs one VM",
                                  fix: "use --trap thread (or auto, which picks thread for several VMs), or --vms 1")
            }
        }
        if !(1...Self.maxVMs).contains(vms) {
            throw ConfigError(field: "vms", problem: "\(vms) is out of range", fix: "give a whole number from 1 to \(Self.maxVMs)")
        }
        if warmupPackets >= packets && duration == nil && workload == .udp {
            throw ConfigError(field: "warmup", problem: "warm-up (\(warmupPackets)) is not below packets (\(packets))",
                              fix: "lower --warmup or raise --packets")
        }
    }

    static func integer(_ f: String, _ v: String, min: Int, max: Int) throws(ConfigError) -> Int {
        guard let n = Int(v.trimmingSpaces()) else {
            throw ConfigError(field: f, problem: "'\(v)' is not a whole number", fix: "give a whole number from \(min) to \(max)")
        }
        guard n >= min && n <= max else {
            throw ConfigError(field: f, problem: "\(n) is out of range", fix: "give a whole number from \(min) to \(max)")
        }
        return n
    }

    static func number(_ f: String, _ v: String, min: Double, max: Double) throws(ConfigError) -> Double {
        guard let n = Double(v.trimmingSpaces()), n.isFinite else {
            throw ConfigError(field: f, problem: "'\(v)' is not a number", fix: "give a number from \(min) to \(max)")
        }
        guard n >= min && n <= max else {
            throw ConfigError(field: f, problem: "\(n) is out of range", fix: "give a number from \(min) to \(max)")
        }
        return n
    }

    static func boolean(_ f: String, _ v: String) throws(ConfigError) -> Bool {
        switch v.trimmingSpaces().lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(field: f, problem: "'\(v)' is not a boolean", fix: "give true or false")
        }
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ f: String, _ v: String) throws(ConfigError) -> T
    where T.RawValue == String {
        if let c = T(rawValue: v.trimmingSpaces()) { return c }
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        throw ConfigError(field: f, problem: "'\(v)' is not allowed", fix: "use one of: \(allowed)")
    }
}

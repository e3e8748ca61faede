// A stand-in PathExecutor for tests only: returns synthetic-but-plausible results shaped like
// the real pipeline's (the numbers echo the paper's magnitudes with seed-driven jitter). It
// never runs anything, and production code never uses it.
import DataPaths
import Platform
import Foundation
import Synchronization
@testable import Suites

final class FakeExecutor: PathExecutor {
    let calls = Mutex<[PathConfig]>([])
    /// Cancels the given control after this many calls (to test Ctrl-C), if set.
    let cancelAfter: Int?
    /// Fails every run of configs matching this predicate.
    let failWhen: (@Sendable (PathConfig) -> Bool)?
    /// Scales every CPU figure (to make a "regressed" candidate).
    let cpuScale: Double
    /// Scales the CPU figures of one path only (to make a run disagree with the paper).
    let pathCPUScale: [PathKind: Double]
    /// Relative jitter of goodput (a noisy machine).
    let goodputJitter: Double
    /// The trap backend vwifi runs report (passthrough always reports `thread`): `kvm` makes the
    /// figures mix backends.
    let vwifiBackend: String
    /// Frames/s of UDP runs with the air model off (`air: none`), per path; a path missing here
    /// runs at the default of its kind (tens of thousands: far above the air's ~2,000).
    let unpacedFramesPerSecond: [PathKind: Double]
    /// The air utilization paced runs report (a saturated 802.11g long-slot medium is ~0.6).
    let airUtilization: Double

    init(cancelAfter: Int? = nil, cpuScale: Double = 1, pathCPUScale: [PathKind: Double] = [:],
         goodputJitter: Double = 0.02, vwifiBackend: String = "thread", unpacedFramesPerSecond: [PathKind: Double] = [:],
         airUtilization: Double = 0.6, failWhen: (@Sendable (PathConfig) -> Bool)? = nil) {
        self.vwifiBackend = vwifiBackend
        self.unpacedFramesPerSecond = unpacedFramesPerSecond
        self.airUtilization = airUtilization
        self.goodputJitter = goodputJitter
        self.cancelAfter = cancelAfter
        self.cpuScale = cpuScale
        self.pathCPUScale = pathCPUScale
        self.failWhen = failWhen
    }

    var callCount: Int { calls.withLock { $0.count } }

    func run(_ config: PathConfig, control: RunControl) throws -> PathResult {
        let n = calls.withLock { $0.append(config); return $0.count }
        if let k = cancelAfter, n > k { control.cancel(); throw RunCancelled() }
        if let f = failWhen, f(config) { throw ConfigError(field: "trap", problem: "fake failure", fix: "none") }
        var g = SplitMix64(seed: config.seed)
        func jitter(_ x: Double, _ rel: Double = 0.02) -> Double { x * (1 + rel * (Double(g.next() % 2001) / 1000 - 1)) }

        var s = PathSummary(path: config.path.rawValue, direction: config.direction.rawValue, workload: config.workload.rawValue)
        var r = PathResult(config: config, summary: s)
        let unpaced = config.air == .none && config.workload == .udp
        let defaultUnpaced: Double = switch config.path { case .native: 100_000; case .passthrough: 200_000; case .vwifi: 15_000 }
        let unpacedRate = unpacedFramesPerSecond[config.path] ?? defaultUnpaced
        let wall = config.duration ?? Double(config.packets) / (unpaced ? unpacedRate : 1950)
        s.wallSeconds = wall
        r.tscHz = 2.445e9
        r.wallCycles = wall * r.tscHz
        let vm = config.path != .native
        let coalesce = Double(config.coalesceDeviceModel)
        switch config.workload {
        case .udp:
            s.packetsSent = config.packets
            s.packetsDelivered = config.packets
            let paced = config.traffic == .iperf3TCP ? 19.6 : config.direction == .tx ? 22.6 : 18.2
            s.goodputMbps = jitter(unpaced ? unpacedRate * 1450 * 8 / 1e6 : paced, goodputJitter)
            s.framesPerSecond = s.goodputMbps * 1e6 / (1450 * 8)
            if !unpaced { r.air = Self.air(utilization: jitter(airUtilization, 0.002), frames: config.packets) }
            s.interruptsPhysical = config.packets / config.coalesceDevice
            s.interruptsVirtual = vm ? Int(Double(config.packets) / coalesce) : 0
        case .ping:
            let base: Double = switch (config.path, config.translation) {
            case (.native, _): 5.7
            case (.passthrough, _): 6.2
            case (.vwifi, .iommu): 6.6
            case (.vwifi, .software): 7.9
            }
            r.rttMs = (0..<config.pingCount).map { _ in jitter(base, 0.05) }
        case .idle:
            r.systemCPUPercent = jitter(3, 0.2)
        }
        // CPU by component.
        var parts: [(Component, Double)] = []
        if config.workload == .idle {
            if config.path == .vwifi { parts = [(.guest, 2), (.hypervisor, 3)] }
        } else {
            switch config.path {
            case .native: parts = [(.app, 8), (.hostDriver, 9), (.device, 30)]
            case .passthrough: parts = [(.guest, 12), (.hypervisor, 6), (.hostDriver, 2), (.device, 30)]
            case .vwifi:
                let irq = 16 / coalesce + 2
                let xlate = config.translation == .software ? 6.0 : 1.0
                parts = [(.guest, 12), (.hypervisor, 6 + xlate + irq / 2), (.deviceModel, 8 + irq / 2), (.hostDriver, 8),
                         (.device, 30)]
            }
        }
        r.cpu = parts.map { ComponentCPU(component: $0.0, userSeconds: 0, systemSeconds: 0, cpuPercent: jitter($0.1 * cpuScale * (pathCPUScale[config.path] ?? 1))) }
        s.hostCPUPercent = r.cpu.filter(\.countedAsHost).reduce(0) { $0 + $1.cpuPercent }
        s.deviceCPUPercent = r.cpu.filter { !$0.countedAsHost }.reduce(0) { $0 + $1.cpuPercent }
        // Extra-path stages (vwifi TX).
        if config.path == .vwifi && config.workload == .udp && config.direction == .tx {
            let stages: [(String, Double)] = [
                ("mmio_exit", 9_000), ("decode", 4_000),
                ("gpa_to_hpa", config.translation == .software ? 28_000 : 2_500),
                ("forward_to_host_driver", 12_000), ("tx_queue", 7_000),
            ]
            r.stages = stages.map {
                let m = jitter($0.1)
                return StageStatistic(stage: $0.0, chain: "tx_extra_path", count: config.packets, cyclesMedian: m,
                                      cyclesP90: m * 1.3, cyclesP99: m * 2, cyclesMean: m * 1.1)
            }
        }
        // Table 1 categories.
        if config.workload == .udp {
            let scale = config.path == .vwifi ? 1.0 : config.path == .passthrough ? 0.15 : 0.4
            for (comp, cat, pct) in [(Component.hypervisor, TimeCategory.virtualIRQDelivery, 2.8), (.hypervisor, .addressTranslation, 2.7),
                                     (.hostDriver, .interruptHandlingForwarding, 5.9), (.hostDriver, .locking, 4.7)]
            where config.path != .native || comp == .hostDriver {
                r.categories.append(CategoryTime(component: comp, category: cat, cycles: jitter(pct * scale / 100 * r.wallCycles)))
            }
        }
        r.counters = [CounterReading(component: .app, event: "cycles", value: nil, available: false,
                                     reason: "no hardware PMU in this VM"),
                      CounterReading(component: .app, event: "perf::TASK-CLOCK", value: 1, available: true, reason: "")]
        s.trapBackend = vm ? (config.path == .vwifi ? vwifiBackend : "thread") : ""
        r.trapReason = vm ? "fake executor" : ""
        r.summary = s
        return r
    }

    /// AirStatistics has no public memberwise initializer; it is Codable, so decode one.
    static func air(utilization: Double, frames: Int) -> AirStatistics {
        let json = #"{"utilization":\#(utilization),"frames":\#(frames),"attempts":\#(frames),"retries":0,"collisions":0,"#
            + #""lostAttempts":0,"retryLimitExceeded":0,"beacons":0,"seed":1}"#
        return try! JSONDecoder().decode(AirStatistics.self, from: Data(json.utf8))
    }
}

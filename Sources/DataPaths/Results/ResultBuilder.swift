// Turns what the threads measured into a PathResult: stage durations from joined stamps,
// CPU by component, counters, Table 1 categories, exits, round trips and drops.
import CVWiFiShim
import Measurement
import Platform

struct ResultBuilder {
    let pipeline: Pipeline
    let clock: TSCClock
    let startTSC: UInt64
    let stopTSC: UInt64
    let wallNs: Int64

    func build() -> PathResult {
        let p = pipeline
        let config = p.config
        var summary = PathSummary(path: config.path.rawValue, direction: config.direction.rawValue,
                                  workload: config.workload.rawValue)
        let measuredFrom = p.control.measuringSince != 0 ? p.control.measuringSince : startTSC
        let measuredCycles = Double(stopTSC &- measuredFrom)
        let measuredSeconds = clock.seconds(cycles: measuredCycles)
        summary.wallSeconds = Double(wallNs) / 1e9
        summary.packetsSent = p.tally.sent.load(ordering: .relaxed)
        summary.packetsDropped = p.tally.dropped.load(ordering: .relaxed)
        summary.trapBackend = p.trapBackendName
        summary.interruptMechanism = p.interruptMechanism

        let readings = p.parts?.readings(config: config) ?? ResultReadings()

        // Delivered and goodput, at the receiving end, over the measured (post-warm-up) packets;
        // with both directions, each stream at its own receiver, added up.
        var byDirection: [String: Double] = [:]
        if config.traffic.isTool {
            // A program's packets flow both ways whatever its direction (acks, replies): the
            // station's frames and the peer's all count; goodput is the data direction's.
            summary.packetsSent += readings.peerFrames
            summary.packetsDelivered = (readings.transmitted?.delivered ?? 0) + (readings.received?.delivered ?? 0)
            let tx = Self.rate(readings.transmitted), rx = Self.rate(readings.received)
            switch config.direction {
            case .tx: (summary.framesPerSecond, summary.goodputMbps) = tx
            case .rx: (summary.framesPerSecond, summary.goodputMbps) = rx
            case .bidir:
                summary.framesPerSecond = tx.framesPerSecond + rx.framesPerSecond
                summary.goodputMbps = tx.mbps + rx.mbps
                byDirection = ["tx": tx.mbps, "rx": rx.mbps]
            }
        } else if config.workload == .udp && config.direction == .bidir {
            let tx = Self.rate(readings.transmitted), rx = Self.rate(readings.received)
            summary.packetsSent += config.packets
            summary.packetsDelivered = (readings.transmitted?.delivered ?? 0) + (readings.received?.delivered ?? 0)
            summary.framesPerSecond = tx.framesPerSecond + rx.framesPerSecond
            summary.goodputMbps = tx.mbps + rx.mbps
            byDirection = ["tx": tx.mbps, "rx": rx.mbps]
        } else {
            var delivery = readings.transmitted
            if config.workload == .udp && config.direction == .rx {
                summary.packetsSent = config.packets
                delivery = readings.received
            }
            if let delivery { summary.packetsDelivered = delivery.delivered }
            (summary.framesPerSecond, summary.goodputMbps) = Self.rate(delivery)
        }

        summary.interruptsPhysical = readings.interruptsPhysical
        summary.interruptsVirtual = readings.interruptsVirtual
        if config.workload == .idle, let line = readings.idleInterruptsVirtual { summary.interruptsVirtual = line }
        summary.exits = readings.exits
        summary.translations = readings.translations
        summary.vms = config.vms
        summary.ringFullWaits = readings.ringFullWaits
        summary.iotlbHits = readings.iotlbHits
        summary.iotlbMisses = readings.iotlbMisses
        summary.iommuFaults = readings.iommuFaults
        summary.wakeups = wakeSyscalls()

        var result = PathResult(config: config, summary: summary)
        result.tscHz = clock.hz
        result.wallCycles = measuredCycles
        result.stages = stageStatistics(warmup: UInt32(clamping: config.warmupPackets))
        result.hops = hops(warmup: UInt32(clamping: config.warmupPackets))
        result.cpu = cpu(seconds: measuredSeconds)
        result.summary.hostCPUPercent = result.cpu.hostPercent
        result.summary.deviceCPUPercent = percent(of: .device, in: result.cpu)
        result.summary.harnessCPUPercent = percent(of: .harness, in: result.cpu)
        result.componentCPUSeconds = result.cpu.reduce(0) { $0 + $1.userSeconds + $1.systemSeconds }
        result.processCPUSeconds = processCPUSeconds()
        result.counters = counters()
        result.categories = categories()
        result.exits = readings.kvmExits ?? exits(readings)
        result.rttMs = (readings.rttCycles ?? []).map { clock.seconds(cycles: Double($0)) * 1e3 }
        result.drops = readings.drops
        result.air = readings.air
        result.deliveredByVM = readings.deliveredByVM
        result.goodputByVMMbps = readings.goodputByVMMbps
        result.goodputByDirectionMbps = byDirection
        result.pingTimeouts = readings.pingTimeouts
        result.trapReason = ([p.trapReason] + readings.notes).filter { !$0.isEmpty }.joined(separator: "; ")
        if vw_allocation_counting_active() != 0 {
            // A system-time share of a thread (the KVM vCPU's hypervisor half) is the same thread
            // as its user-time account: list the thread once.
            for a in p.accounts where a.cpuShare != .hostMode && a.cpuShare != .callerContext { result.allocations[a.name] = Int(a.measuredAllocations) }
        }
        result.warnings = warnings(result, from: readings)
        return result
    }

    /// Frames per second and goodput of the measured deliveries at one end (0 with fewer than two).
    static func rate(_ delivery: ResultReadings.Delivery?) -> (framesPerSecond: Double, mbps: Double) {
        guard let d = delivery, d.count > 1, d.spanNs > 0 else { return (0, 0) }
        // n deliveries span n-1 inter-arrival gaps.
        let perFrame = Double(d.bytes) / Double(d.count)
        let fps = Double(d.count - 1) / (Double(d.spanNs) / 1e9)
        return (fps, fps * perFrame * 8 / 1e6)
    }

    /// Futex wake-ups really issued (a signal to a thread that was not asleep costs none).
    private func wakeSyscalls() -> Int {
        pipeline.notifiers.reduce(0) { $0 + $1.wakeSyscalls }
    }

    // MARK: stages

    private func stageStatistics(warmup: UInt32) -> [StageStatistic] {
        // stage -> seq -> tsc, from every thread's log.
        var byStage = [[UInt32: UInt64]](repeating: [:], count: Stage.allCases.count)
        for a in pipeline.accounts {
            for s in a.stamps.stamps { byStage[Int(s.stage)][s.seq] = s.tsc }
        }
        var rows: [StageStatistic] = []
        for chain in StageChain.allCases {
            let present = chain.stages.filter { !byStage[Int($0.rawValue)].isEmpty }
            guard present.count > 1 else { continue }
            for (previous, stage) in zip(present, present.dropFirst()) {
                let before = byStage[Int(previous.rawValue)]
                // Every sample goes into the stage's histogram; the percentiles and the maximum
                // come from it, the mean from the exact sum.
                var histogram = LatencyHistogram()
                var sum = 0.0
                for (seq, t) in byStage[Int(stage.rawValue)] where seq >= warmup || chain == .interruptPath {
                    if let t0 = before[seq], t >= t0 { histogram.record(t - t0); sum += Double(t - t0) }
                }
                guard let d = histogram.summary() else { continue }
                rows.append(StageStatistic(stage: stage.name, chain: chain.rawValue, count: d.count,
                                           cyclesMedian: d.p50, cyclesP90: d.p90, cyclesP99: d.p99,
                                           cyclesMean: sum / Double(d.count), cyclesP999: d.p999, cyclesMax: d.max))
            }
        }
        return rows
    }

    /// Each critical path's hops, from the stamps and the components' connection declarations.
    private func hops(warmup: UInt32) -> [HopStatistic] {
        let contributors = pipeline.parts?.contributors ?? []
        return HopDerivation(accounts: pipeline.accounts, connections: contributors.flatMap(\.hopConnections),
                             relays: contributors.flatMap(\.stampRelays), warmup: warmup)
            .rows(for: CriticalPath.of(pipeline.config))
    }

    // MARK: counters, categories

    private func counters() -> [CounterReading] {
        var rows: [CounterReading] = []
        for component in Component.allCases {
            let mine = pipeline.accounts.filter { $0.component == component }
            guard let first = mine.first else { continue }
            for availability in first.counterAvailability {
                if availability.available {
                    let total = mine.reduce(0.0) { $0 + ($1.counterValues[availability.name] ?? 0) }
                    rows.append(CounterReading(component: component, event: availability.name, value: total,
                                               available: true, reason: availability.reason))
                } else {
                    rows.append(CounterReading(component: component, event: availability.name, value: nil,
                                               available: false, reason: availability.reason))
                }
            }
        }
        return rows
    }

    private func categories() -> [CategoryTime] {
        var rows: [CategoryTime] = []
        for component in Component.allCases where component.countedAsHost {
            let mine = pipeline.accounts.filter { $0.component == component }
            guard !mine.isEmpty else { continue }
            for category in TimeCategory.allCases {
                let cycles = mine.reduce(0.0) { $0 + Double($1.cycles(in: category)) }
                if cycles > 0 { rows.append(CategoryTime(component: component, category: category, cycles: cycles)) }
            }
        }
        return rows
    }

    /// The thread trap's exit rows (a KVM vCPU gives its own).
    private func exits(_ readings: ResultReadings) -> [ExitStatistic] {
        guard !readings.exitCycles.isEmpty else { return [] }
        let d = Statistics.summarize(readings.exitCycles)
        var rows = [ExitStatistic(reason: "mmio_write (thread trap)", count: readings.exits,
                                  cyclesMin: d.min, cyclesMedian: d.median, cyclesP99: d.p99)]
        if readings.unroutedExits > 0 {
            rows.append(ExitStatistic(reason: "unrouted", count: readings.unroutedExits,
                                      cyclesMin: 0, cyclesMedian: 0, cyclesP99: 0))
        }
        return rows
    }

    private func warnings(_ r: PathResult, from readings: ResultReadings) -> [String] {
        var w: [String] = []
        let overflowed = pipeline.accounts.reduce(0) { $0 + $1.stamps.overflowed }
        if overflowed > 0 {
            w.append("\(overflowed) stage stamps did not fit the preallocated logs; stage statistics cover the first part of the run only")
        }
        w += readings.warnings
        if let process = r.processCPUSeconds, let rows = r.componentCPUSeconds,
           let miss = CPUBalance.miss(components: rows, process: process) {
            w.append(miss)
        }
        let s = r.summary
        if r.config.workload == .udp && s.packetsSent != s.packetsDelivered + s.packetsDropped {
            w.append("conservation: sent \(s.packetsSent) != delivered \(s.packetsDelivered) + dropped \(s.packetsDropped)")
        }
        return w
    }
}

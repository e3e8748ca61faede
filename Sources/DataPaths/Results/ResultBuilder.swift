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

        // Delivered and goodput, at the receiving end, over the measured (post-warm-up) packets.
        var count = 0, bytes = 0, spanNs: Int64 = 0
        if config.workload == .udp && config.direction == .rx {
            summary.packetsSent = config.packets
            if let g = p.guest {
                summary.packetsDelivered = g.rxDelivered
                count = g.measuredRxCount; bytes = g.measuredRxBytes; spanNs = g.measuredRxSpanNs
            } else if let a = p.app {
                summary.packetsDelivered = a.received
                count = a.measuredCount; bytes = a.measuredBytes; spanNs = a.lastMeasuredNs - a.firstMeasuredNs
            }
        } else if let d = p.device {
            summary.packetsDelivered = d.delivered
            count = d.measuredDelivered; bytes = d.measuredBytes; spanNs = d.measuredSpanNs
        }
        if count > 1 && spanNs > 0 {
            // n deliveries span n-1 inter-arrival gaps.
            let perFrame = Double(bytes) / Double(count)
            summary.framesPerSecond = Double(count - 1) / (Double(spanNs) / 1e9)
            summary.goodputMbps = summary.framesPerSecond * perFrame * 8 / 1e6
        }

        summary.interruptsPhysical = p.device?.interruptsRaised ?? 0
        summary.interruptsVirtual = p.deviceModel?.injections ?? p.forwarder?.injected ?? 0
        if p.machines.count > 1 { summary.interruptsVirtual = p.machines.reduce(0) { $0 + $1.model.injections } }
        if config.workload == .idle, let line = p.guestLine { summary.interruptsVirtual = line.injected }
        let kvmExits = p.kvmGuest?.exitStatistics() ?? []
        summary.exits = p.exitHandler?.exits ?? kvmExits.reduce(0) { $0 + $1.count }
        summary.translations = p.translator?.translations ?? 0
        if p.machines.count > 1 {
            summary.exits = p.machines.reduce(0) { $0 + ($1.exitHandler?.exits ?? 0) }
            summary.translations = p.machines.reduce(0) { $0 + ($1.translator?.translations ?? 0) }
        }
        summary.vms = config.vms
        let guests = p.machines.isEmpty ? [p.guest].compactMap { $0 } : p.machines.compactMap(\.guest)
        summary.ringFullWaits = guests.reduce(0) { $0 + $1.txRingFullWaits }
            + (p.augmentedDriver?.deviceQueueFullWaits ?? 0) + (p.nativeDriver?.deviceQueueFullWaits ?? 0)
        summary.iotlbHits = p.iommu?.hits ?? 0
        summary.iotlbMisses = p.iommu?.misses ?? 0
        summary.iommuFaults = p.iommu?.faults ?? 0
        summary.wakeups = wakeSyscalls()

        var result = PathResult(config: config, summary: summary)
        result.tscHz = clock.hz
        result.wallCycles = measuredCycles
        result.stages = stageStatistics(warmup: UInt32(clamping: config.warmupPackets))
        result.cpu = cpu(seconds: measuredSeconds)
        result.summary.hostCPUPercent = result.cpu.filter(\.countedAsHost).reduce(0) { $0 + $1.cpuPercent }
        result.summary.deviceCPUPercent = percent(of: .device, in: result.cpu)
        result.summary.harnessCPUPercent = percent(of: .harness, in: result.cpu)
        result.componentCPUSeconds = result.cpu.reduce(0) { $0 + $1.userSeconds + $1.systemSeconds }
        result.processCPUSeconds = processCPUSeconds()
        result.counters = counters()
        result.categories = categories()
        result.exits = p.kvmGuest == nil ? exits() : kvmExits
        let rtt = p.guest?.rttCycles ?? p.app?.rttCycles ?? []
        result.rttMs = rtt.map { clock.seconds(cycles: Double($0)) * 1e3 }
        result.drops = drops()
        if let d = p.device, config.path == .vwifi {
            for m in p.machines {
                let v = Int(m.vmID)
                result.deliveredByVM["vm\(m.vmID)"] = d.deliveredBySender[v]
                // As the total: n measured frames span n-1 gaps, over this VM's own span.
                let n = d.measuredBySender[v]
                let span = d.lastMeasuredNsBySender[v] - d.firstMeasuredNsBySender[v]
                if n > 1 && span > 0 {
                    let perFrame = Double(d.measuredBytesBySender[v]) / Double(n)
                    result.goodputByVMMbps["vm\(m.vmID)"] = Double(n - 1) / (Double(span) / 1e9) * perFrame * 8 / 1e6
                }
            }
        }
        result.trapReason = [p.trapReason, p.kvmGuest?.notes ?? ""].filter { !$0.isEmpty }.joined(separator: "; ")
        if vw_allocation_counting_active() != 0 {
            // A system-time share of a thread (the KVM vCPU's hypervisor half) is the same thread
            // as its user-time account: list the thread once.
            for a in p.accounts where a.cpuShare != .hostMode { result.allocations[a.name] = Int(a.measuredAllocations) }
        }
        result.warnings = warnings(result)
        return result
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
                var cycles: [Double] = []
                cycles.reserveCapacity(byStage[Int(stage.rawValue)].count)
                for (seq, t) in byStage[Int(stage.rawValue)] where seq >= warmup || chain == .interruptPath {
                    if let t0 = before[seq], t >= t0 { cycles.append(Double(t - t0)) }
                }
                guard !cycles.isEmpty else { continue }
                let d = Statistics.summarize(cycles)
                rows.append(StageStatistic(stage: stage.name, chain: chain.rawValue, count: d.count,
                                           cyclesMedian: d.median, cyclesP90: d.p90, cyclesP99: d.p99,
                                           cyclesMean: d.mean))
            }
        }
        return rows
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

    private func exits() -> [ExitStatistic] {
        let handlers = pipeline.machines.count > 1 ? pipeline.machines.compactMap(\.exitHandler)
            : [pipeline.exitHandler].compactMap { $0 }
        let cycles = handlers.flatMap { $0.exitCycles.map { Double($0) } }
        guard !cycles.isEmpty else { return [] }
        let d = Statistics.summarize(cycles)
        var rows = [ExitStatistic(reason: "mmio_write (thread trap)", count: handlers.reduce(0) { $0 + $1.exits },
                                  cyclesMin: d.min, cyclesMedian: d.median, cyclesP99: d.p99)]
        let unrouted = handlers.reduce(0) { $0 + $1.unroutedExits }
        if unrouted > 0 {
            rows.append(ExitStatistic(reason: "unrouted", count: unrouted, cyclesMin: 0, cyclesMedian: 0, cyclesP99: 0))
        }
        return rows
    }

    private func drops() -> [String: Int] {
        var out = pipeline.device?.dropCounts ?? [:]
        // Refusals are named by reason (hostile or broken guest input), wherever made.
        func merge(_ counts: [Int]) {
            for r in DropReason.allCases where r != .none && counts[Int(r.rawValue)] > 0 {
                out[r.name, default: 0] += counts[Int(r.rawValue)]
            }
        }
        let models = pipeline.machines.count > 1 ? pipeline.machines.map(\.model) : [pipeline.deviceModel].compactMap { $0 }
        for m in models {
            merge(m.rejections)
            if m.rxDropped > 0 { out["rx_no_guest_buffer", default: 0] += m.rxDropped }
            // Not packets, but guest input refused all the same: reported beside the drops.
            if m.ringIndicesOutOfRange > 0 { out[DropReason.ringIndexOutOfRange.name, default: 0] += m.ringIndicesOutOfRange }
            if m.completionRingFullDeferrals > 0 {
                out["tx_deferred_guest_completion_ring_full", default: 0] += m.completionRingFullDeferrals
            }
            if m.undefinedRegisterWrites > 0 { out["undefined_register_writes", default: 0] += m.undefinedRegisterWrites }
            if m.undefinedRegisterReads > 0 { out["undefined_register_reads", default: 0] += m.undefinedRegisterReads }
        }
        if let h = pipeline.augmentedDriver { merge(h.rejections) }
        // The native path's kernel drops a datagram when the app's socket receive queue is full.
        if let a = pipeline.app, a.socketDrops > 0 { out["rx_socket_queue_full", default: 0] += a.socketDrops }
        return out
    }

    private func warnings(_ r: PathResult) -> [String] {
        var w: [String] = []
        let overflowed = pipeline.accounts.reduce(0) { $0 + $1.stamps.overflowed }
        if overflowed > 0 {
            w.append("\(overflowed) stage stamps did not fit the preallocated logs; stage statistics cover the first part of the run only")
        }
        if let guest = pipeline.kvmGuest, let report = guest.report {
            if report.unknownMMIOAccesses > 0 {
                w.append("the KVM guest made \(report.unknownMMIOAccesses) MMIO accesses no device covers")
            }
            if report.packetsSent != report.packetsReclaimed && !report.stopped {
                w.append("the KVM guest finished with \(report.packetsSent - report.packetsReclaimed) packets unreclaimed")
            }
        }
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

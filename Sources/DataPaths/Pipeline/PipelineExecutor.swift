// Runs one configuration: assembles its pipeline, starts the threads, waits until the work is
// done (or cancelled, failed, or stalled), stops every thread, and turns what they measured
// into a PathResult.
import CVWiFiShim
import Measurement
import Platform

public struct PipelineExecutor: PathExecutor {
    /// A pipeline that makes no progress for this long fails with the stage that stopped.
    public var stallSeconds: Double = 10

    /// Test seam: called once the pipeline's threads run (tests play a hostile guest here).
    var afterStart: (@Sendable (Pipeline) -> Void)? = nil
    /// Test seam: called after assembly, before any thread starts (tests hold a stage here).
    var beforeStart: (@Sendable (Pipeline) -> Void)? = nil

    public init() {}

    public func run(_ config: PathConfig, control: RunControl) throws -> PathResult {
        try config.validate()
        if config.traffic.isTool { return try runProgram(config, control: control) }
        if config.workload == .idle && config.path == .native {
            return try systemIdle(config, control: control)
        }
        let pipeline = try Pipeline.assemble(config)
        let machineBefore = SystemCPUSnapshot.take()
        let startTSC = TSC.now()
        let startNs = vw_monotonic_ns()
        beforeStart?(pipeline)
        try pipeline.start()
        afterStart?(pipeline)
        let outcome = supervise(pipeline, control: control, startNs: startNs)
        let stopTSC = TSC.now()
        let stopNs = vw_monotonic_ns()
        pipeline.stop()
        pipeline.harness.finish()
        let machineAfter = SystemCPUSnapshot.take()
        switch outcome {
        case .cancelled: throw RunCancelled()
        case .failed(let message): throw PipelineError.integrity(message)
        case .stalled(let message): throw PipelineError.stalled(message)
        case .finished: break
        }
        var result = ResultBuilder(pipeline: pipeline, clock: TSCClock.shared, startTSC: startTSC, stopTSC: stopTSC,
                                   wallNs: stopNs - startNs).build()
        result.recordMachine(from: machineBefore, to: machineAfter)
        return result
    }

    private enum Outcome { case finished, cancelled, failed(String), stalled(String) }

    private func supervise(_ p: Pipeline, control: RunControl, startNs: Int64) -> Outcome {
        var lastProgress = -1
        var lastChange = startNs
        var watch = StallWatch(p.watched)
        let config = p.config
        let idleEnd = startNs + Int64((config.duration ?? 2) * 1e9)
        while true {
            _ = vw_sleep_until_ns(vw_monotonic_ns() + 5_000_000)
            let now = vw_monotonic_ns()
            p.harness.follow(p)
            if control.isCancelled { return .cancelled }
            if let message = p.control.failureMessage { return .failed(message) }
            if config.workload == .idle {
                control.report(progress: min(1, Double(now - startNs) / Double(idleEnd - startNs)))
                if now >= idleEnd { return .finished }
                continue
            }
            let t = p.tally
            let sent = t.sent.load(ordering: .relaxed)
            let reclaimed = t.txReclaimed.load(ordering: .relaxed)
            let dropped = t.dropped.load(ordering: .relaxed)
            let rx = t.rxDelivered.load(ordering: .relaxed)
            let echoes = t.echoes.load(ordering: .relaxed)
            let senderDone = t.senderDone.load(ordering: .relaxed)
            let done: Bool
            let fraction: Double
            switch (config.workload, config.direction) {
            case (.ping, _):
                done = senderDone && echoes + dropped >= sent
                fraction = Double(echoes) / Double(max(1, config.pingCount))
            case (.udp, .rx):
                done = rx + dropped >= config.packets
                fraction = Double(rx + dropped) / Double(config.packets)
            case (.udp, .bidir):
                // Both streams: the station's reclaimed and the access point's taken (drops of
                // either direction count against the RX stream's end, a bound on the last wait).
                done = senderDone && reclaimed >= sent && rx + dropped >= config.packets
                fraction = Double(reclaimed + rx + dropped) / Double(2 * config.packets)
            default:
                done = senderDone && reclaimed >= sent
                fraction = config.duration.map { Double(now - startNs) / ($0 * 1e9) }
                    ?? Double(reclaimed) / Double(config.packets)
            }
            control.report(progress: min(1, fraction))
            if done { return .finished }
            let progress = sent + reclaimed + rx + echoes + dropped + p.control.progress.load(ordering: .relaxed)
            if progress != lastProgress {
                lastProgress = progress
                lastChange = now
                watch.moved()
            } else if Double(now - lastChange) > stallSeconds * 1e9 {
                if !p.watched.isEmpty { return .stalled(watch.diagnose(stalledFor: stallSeconds)) }
                return .stalled("no progress for \(Int(stallSeconds)) s: sent \(sent), reclaimed \(reclaimed), "
                    + "received \(rx), echoes \(echoes), dropped \(dropped); "
                    + "the stage after the last moving counter stopped")
            }
        }
    }

    /// Nothing of the harness runs: the machine's own busy time over the window.
    private func systemIdle(_ config: PathConfig, control: RunControl) throws -> PathResult {
        let seconds = config.duration ?? 2
        let before = SystemCPUSnapshot.take()
        let start = vw_monotonic_ns()
        let end = start + Int64(seconds * 1e9)
        while vw_monotonic_ns() < end {
            if control.isCancelled { throw RunCancelled() }
            _ = vw_sleep_until_ns(min(end, vw_monotonic_ns() + 50_000_000))
            control.report(progress: Double(vw_monotonic_ns() - start) / Double(end - start))
        }
        let after = SystemCPUSnapshot.take()
        var summary = PathSummary(path: config.path.rawValue, direction: config.direction.rawValue, workload: "idle")
        summary.wallSeconds = Double(vw_monotonic_ns() - start) / 1e9
        summary.trapBackend = "none"
        summary.interruptMechanism = "none"
        var result = PathResult(config: config, summary: summary)
        guard let before, let after else {
            throw PipelineError.setup("/proc/stat is unreadable: the system-idle scenario cannot be measured")
        }
        result.systemCPUPercent = NoiseReport.between(before, after).busyPercentOfOneCore
        result.tscHz = TSCClock.shared.hz
        return result
    }
}

extension PathResult {
    /// The machine's busy and steal time over the run, from two /proc/stat snapshots.
    mutating func recordMachine(from before: SystemCPUSnapshot?, to after: SystemCPUSnapshot?) {
        guard let before, let after else {
            warnings.append("/proc/stat unreadable: machine-wide CPU and steal time not measured")
            return
        }
        let noise = NoiseReport.between(before, after)
        systemCPUPercent = noise.busyPercentOfOneCore
        stealPercent = noise.stealPercent
    }
}

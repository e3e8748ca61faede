// A run whose traffic is a real program (`--traffic <tool>`): the executor builds the run's two
// namespaces and their TUN interfaces, starts the path's threads, then the program's server in
// the peer namespace and, once it listens, its client in the station's. The measured window is
// the client's life: the path keeps running until the client has exited (its last exchange with
// the server crosses the path too). Then the threads stop, the namespaces and every process in
// them go, and the program's own report is parsed and held against the harness's.
import CVWiFiShim
import Measurement
import Platform

extension PipelineExecutor {
    /// How long the server may take to listen.
    static let serverReadySeconds = 10.0
    /// How long past its own length a client may run before the run is failed.
    static let clientGraceSeconds = 30.0

    func runProgram(_ config: PathConfig, control: RunControl) throws -> PathResult {
        guard let invocation = try ToolInvocation(config) else {
            throw PipelineError.setup("traffic \(config.traffic.rawValue) has no program")
        }
        // A VM path that cannot carry the program says so before anything is made.
        if config.path != .native { _ = try TrapBackendDecision.decide(config) }
        let stale = NetworkNamespace.removeStale()
        let topology = try TrafficTopology.create()
        defer { topology.teardown() }
        let station = try topology.station.openTUN(address: FrameFormat.stationIPv4, mtu: KernelNetwork.programMTU)
        defer { _ = vw_close(station.fd) }
        let peer = try topology.peer.openTUN(address: FrameFormat.peerIPv4, mtu: KernelNetwork.programMTU)
        defer { _ = vw_close(peer.fd) }

        let pipeline = try Pipeline.assemble(config, interfaces: TrafficInterfaces(station: station.fd, peer: peer.fd))
        let machineBefore = SystemCPUSnapshot.take()
        let startTSC = TSC.now()
        let startNs = vw_monotonic_ns()
        try pipeline.start()
        afterStart?(pipeline)
        var stopped = false
        defer { if !stopped { pipeline.stop(); pipeline.harness.finish() } }

        let server = try invocation.server.map { try topology.spawn($0.argv, on: .peer) }
        if let server { try awaitReady(server, invocation: invocation, pipeline: pipeline, control: control) }
        pipeline.control.startMeasuring()
        let client = try topology.spawn(invocation.client.argv, on: .station)
        let outcome = try superviseProgram(client, invocation: invocation, config: config, pipeline: pipeline,
                                           control: control)
        if case .exited = outcome { drain(pipeline) }
        let stopTSC = TSC.now()
        let stopNs = vw_monotonic_ns()
        pipeline.stop()
        pipeline.harness.finish()
        stopped = true
        let machineAfter = SystemCPUSnapshot.take()
        let offeredBeyond = topology.station.transmitDrops(of: station.interface) ?? 0
        // A one-off server ends with its client; one that does not is ended by the teardown.
        let serverExit = try server.flatMap { try $0.wait(timeoutNs: 2_000_000_000) }
        topology.teardown()

        let clientExit: ToolExit
        switch outcome {
        case .cancelled: throw RunCancelled()
        case .failed(let message): throw PipelineError.integrity(message)
        case .stalled(let message): throw PipelineError.stalled(message)
        case .exited(let exit): clientExit = exit
        }
        let status: Int32 = if case .exited(let code) = clientExit.termination { code } else { -1 }
        if let rejected = ToolInvocation.rejection(of: config.traffic, status: status, stdout: clientExit.stdout,
                                                   stderr: clientExit.stderr, trafficArgs: config.trafficArgs) {
            throw rejected
        }
        let report: ToolReport
        do {
            report = try ToolReport.parse(config.traffic, output: clientExit.stdout, clientArgv: invocation.client.argv)
        } catch {
            throw PipelineError.setup("\(invocation.client.executable) ended \(clientExit.termination) and its report is unreadable: \(error)"
                + (Self.firstLine(clientExit.stderr).map { " (it said: \($0))" } ?? ""))
        }
        if let failure = report.toolError {
            throw PipelineError.setup("\(invocation.client.executable) failed: \(failure)")
        }

        var result = ResultBuilder(pipeline: pipeline, clock: TSCClock.shared, startTSC: startTSC, stopTSC: stopTSC,
                                   wallNs: stopNs - startNs).build()
        result.recordMachine(from: machineBefore, to: machineAfter)
        result.summary.workload = config.traffic.rawValue
        // The program is the station's application: the host's on native, the guest's in a VM.
        let clientComponent: Component = config.path == .native ? .app : .guest
        result.chargeProgram(user: clientExit.userSeconds, system: clientExit.systemSeconds, to: clientComponent)
        if offeredBeyond > 0 {
            result.drops["station_tun_queue_full", default: 0] += offeredBeyond
            result.warnings.append("the station's TUN queue dropped \(offeredBeyond) packets the program offered beyond what the path took: a TUN interface has no queue back-pressure (a WiFi driver stops its queue and the sender blocks), so the program's CPU here is not a real station's at saturation; give --rate (or the tool's own rate flag) to offer what the path carries")
        }
        if !stale.isEmpty {
            result.warnings.append("removed namespaces an earlier run left behind: " + stale.map(\.description).joined(separator: "; "))
        }
        result.traffic = TrafficResult(
            report: report, serverArgv: invocation.server?.argv, namespaces: [topology.station.name, topology.peer.name],
            clientUserSeconds: clientExit.userSeconds, clientSystemSeconds: clientExit.systemSeconds,
            clientComponent: clientComponent.rawValue,
            serverCPUSeconds: serverExit?.cpuSeconds,
            crossCheck: CrossCheck.make(result: result, report: report))
        for line in result.traffic?.crossCheck.disagreements ?? [] { result.warnings.append(line) }
        return result
    }

    private enum ProgramOutcome { case exited(ToolExit), cancelled, failed(String), stalled(String) }

    /// Polls until the server listens (its own sockets, read from its /proc entry).
    private func awaitReady(_ server: ToolProcess, invocation: ToolInvocation, pipeline: Pipeline,
                            control: RunControl) throws {
        let deadline = vw_monotonic_ns() + Int64(Self.serverReadySeconds * 1e9)
        while !invocation.readiness.isSatisfied(serverPID: server.pid) {
            if control.isCancelled { throw RunCancelled() }
            if let exit = try server.wait(timeoutNs: 0) {
                throw PipelineError.setup("\(server.executable) (the server) ended \(exit.termination) before it listened"
                    + (Self.firstLine(exit.stderr + exit.stdout).map { ": \($0)" } ?? ""))
            }
            if vw_monotonic_ns() > deadline {
                throw PipelineError.setup("\(server.executable) (the server) did not listen on \(invocation.readiness) within \(Int(Self.serverReadySeconds)) s")
            }
            _ = vw_sleep_until_ns(vw_monotonic_ns() + 2_000_000)
        }
    }

    /// Waits for the client to exit, watching the run's cancellation and the path's integrity.
    private func superviseProgram(_ client: ToolProcess, invocation: ToolInvocation, config: PathConfig,
                                  pipeline: Pipeline, control: RunControl) throws -> ProgramOutcome {
        let startNs = vw_monotonic_ns()
        let expected = invocation.seconds.map(Double.init)
            ?? Double(config.pingCount) * config.pingIntervalMs / 1e3 + config.pingTimeoutMs / 1e3
        let deadline = startNs + Int64((expected + Self.clientGraceSeconds) * 1e9)
        while true {
            if let exit = try client.wait(timeoutNs: 5_000_000) { return .exited(exit) }
            pipeline.harness.follow(pipeline)
            if control.isCancelled { return .cancelled }
            if let message = pipeline.control.failureMessage { return .failed(message) }
            let now = vw_monotonic_ns()
            control.report(progress: min(1, Double(now - startNs) / max(1e6, expected * 1e9)))
            if now > deadline {
                return .stalled("\(invocation.client.executable) still ran \(Int(Self.clientGraceSeconds)) s after its \(Int(expected)) s; sent \(pipeline.tally.sent.load(ordering: .relaxed)) packets, the access point carried \(pipeline.tally.txReclaimed.load(ordering: .relaxed)) back")
            }
        }
    }

    /// Frames still on their way when the client exited finish first, both ways (bounded: a
    /// frame the device holds completes within one exchange and its retries).
    private func drain(_ pipeline: Pipeline) {
        let deadline = vw_monotonic_ns() + 1_000_000_000
        while vw_monotonic_ns() < deadline && pipeline.control.failureMessage == nil {
            let t = pipeline.tally
            let stationDone = t.txReclaimed.load(ordering: .relaxed) >= t.sent.load(ordering: .relaxed)
            let peerDone = t.rxDelivered.load(ordering: .relaxed) + t.dropped.load(ordering: .relaxed)
                >= t.peerTaken.load(ordering: .relaxed)
            if stationDone && peerDone { return }
            _ = vw_sleep_until_ns(vw_monotonic_ns() + 1_000_000)
        }
    }

    static func firstLine(_ text: String) -> String? {
        text.split(separator: "\n").map { String($0).trimmingSpaces() }.first { !$0.isEmpty }
    }
}

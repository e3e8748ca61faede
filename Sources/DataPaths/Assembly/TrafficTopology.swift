// The namespaces a `--traffic <tool>` run puts real programs in, and every program started in
// them: the station's stack (`vwb-<pid>-<n>-sta`, the client side: iperf3 -c, ping, sockperf
// client) and the peer behind the access point (`vwb-<pid>-<n>-peer`: iperf3 -s, the ping
// target, sockperf server). The data path joins them: the peer's TUN is read and written by the
// device side, the station's by the host driver (or a VM's guest driver). Nothing else links
// them, and no route in either points outside, so no packet can leave the machine.
//
// How the coordinator must end it (nothing may outlive a run):
// - normal end and every error path: `defer { topology.teardown() }` right after `create()`,
//   on the run's long-lived thread (the one that spawned the tools: see ToolProcess on
//   PR_SET_PDEATHSIG); teardown is idempotent, so an explicit call before the defer is fine.
// - Ctrl-C / SIGTERM, first signal: the run's RunControl sees it and the run returns through
//   the same path, so the defer runs.
// - a second signal exits at once (exit in the signal handler: no defer runs). The tools die
//   with the process (their death signal), and the next start's `NetworkNamespace.removeStale()`
//   removes the names left in /run/netns (and kills anything still inside).
import CVWiFiShim
import Measurement
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class TrafficTopology: Sendable {
    public enum Side: String, Sendable, CaseIterable {
        case station = "sta"
        case peer = "peer"
    }

    public let station: NetworkNamespace
    public let peer: NetworkNamespace

    private struct State {
        var processes: [ToolProcess] = []
        var tornDown = false
    }
    private let state = Mutex(State())

    /// Makes both namespaces (`lo` up in each). If the second fails the first is deleted.
    public static func create() throws -> TrafficTopology {
        let station = try NetworkNamespace.create(name: NetworkNamespace.uniqueName(role: Side.station.rawValue))
        do {
            let peer = try NetworkNamespace.create(name: NetworkNamespace.uniqueName(role: Side.peer.rawValue))
            return TrafficTopology(station: station, peer: peer)
        } catch {
            try? station.delete()
            throw error
        }
    }

    private init(station: NetworkNamespace, peer: NetworkNamespace) {
        self.station = station
        self.peer = peer
    }

    public func namespace(_ side: Side) -> NetworkNamespace { side == .station ? station : peer }

    /// Starts `argv` in `side`'s namespace and keeps it for teardown. Call from the run's
    /// long-lived thread (the tool dies with the thread that spawned it).
    public func spawn(_ argv: [String], on side: Side) throws -> ToolProcess {
        try state.withLock { (state: inout State) throws -> ToolProcess in
            guard !state.tornDown else { throw PipelineError.setup("traffic topology already torn down") }
            let process = try ToolProcess.spawn(argv, in: namespace(side))
            state.processes.append(process)
            return process
        }
    }

    /// Every process started here so far.
    public var processes: [ToolProcess] { state.withLock { $0.processes } }

    /// Ends every process (SIGTERM to each group at once, SIGKILL to what still runs after
    /// `graceNs`), reaps them (their outcome stays readable through ToolProcess.wait), kills
    /// whatever else is still inside either namespace, then deletes both namespaces. Safe from any exit path and idempotent: later calls do nothing.
    /// Returns what could not be cleaned (empty when all went).
    @discardableResult
    public func teardown(graceNs: Int64 = 1_000_000_000) -> [String] {
        let processes: [ToolProcess]? = state.withLock { state in
            guard !state.tornDown else { return nil }
            state.tornDown = true
            return state.processes
        }
        guard let processes else { return [] }
        var problems: [String] = []
        for process in processes where process.isRunning { _ = vw_kill_group(process.pid, SIGTERM) }
        let deadline = vw_monotonic_ns() + max(0, graceNs)
        for process in processes {
            process.terminate(graceNs: max(0, deadline - vw_monotonic_ns()))
            do {
                if try process.wait(timeoutNs: 5_000_000_000) == nil { problems.append("pid \(process.pid) did not exit after SIGKILL") }
            } catch {
                problems.append("\(error)")
            }
        }
        // Anything a tool left that escaped its process group (a daemon that called setsid) is
        // still inside its namespace: killed there, by the namespace's inode.
        for namespace in [station, peer] {
            let left = NetworkNamespace.killEverything(in: namespace.identity, settleNs: 2_000_000_000).left
            if !left.isEmpty { problems.append("\(namespace.name): processes still inside after SIGKILL: \(left)") }
            do { try namespace.delete() } catch { problems.append("\(error)") }
        }
        return problems
    }

    deinit { teardown(graceNs: 0) }
}

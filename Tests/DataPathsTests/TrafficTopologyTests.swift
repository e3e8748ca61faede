import Foundation
import Synchronization
import Testing
@testable import DataPaths
import Measurement
import Platform
import CVWiFiShim

/// The namespaces real traffic tools run in: a TUN in each with its 198.18.0.0/24 address, tools
/// really inside them (their /proc/<pid>/ns/net), `ip netns exec` able to enter them, and nothing
/// - no name in /run/netns, no process - left after teardown. Serialized: the tests count this
/// process's namespaces.
@Suite(.serialized) struct TrafficTopologyTests {
    /// This process's namespace names in /run/netns.
    static func mine() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: NetworkNamespace.directory)) ?? []
        return entries.filter { $0.hasPrefix("\(NetworkNamespace.prefix)\(getpid())-") }
    }

    static func identity(of pid: Int32) -> NetworkNamespace.Identity? { .of(path: "/proc/\(pid)/ns/net") }

    @Test func toolsRunInTheirNamespaceAndTeardownLeavesNothing() throws {
        let topology = try TrafficTopology.create()
        #expect(Set(Self.mine()).isSuperset(of: [topology.station.name, topology.peer.name]))
        #expect(topology.station.name.hasSuffix("-sta") && topology.peer.name.hasSuffix("-peer"))
        do {
            let sta = try topology.station.openTUN(address: FrameFormat.stationIPv4, mtu: 1500)
            let peer = try topology.peer.openTUN(address: FrameFormat.peerIPv4, mtu: 1500)
            // A TUN interface lives as long as its fd; the namespace itself outlives its name until
            // the last fd in it closes.
            defer { _ = vw_close(sta.fd); _ = vw_close(peer.fd) }
            // The addresses exist inside each namespace only: seen by a program run there, and
            // by `ip netns exec`, which finds the namespace by its name in /run/netns.
            let show = try topology.spawn(["ip", "-4", "-o", "addr", "show"], on: .station)
            let shown = try #require(try show.wait(timeoutNs: 10_000_000_000))
            #expect(shown.termination == .exited(0), "\(shown.stderr)")
            #expect(shown.stdout.contains("inet 198.18.0.1/24") && !shown.stdout.contains("198.18.0.2"), "\(shown.stdout)")
            #expect(shown.stdout.contains("inet 127.0.0.1/8"), "lo is not up: \(shown.stdout)")
            let exec = try ToolProcess.spawn(["ip", "netns", "exec", topology.peer.name, "ip", "-4", "-o", "addr", "show"])
            let execd = try #require(try exec.wait(timeoutNs: 10_000_000_000))
            #expect(execd.termination == .exited(0), "\(execd.stderr)")
            #expect(execd.stdout.contains("inet 198.18.0.2/24") && !execd.stdout.contains("198.18.0.1"), "\(execd.stdout)")
            #expect(!(ToolProcess.outputOfHost(["ip", "-4", "-o", "addr", "show"]) ?? "").contains("198.18.0."),
                    "a run address leaked into the host's namespace")

            let server = try topology.spawn(["iperf3", "-s", "-B", "198.18.0.2"], on: .peer)
            let client = try topology.spawn(["sleep", "30"], on: .station)
            #expect(Self.identity(of: server.pid) == topology.peer.identity)
            #expect(Self.identity(of: client.pid) == topology.station.identity)
            #expect(topology.station.identity != topology.peer.identity)
            #expect(Self.identity(of: getpid()) != topology.peer.identity)
            #expect(topology.peer.processIDs() == [server.pid])
            #expect(server.isRunning && client.isRunning, "\(server.outputSoFar())")

            #expect(topology.teardown().isEmpty)
            for tool in [server, client] {
                #expect(!tool.isRunning)
                #expect(vw_process_exists(tool.pid) == -ESRCH, "pid \(tool.pid) outlived teardown")
            }
            #expect(try client.wait()?.termination == .signaled(SIGTERM))
        } catch {
            topology.teardown()
            throw error
        }
        #expect(Self.mine().filter { $0 == topology.station.name || $0 == topology.peer.name }.isEmpty)
        #expect(Self.mine().isEmpty, "namespaces of this process left: \(Self.mine())")
        // Idempotent, and closed for business.
        #expect(topology.teardown().isEmpty)
        #expect(throws: PipelineError.self) { _ = try topology.spawn(["true"], on: .peer) }
    }

    /// ping from the station to the peer, over a test bridge that copies packets between the two
    /// TUNs (the data path's job in a run): the only link between the namespaces.
    @Test func pingCrossesOnlyTheBridgeBetweenTheTUNs() throws {
        let topology = try TrafficTopology.create()
        defer { topology.teardown() }
        let sta = try topology.station.openTUN(address: FrameFormat.stationIPv4, mtu: 1500)
        let peer = try topology.peer.openTUN(address: FrameFormat.peerIPv4, mtu: 1500)
        let bridge = try TUNBridge(sta.fd, peer.fd)
        let ping = try topology.spawn(["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.2"], on: .station)
        let exit = try #require(try ping.wait(timeoutNs: 20_000_000_000))
        let copied = bridge.stop()
        _ = vw_close(sta.fd)
        _ = vw_close(peer.fd)
        #expect(exit.termination == .exited(0), "\(exit.stdout)\(exit.stderr)")
        #expect(exit.stdout.contains("3 packets transmitted, 3 received"), "\(exit.stdout)")
        #expect(copied.toPeer >= 3 && copied.toStation >= 3, "\(copied)")
    }

    @Test func removeStaleKillsWhatADeadRunLeftAndRemovesIt() throws {
        let dead = try ToolProcess.spawn(["true"])
        _ = try dead.wait()
        try #require(vw_process_exists(dead.pid) == -ESRCH)
        let left = try NetworkNamespace.create(name: "\(NetworkNamespace.prefix)\(dead.pid)-0-sta")
        let inside = try ToolProcess.spawn(["sleep", "30"], in: left)
        try #require(Self.identity(of: inside.pid) == left.identity)
        let removed = NetworkNamespace.removeStale()
        let entry = try #require(removed.first { $0.name == left.name }, "\(removed)")
        #expect(entry.killed == [inside.pid])
        #expect(entry.problem == nil)
        #expect(!FileManager.default.fileExists(atPath: left.path))
        #expect(try inside.wait(timeoutNs: 5_000_000_000)?.termination == .signaled(SIGKILL))
        try left.delete()
    }

    @Test func removeStaleKeepsTheNamespacesOfALiveHarness() throws {
        // A live process whose executable is vwifi-bench (a copy of sleep under that name).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vwb-harness-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fake = dir.appendingPathComponent("vwifi-bench").path
        try FileManager.default.copyItem(atPath: "/usr/bin/sleep", toPath: fake)
        let harness = try ToolProcess.spawn([fake, "30"])
        let stranger = try ToolProcess.spawn(["sleep", "30"])
        defer { harness.terminate(graceNs: 0); stranger.terminate(graceNs: 0) }
        #expect(NetworkNamespace.executableName(of: harness.pid) == "vwifi-bench")
        let kept = try NetworkNamespace.create(name: "\(NetworkNamespace.prefix)\(harness.pid)-0-sta")
        defer { try? kept.delete() }
        let own = try NetworkNamespace.create(name: NetworkNamespace.uniqueName(role: "sta"))
        defer { try? own.delete() }
        // Alive, but not the harness: its pid in the name is a reused one.
        let reused = try NetworkNamespace.create(name: "\(NetworkNamespace.prefix)\(stranger.pid)-0-peer")
        defer { try? reused.delete() }
        let removed = Set(NetworkNamespace.removeStale().map(\.name))
        #expect(!removed.contains(kept.name) && FileManager.default.fileExists(atPath: kept.path))
        #expect(!removed.contains(own.name) && FileManager.default.fileExists(atPath: own.path))
        #expect(removed.contains(reused.name) && !FileManager.default.fileExists(atPath: reused.path))
        #expect(stranger.isRunning, "removeStale killed a process outside the namespace")
    }

    @Test func theTestRunnerCountsAsAHarnessProcess() {
        // Else a test run beside a real run would delete that run's namespaces, and vice versa.
        let me = NetworkNamespace.executableName(of: getpid()) ?? "?"
        #expect(NetworkNamespace.harnessExecutables.contains(me), "runner is \(me)")
    }
}

/// Copies packets between two TUN fds on its own thread until stopped.
final class TUNBridge: @unchecked Sendable {
    // SAFETY: the counts are written by the bridge thread only and read after it is joined.
    private var toPeer = 0, toStation = 0
    private let stopping = Atomic<Bool>(false)
    private var thread: OSThread?

    init(_ station: Int32, _ peer: Int32) throws {
        thread = try OSThread.start(name: "vw-tun-bridge") { [self] _ in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while !stopping.load(ordering: .relaxed) {
                var a: Int32 = 0, b: Int32 = 0
                guard vw_poll2(station, peer, 10, &a, &b) > 0 else { continue }
                if a != 0 { toPeer += Self.copy(station, peer, &buffer) }
                if b != 0 { toStation += Self.copy(peer, station, &buffer) }
            }
        }
    }

    static func copy(_ from: Int32, _ to: Int32, _ buffer: inout [UInt8]) -> Int {
        let n = buffer.withUnsafeMutableBytes { vw_read(from, $0.baseAddress, $0.count) }
        guard n > 0 else { return 0 }
        _ = buffer.withUnsafeBytes { vw_write(to, $0.baseAddress, n) }
        return 1
    }

    func stop() -> (toPeer: Int, toStation: Int) {
        stopping.store(true, ordering: .relaxed)
        thread?.join()
        return (toPeer, toStation)
    }
}

extension ToolProcess {
    /// stdout of a short command in the host's own namespace (nil if it failed).
    static func outputOfHost(_ argv: [String]) -> String? {
        guard let tool = try? spawn(argv), let exit = try? tool.wait(timeoutNs: 10_000_000_000) else { return nil }
        return exit.stdout
    }
}

extension TrafficTopologyTests {
    @Test func aNameOfThisPidThatThisProcessDidNotMakeIsStale() throws {
        // A crashed run whose pid this process reuses: its name has our pid but is not ours.
        let left = try NetworkNamespace.create(name: "\(NetworkNamespace.prefix)\(getpid())-999999-sta")
        _ = NetworkNamespace.made.withLock { $0.remove(left.name) }
        let own = try NetworkNamespace.create(name: NetworkNamespace.uniqueName(role: "peer"))
        defer { try? own.delete() }
        let removed = NetworkNamespace.removeStale()
        #expect(removed.map(\.name) == [left.name])
        #expect(NetworkNamespace.staleReport(removed)?.hasPrefix("removed 1 stale network namespace of killed runs: \(left.name)") == true)
        #expect(NetworkNamespace.staleReport([]) == nil)
        #expect(FileManager.default.fileExists(atPath: own.path))
    }

    @Test func aToolDiesWithTheThreadThatSpawnedIt() throws {
        // PR_SET_PDEATHSIG follows the spawning thread, not the process: why the coordinator
        // spawns from the run's long-lived thread.
        final class Box: @unchecked Sendable {
            // SAFETY: written by the short thread, read after joining it.
            var tool: Result<ToolProcess, any Error>?
        }
        let box = Box()
        let thread = try OSThread.start(name: "vw-spawner") { _ in box.tool = Result { try ToolProcess.spawn(["sleep", "30"]) } }
        thread.join()
        let tool = try #require(try box.tool?.get())
        #expect(try tool.wait(timeoutNs: 5_000_000_000)?.termination == .signaled(SIGKILL))
    }
}

extension TrafficTopologyTests {
    @Test func aKilledRunsNamespaceAndToolAreGoneAfterTheNextStart() throws {
        // A run killed at once (a second Ctrl-C skips teardown): a shell standing for it makes
        // its namespace the way `ip netns add` does, leaves a tool inside, and is SIGKILLed.
        let script = """
            ip netns add \(NetworkNamespace.prefix)$$-0-peer || exit 1
            ip netns exec \(NetworkNamespace.prefix)$$-0-peer sleep 30 </dev/null >/dev/null 2>&1 &
            n=0
            until [ "$(ip netns identify $!)" = \(NetworkNamespace.prefix)$$-0-peer ]; do
                n=$((n + 1)); [ $n -lt 1000 ] || exit 1; sleep 0.01
            done
            echo $$ $!
            kill -9 $$
            """
        let run = try ToolProcess.spawn(["/bin/sh", "-c", script])
        let exit = try #require(try run.wait(timeoutNs: 10_000_000_000))
        #expect(exit.termination == .signaled(SIGKILL), "\(exit.stderr)")
        let pids = exit.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        try #require(pids.count == 2, "\(exit.stdout)")
        let name = "\(NetworkNamespace.prefix)\(pids[0])-0-peer"
        let toolIdentity = try #require(Self.identity(of: pids[1]), "the tool did not survive its run")
        #expect(toolIdentity == NetworkNamespace.Identity.of(path: "\(NetworkNamespace.directory)/\(name)"))
        let removed = NetworkNamespace.removeStale()
        let entry = try #require(removed.first { $0.name == name }, "\(removed)")
        #expect(entry.killed == [pids[1]] && entry.problem == nil, "\(entry)")
        #expect(!FileManager.default.fileExists(atPath: "\(NetworkNamespace.directory)/\(name)"))
        #expect(Self.identity(of: pids[1]) == nil, "the tool is still alive")
    }
}

extension TrafficTopologyTests {
    @Test func teardownKillsWhatEscapedTheToolsProcessGroup() throws {
        let topology = try TrafficTopology.create()
        defer { topology.teardown() }
        // A tool that leaves a daemon behind in a session (and so a process group) of its own.
        let tool = try topology.spawn(["/bin/sh", "-c", "setsid sleep 30 </dev/null >/dev/null 2>&1 & echo $!"], on: .peer)
        let exit = try #require(try tool.wait(timeoutNs: 10_000_000_000))
        let daemon = try #require(Int32(exit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(exit.stdout)")
        let deadline = vw_monotonic_ns() + 5_000_000_000
        while Self.identity(of: daemon) != topology.peer.identity, vw_monotonic_ns() < deadline {
            _ = vw_sleep_until_ns(vw_monotonic_ns() + 5_000_000)
        }
        try #require(Self.identity(of: daemon) == topology.peer.identity)
        #expect(topology.teardown().isEmpty)
        #expect(Self.identity(of: daemon) == nil, "pid \(daemon) outlived the run")
    }
}

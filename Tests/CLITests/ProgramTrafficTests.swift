// Real programs as the traffic, through the real binary: iperf3 and ping report their own numbers
// beside the harness's and the two agree; and no namespace, interface or program outlives a run,
// whether it ends, is interrupted, or is killed outright (then the next start removes what it
// left).
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("real programs as the traffic", .serialized)
struct ProgramTrafficTests {
    /// The run's namespaces: `/run/netns/vwb-<pid>-...`.
    static func namespaces(of pid: pid_t) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []).filter { $0.hasPrefix("vwb-\(pid)-") }
    }

    /// The processes whose parent is `pid`, with their command names.
    static func children(of pid: pid_t) -> [(pid: pid_t, comm: String)] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return ids.compactMap { id -> (pid_t, String)? in
            guard let child = pid_t(id), let stat = try? String(contentsOfFile: "/proc/\(id)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 1, pid_t(fields[1]) == pid else { return nil }
            return (child, String(stat[stat.index(after: open)..<close]))
        }
    }

    static func alive(_ pid: pid_t) -> Bool {
        // A zombie is gone for this purpose only once reaped; /proc/<pid>/stat says which.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    @Test("iperf3 TCP through native: iperf3's goodput beside the harness's, within 2 %, and its CPU in app")
    func iperf3TCP() throws {
        let dir = try TemporaryDirectory("prog-tcp")
        defer { dir.remove() }
        let p = try CLIProcess(["path", "native", "--traffic", "iperf3-tcp", "--duration", "3", "--json"], logDirectory: dir.path)
        let end = p.wait(seconds: 90)
        #expect(end == .exited(0), "\(end?.description ?? "hung"): \(p.stderr)")
        guard let r = Self.json(p.stdout), let traffic = r["traffic"] as? [String: Any],
              let check = traffic["cross_check"] as? [String: Any],
              let goodput = (check["goodput"] as? [[String: Any]])?.first else {
            Issue.record("no traffic block with a goodput cross-check: \(p.stdout.prefix(2000))")
            return
        }
        let harness = goodput["harnessMbps"] as? Double ?? 0, tool = goodput["toolMbps"] as? Double ?? 0
        print("ProgramTrafficTests: iperf3 TCP tx: harness \(harness) Mbps, iperf3 \(tool) Mbps")
        #expect(tool > 1, "iperf3 moved data: \(tool) Mbps")
        #expect(abs(harness - tool) / tool * 100 <= 2, "harness \(harness) vs iperf3 \(tool)")
        #expect(goodput["agrees"] as? Bool == true)
        let client = (traffic["clientUserSeconds"] as? Double ?? 0) + (traffic["clientSystemSeconds"] as? Double ?? 0)
        let app = (r["cpu"] as? [[String: Any]] ?? []).first { $0["component"] as? String == "app" }
        let appSeconds = (app?["userSeconds"] as? Double ?? 0) + (app?["systemSeconds"] as? Double ?? 0)
        #expect(client > 0 && appSeconds >= client, "the client's \(client) s are in app's \(appSeconds) s")
        #expect(Self.namespaces(of: p.pid).isEmpty, "left: \(Self.namespaces(of: p.pid))")
        // The structure the README's table gives: the program's CPU in app (with the pump), the
        // host driver's interrupt thread, the device (with the access point's wire watcher).
        let components = Set((r["cpu"] as? [[String: Any]] ?? []).compactMap { $0["component"] as? String })
        #expect(components == ["app", "host_driver", "device", "harness"], "\(components)")
        let hops = (r["hops"] as? [[String: Any]] ?? []).map { "\($0["path"] ?? ""):\($0["from"] ?? "")->\($0["to"] ?? ""):\($0["mechanism"] ?? "")" }
        #expect(hops.contains("completion:device->host_driver:eventfd (physical interrupt)"), "\(hops)")
        #expect((r["trapReason"] as? String ?? "").contains("pump thread woken"))
    }

    @Test("iperf3 TCP through a KVM guest, both ways: iperf3's goodput beside the harness's, the client's CPU in guest",
          .enabled(if: FileManager.default.isWritableFile(atPath: "/dev/kvm"), "no /dev/kvm: a program in a VM needs the kvm backend"),
          arguments: [("passthrough", "tx"), ("vwifi", "rx")])
    func iperf3TCPThroughAVM(path: String, direction: String) throws {
        let dir = try TemporaryDirectory("prog-vm-tcp")
        defer { dir.remove() }
        let p = try CLIProcess(["path", path, "--traffic", "iperf3-tcp", "--direction", direction, "--duration", "3", "--json"],
                               logDirectory: dir.path)
        let end = p.wait(seconds: 90)
        #expect(end == .exited(0), "\(end?.description ?? "hung"): \(p.stderr)")
        guard let r = Self.json(p.stdout), let traffic = r["traffic"] as? [String: Any],
              let goodput = ((traffic["cross_check"] as? [String: Any])?["goodput"] as? [[String: Any]])?.first else {
            Issue.record("no traffic block with a goodput cross-check: \(p.stdout.prefix(2000))")
            return
        }
        let harness = goodput["harnessMbps"] as? Double ?? 0, tool = goodput["toolMbps"] as? Double ?? 0
        print("ProgramTrafficTests: iperf3 TCP \(direction) through \(path): harness \(harness) Mbps, iperf3 \(tool) Mbps")
        #expect(goodput["direction"] as? String == direction)
        #expect(tool > 1 && abs(harness - tool) / tool * 100 <= 2, "harness \(harness) vs iperf3 \(tool)")
        #expect((r["summary"] as? [String: Any])?["trapBackend"] as? String == "kvm")
        #expect(traffic["clientComponent"] as? String == "guest")
        // The program's CPU, the guest stack's thread and its deliveries on the vCPU thread are
        // the guest's; the vCPU's host mode is the hypervisor's.
        let cpu = r["cpu"] as? [[String: Any]] ?? []
        let guest = cpu.first { $0["component"] as? String == "guest" }
        let guestSeconds = (guest?["userSeconds"] as? Double ?? 0) + (guest?["systemSeconds"] as? Double ?? 0)
        let client = (traffic["clientUserSeconds"] as? Double ?? 0) + (traffic["clientSystemSeconds"] as? Double ?? 0)
        #expect(client > 0 && guestSeconds > client, "the client's \(client) s and the stack's are in guest's \(guestSeconds) s")
        #expect(cpu.contains { $0["component"] as? String == "hypervisor" })
        #expect(!cpu.contains { $0["component"] as? String == "app" }, "no host application in a VM's run")
        let stages = (r["stages"] as? [[String: Any]] ?? []).compactMap { $0["stage"] as? String }
        #expect(stages.contains("rx_delivery") && stages.contains("guest_isr"), "\(stages)")
        #expect((r["trapReason"] as? String ?? "").contains("guest program: carry"))
        #expect(Self.namespaces(of: p.pid).isEmpty, "left: \(Self.namespaces(of: p.pid))")
    }

    @Test("ping through native: ping's round trips beside the harness's TUN-to-TUN ones")
    func ping() throws {
        let dir = try TemporaryDirectory("prog-ping")
        defer { dir.remove() }
        let p = try CLIProcess(["path", "native", "--traffic", "ping", "--ping", "10", "--ping-interval-ms", "20", "--json"],
                               logDirectory: dir.path)
        let end = p.wait(seconds: 60)
        #expect(end == .exited(0), "\(end?.description ?? "hung"): \(p.stderr)")
        let r = Self.json(p.stdout)
        let traffic = r?["traffic"] as? [String: Any]
        guard let rt = (traffic?["cross_check"] as? [String: Any])?["roundTrip"] as? [String: Any] else {
            Issue.record("no round-trip cross-check: \(p.stdout.prefix(2000))")
            return
        }
        #expect(rt["toolCount"] as? Int == 10)
        #expect(rt["harnessCount"] as? Int == 10)
        let harness = rt["harnessMedianMs"] as? Double ?? 0, tool = rt["toolMedianMs"] as? Double ?? 0
        #expect(harness > 0 && harness <= tool, "the harness times part of ping's round trip: \(harness) vs \(tool) ms")
        #expect((r?["rttMs"] as? [Double])?.count == 10)
    }

    @Test("sockperf through native: its median round trip beside the harness's, timed by message number")
    func sockperf() throws {
        let dir = try TemporaryDirectory("prog-sockperf")
        defer { dir.remove() }
        let p = try CLIProcess(["path", "native", "--traffic", "sockperf", "--duration", "2", "--json"], logDirectory: dir.path)
        let end = p.wait(seconds: 60)
        #expect(end == .exited(0), "\(end?.description ?? "hung"): \(p.stderr)")
        let traffic = Self.json(p.stdout)?["traffic"] as? [String: Any]
        guard let rt = (traffic?["cross_check"] as? [String: Any])?["roundTrip"] as? [String: Any] else {
            Issue.record("no round-trip cross-check: \(p.stdout.prefix(2000))")
            return
        }
        let harness = rt["harnessMedianMs"] as? Double ?? 0, tool = rt["toolMedianMs"] as? Double ?? 0
        #expect(harness > 0 && harness <= tool, "the harness times part of sockperf's round trip: \(harness) vs \(tool) ms")
        #expect((rt["harnessCount"] as? Int ?? 0) >= (rt["toolCount"] as? Int ?? .max), "\(rt)")
    }

    /// Starts a long program run and waits until its client and server run.
    static func startLongRun(_ dir: TemporaryDirectory, out: String, path: String = "native") -> (CLIProcess, [pid_t])? {
        guard let p = try? CLIProcess(["path", path, "--traffic", "iperf3-udp", "--rate", "300", "--duration", "60",
                                       "--out", out], logDirectory: dir.path) else { return nil }
        var tools: [pid_t] = []
        let running = p.await(seconds: 30) {
            tools = children(of: p.pid).filter { $0.comm == "iperf3" }.map(\.pid)
            return tools.count == 2
        }
        guard running else {
            p.send(SIGKILL)
            _ = p.wait(seconds: 10)
            Issue.record("the client and server never both ran: \(p.stderr)")
            return nil
        }
        return (p, tools)
    }

    /// The paths whose runs are interrupted: native, and a VM's where kvm runs (its vCPU thread
    /// waits for the program's packets for as long as the program pauses).
    static let interruptedPaths = FileManager.default.isWritableFile(atPath: "/dev/kvm") ? ["native", "vwifi"] : ["native"]

    @Test("Ctrl-C during a program run: exit 130, nothing written, no namespace or program left", arguments: interruptedPaths)
    func interrupted(path: String) throws {
        let dir = try TemporaryDirectory("prog-int")
        defer { dir.remove() }
        let out = dir.file("out")
        guard let (p, tools) = Self.startLongRun(dir, out: out, path: path) else { return }
        #expect(Self.namespaces(of: p.pid).count == 2)
        p.send(SIGINT)
        let end = p.wait(seconds: 30)
        #expect(end == .exited(130), "\(end?.description ?? "hung"): \(p.stderr)")
        #expect(TemporaryDirectory.listing(out).isEmpty)
        #expect(Self.namespaces(of: p.pid).isEmpty, "left: \(Self.namespaces(of: p.pid))")
        for tool in tools { #expect(!Self.alive(tool), "iperf3 \(tool) outlived the run") }
    }

    @Test("a run killed outright: its programs die with it, and the next start removes its namespaces")
    func killed() throws {
        let dir = try TemporaryDirectory("prog-kill")
        defer { dir.remove() }
        guard let (p, tools) = Self.startLongRun(dir, out: dir.file("out")) else { return }
        // No start removes a live harness's names, so both are there until the kill.
        let made = Self.namespaces(of: p.pid)
        #expect(made.count == 2, "a running program run has its two namespaces: \(made)")
        p.send(SIGKILL)
        _ = p.wait(seconds: 10)
        let deadline = Date().addingTimeInterval(5)
        while tools.contains(where: Self.alive) && Date() < deadline { usleep(20_000) }
        for tool in tools { #expect(!Self.alive(tool), "iperf3 \(tool) outlived its killed harness") }
        // A SIGKILL leaves the names (nothing in the killed process can remove them), but from the
        // kill on any other start may remove them: other suites of this test process run programs,
        // and so removeStale, at the same time. What is left is some of the names it made.
        let left = Self.namespaces(of: p.pid)
        #expect(Set(left).isSubset(of: made), "the names after the kill: \(left), made \(made)")
        let next = try CLIProcess(["path", "native", "--traffic", "ping", "--ping", "2", "--json"], logDirectory: dir.path)
        #expect(next.wait(seconds: 60) == .exited(0), "\(next.stderr)")
        #expect(Self.namespaces(of: p.pid).isEmpty, "the next start removed them: \(Self.namespaces(of: p.pid))")
        // Any harness start removes a dead run's names, and other suites of this test process run
        // programs (and removeStale itself) at the same time: the one that got there first says so.
        // When it was this start, its warning names exactly what it removed.
        let warnings = Self.json(next.stdout)?["warnings"] as? [String] ?? []
        if let removal = warnings.first(where: { $0.contains("stale network namespace") }), removal.contains("vwb-\(p.pid)-") {
            #expect(made.allSatisfy(removal.contains), "\(removal) names \(made)")
        }
    }
}

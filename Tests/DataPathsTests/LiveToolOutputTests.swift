import Foundation
import Measurement
import Testing
@testable import DataPaths

/// The command lines ToolInvocation builds, run by the real programs, and their output read by
/// the parsers: catches a tool whose flags or output changed since the fixtures were captured.
/// Everything runs inside a fresh network namespace (`unshare -n`) whose only interface is `lo`
/// carrying both addresses, so nothing leaves the machine.
@Suite struct LiveToolOutputTests {
    static let canRun = getuid() == 0
        && Traffic.allCases.filter(\.isTool).allSatisfy { (try? ToolInvocation.checkInstalled($0)) != nil }
        && namespacesWork()

    /// Whether this process may create a network namespace (a container may forbid it even to root).
    static func namespacesWork() -> Bool {
        guard let unshare = ExecutableSearch.locate("unshare") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: unshare)
        process.arguments = ["-n", "true"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Runs `script` in a new network namespace with lo up and the station's and peer's
    /// addresses on it; returns its standard output.
    static func inNamespace(_ script: String) throws -> String {
        let setup = "ip link set lo up && ip addr add \(ToolInvocation.stationAddress)/32 dev lo"
            + " && ip addr add \(ToolInvocation.peerAddress)/32 dev lo && "
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ExecutableSearch.locate("unshare")))
        process.arguments = ["-n", "sh", "-c", setup + script]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// A shell loop that returns once `readiness` holds in this namespace (at most ~5 s), the
    /// way the coordinator polls it: the port in /proc/net/{tcp,udp} in LISTEN or bound state.
    static func awaitReady(_ readiness: ToolReadiness) -> String {
        guard case .listening(let transport, let port) = readiness else { return "" }
        let hex = String(port, radix: 16, uppercase: true)
        let state = transport == .tcp ? "0A" : "07"
        return "i=0; until grep -q ':\(hex) 00000000:0000 \(state)' /proc/net/\(transport.rawValue); do "
            + "i=$((i+1)); [ $i -gt 100 ] && break; sleep 0.05; done; "
    }

    /// argv as one shell word list (the test's own arguments have no quotes or spaces to escape).
    static func shell(_ command: ToolInvocation.Command) -> String { command.argv.joined(separator: " ") }

    static func config(_ traffic: Traffic, rate: Double? = nil) -> PathConfig {
        var c = PathConfig(path: .native)
        c.traffic = traffic
        c.duration = 1
        c.rate = rate
        c.pingCount = 10
        c.pingIntervalMs = 5
        c.pingTimeoutMs = 500
        return c
    }

    @Test(.enabled(if: canRun, "needs root, network namespaces (unshare -n) and iperf3, ping, sockperf"))
    func iperf3UDPAtARateReportsThatGoodput() throws {
        let run = try #require(try ToolInvocation(Self.config(.iperf3UDP, rate: 500)))
        let out = try Self.inNamespace("\(Self.shell(run.server!)) >/dev/null & "
                                      + Self.awaitReady(run.readiness) + "\(Self.shell(run.client)); wait")
        let report = try ToolReport.parse(.iperf3UDP, output: out, clientArgv: run.client.argv)
        let iperf = try #require(report.iperf3)
        #expect(iperf.error == nil && iperf.transport == "UDP")
        // 500 packets/s of 1450 bytes is 5.8 Mbit/s of payload; loopback loses none of it.
        let goodput = try #require(iperf.goodputMbps(.tx))
        #expect(abs(goodput - 5.8) < 0.3, "goodput \(goodput) Mbit/s")
    }

    @Test(.enabled(if: canRun, "needs root, network namespaces (unshare -n) and iperf3, ping, sockperf"))
    func pingAndSockperfReportRoundTrips() throws {
        let ping = try #require(try ToolInvocation(Self.config(.ping)))
        let pingReport = try PingReport.parse(try Self.inNamespace(Self.shell(ping.client)))
        #expect(pingReport.transmitted == 10 && pingReport.received == 10 && pingReport.rttMs.count == 10)
        let sockperf = try #require(try ToolInvocation(Self.config(.sockperf, rate: 1000)))
        let out = try Self.inNamespace("\(Self.shell(sockperf.server!)) >/dev/null 2>&1 & " + Self.awaitReady(sockperf.readiness)
                                       + "\(Self.shell(sockperf.client)); kill $!")
        let report = try SockperfReport.parse(out)
        #expect(report.measure == .roundTrip && report.percentile(50) != nil && (report.observations ?? 0) > 0)
    }
}

import Foundation
import Measurement
import Testing
@testable import SystemProbe

@Suite struct ToolsSectionTests {
    @Test func everyTrafficProgramIsReportedWithItsVersionOrPackage() throws {
        let tools = ToolsSection.probe()
        #expect(tools.all.map(\.name) == ["gnuplot", "iperf3", "ping", "sockperf"])
        for (name, tool) in tools.all {
            if tool.available {
                #expect(tool.path?.hasSuffix("/\(name)") == true)
                #expect(tool.version?.isEmpty == false && tool.version?.contains("\n") == false)
            } else {
                #expect(!tool.reason.isEmpty)
            }
        }
        // Where installed (make deps), the version lines are the programs' own.
        if tools.iperf3.available { #expect(tools.iperf3.version?.hasPrefix("iperf 3") == true) }
        if tools.ping.available { #expect(tools.ping.version?.contains("iputils") == true) }
        if tools.sockperf.available { #expect(tools.sockperf.version?.hasPrefix("sockperf") == true) }
    }

    @Test func aMissingProgramNamesItsPackageInTheReasonAndTheWarnings() throws {
        let missing = ToolsSection.probeTool("no-such-traffic-tool", versionArgument: "--version",
                                             install: "apt-get install sockperf")
        #expect(!missing.available && missing.path == nil)
        #expect(missing.reason == "no-such-traffic-tool not found on PATH; apt-get install sockperf")
        let probed = MachineReportTests.report
        var tools = probed.tools
        tools.sockperf = missing
        let report = MachineReport(cpu: probed.cpu, kernel: probed.kernel, tsc: probed.tsc, counters: probed.counters,
                                   permissions: probed.permissions, numa: probed.numa, kvm: probed.kvm,
                                   network: probed.network, tools: tools)
        #expect(report.warnings.contains { $0.hasPrefix("sockperf unavailable") && $0.contains("apt-get install sockperf") })
        #expect(report.table().contains("UNAVAILABLE: \(missing.reason)"))
        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let section = try #require(json?["tools"] as? [String: Any])
        for key in ["gnuplot", "iperf3", "ping", "sockperf"] {
            let tool = try #require(section[key] as? [String: Any], "tools.\(key) missing")
            #expect(tool["available"] is Bool && tool["reason"] is String)
        }
    }

    @Test func executableSearchSkipsDirectoriesAndNonExecutables() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir + "/tool", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(ExecutableSearch.locate("tool", searchPath: dir) == nil)
        #expect(ExecutableSearch.locate("sh", searchPath: "::/nonexistent:/bin") == "/bin/sh")
    }
}

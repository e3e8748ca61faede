// CPU adds up: in a real `vwifi-bench path` process (alone in it, so no other test's CPU
// counts) the cpu rows, harness included, sum to the process's own CPU over the measured
// window for every data path.
import Foundation
import Testing

@Suite struct CPUAddsUpTests {
    /// 20000 packets make native and passthrough windows of ~0.6 s, so 2 % (12 ms) is above
    /// the getrusage lag of a few ms; vwifi's KVM guest spends more per packet, 8000 suffice.
    static let runs: [(path: String, packets: Int)] = [("native", 20000), ("passthrough", 20000), ("vwifi", 8000)]

    @Test func componentsSumToTheProcessCPU() throws {
        let dir = try TemporaryDirectory("cpusum")
        defer { dir.remove() }
        for run in Self.runs {
            let out = dir.file(run.path)
            let r = try CLIProcess.run(["path", run.path, "--packets", "\(run.packets)", "--air", "none", "--out", out],
                                       logDirectory: dir.path)
            #expect(r.termination == .exited(0), "\(run.path): \(r.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/result.json"))
            let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let cpu = try #require(result["cpu"] as? [[String: Any]])
            let rows = cpu.reduce(0.0) { $0 + ($1["userSeconds"] as? Double ?? 0) + ($1["systemSeconds"] as? Double ?? 0) }
            let process = try #require(result["processCPUSeconds"] as? Double, "\(run.path): no processCPUSeconds")
            let harness = cpu.first { $0["component"] as? String == "harness" }
            #expect(harness?["countedAsHost"] as? Bool == false, "\(run.path): harness row missing or counted as host")
            // The same tolerance as CPUBalance: 2 %, and 8 ms (two 4 ms ticks of getrusage lag) for short runs.
            let tolerance = max(0.02 * process, 0.008)
            let summary = result["summary"] as? [String: Any]
            let line = "\(run.path) (\(summary?["trapBackend"] ?? "?")): rows \(rows) s, process \(process) s, "
                + "harness \(harness?["userSeconds"] ?? 0)+\(harness?["systemSeconds"] ?? 0) s"
            print("cpu adds up: " + line)
            #expect(abs(rows - process) <= tolerance, "\(line): misses by more than \(tolerance) s")
            let warnings = result["warnings"] as? [String] ?? []
            #expect(!warnings.contains { $0.contains("does not add up") }, "\(run.path): \(warnings)")
        }
    }
}

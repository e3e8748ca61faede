// Other processes and other harness instances during a suite run: named in the warnings, in
// raw_samples.csv's last columns and in metadata.json.
import DataPaths
import Foundation
import Measurement
import Synchronization
import Testing
@testable import Suites

/// A machine where pid 4242, a stranger, burns a whole CPU (its ticks grow by 10,000 between
/// any two readings: far above 5 % of any run), and another instance holds the lock.
final class BusyMachine: RunEnvironment {
    let readings = Mutex<UInt64>(0)
    func machineReport() -> JSONValue? { nil }
    func gitRevision() -> GitRevision? { nil }
    func cpuTimes() -> CPUTimes? { CPUTimes(busy: 100, idle: 900, steal: 0) }
    func otherInstances() -> [String] { ["pid 77 (vwifi-bench run other.yaml)"] }
    func processTable() -> [Int32: CompetingLoad.ProcessStat]? {
        let n = readings.withLock { $0 += 1; return $0 }
        let text = "4242 (burner) R 1 4242 4242 0 -1 0 0 0 0 0 \(n * 10_000) 0 0 0 20 0 1 0 100 0 0"
        return [4242: CompetingLoad.parse(stat: text)!]
    }
}

@Suite struct CompetingLoadRunTests {
    @Test("a CPU hog and another instance: warned per run, marked in raw_samples.csv, recorded in metadata")
    func busyMachineIsNamed() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = try runQuick(options(root: root, runID: "busy"), environment: BusyMachine())
        #expect(out.warnings.contains { $0.contains("another vwifi-bench instance ran during \(out.measuredRuns) of \(out.measuredRuns) runs") && $0.contains("pid 77") })
        #expect(out.warnings.contains { $0.contains("other processes took over 5 % of a CPU during \(out.measuredRuns) runs") })
        let rows = ResultsDirectory(path: out.directory).records(ResultLayout.rawSamples)
        #expect(rows.count == out.measuredRuns)
        #expect(rows.allSatisfy { $0["competing_load"]?.hasPrefix("4242:") == true && $0["competing_load"]!.contains("burner") })
        #expect(rows.allSatisfy { $0["other_instances"] == "pid 77 (vwifi-bench run other.yaml)" })
        let meta = try #require(Metadata.load(directory: out.directory))
        guard case .object(let runs)? = meta.fields["competing_load"]?["runs"] else { Issue.record("no competing_load runs"); return }
        #expect(runs.count == out.measuredRuns)
        guard case .array(let seen)? = meta.fields["other_instances"]?["seen"] else { Issue.record("no other_instances"); return }
        #expect(seen == [.string("pid 77 (vwifi-bench run other.yaml)")])
    }

    @Test("a quiet machine: no mark, no warning")
    func quietMachineIsNotFlagged() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = try runQuick(options(root: root, runID: "quiet"))
        #expect(!out.warnings.contains { $0.contains("instance") || $0.contains("other processes") })
        #expect(ResultsDirectory(path: out.directory).records(ResultLayout.rawSamples).allSatisfy {
            $0["competing_load"] == "" && $0["other_instances"] == ""
        })
    }
}

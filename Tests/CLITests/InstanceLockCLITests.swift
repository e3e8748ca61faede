// Two real vwifi-bench instances at once: each one started beside a running instance names it
// (a suite run in its warnings, metadata and raw rows; a path run in its result's warnings), and
// --exclusive refuses to start, writing nothing.
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One native point, two repetitions of 0.3 s.
let besideSuite = customSuite("beside", repetitions: 2, duration: 0.3, paths: ["native"], trap: nil)
/// Long enough (4 x 0.4 s after the first measured run starts) for a second instance to start
/// during it.
let longerSuite = customSuite("beside", repetitions: 4, duration: 0.4, paths: ["native"], trap: nil)

@Suite("two instances at once: each names the other, --exclusive refuses", .serialized)
struct InstanceLockCLITests {
    /// The lock sidecar of `pid` in either lock directory the harness may use.
    static func holdsLock(_ pid: pid_t) -> Bool {
        ["/run/vwifi-bench", "/tmp/vwifi-bench.lock"].contains { FileManager.default.fileExists(atPath: "\($0)/\(pid).cmd") }
    }

    @Test("a suite run and a path run beside a running path run name it; --exclusive refuses both commands")
    func instancesSeeEachOther() throws {
        let dir = try TemporaryDirectory("instances")
        defer { dir.remove() }
        try dir.write("suite.yaml", besideSuite)
        // 200 packets/s for far longer than the test: it runs until interrupted.
        let first = try CLIProcess(["path", "native", "--rate", "200", "--packets", "1000000", "--json"], logDirectory: dir.path)
        defer { if first.poll() == false { first.send(SIGKILL); _ = first.wait(seconds: 10) } }
        guard first.await(seconds: 30, { Self.holdsLock(first.pid) }) else {
            Issue.record("the first instance never took its lock: \(first.stderr)"); return
        }
        let named = "pid \(first.pid) ("

        let suiteRun = try CLIProcess.run(["run", dir.file("suite.yaml"), "--out", dir.file("results"), "--no-charts"],
                                          logDirectory: dir.path, timeoutSeconds: 120)
        #expect(suiteRun.termination == .exited(0), "\(suiteRun.stderr)")
        #expect(suiteRun.stdout.contains("warning: another vwifi-bench instance is running: \(named)"), "\(suiteRun.stdout)")
        let runDir = ((try? FileManager.default.contentsOfDirectory(atPath: dir.file("results"))) ?? [])
            .first { !$0.hasPrefix(".") && $0 != "latest" }.map { dir.file("results/\($0)") }
        let metadata = runDir.flatMap { try? String(contentsOfFile: $0 + "/metadata.json", encoding: .utf8) } ?? ""
        #expect(metadata.contains("\"other_instances\"") && metadata.contains(named), "metadata names the other instance")
        let raw = parseCSV(runDir.flatMap { try? String(contentsOfFile: $0 + "/raw_samples.csv", encoding: .utf8) } ?? "")
        let column = raw.first?.firstIndex(of: "other_instances")
        #expect(raw.count == 3 && column != nil, "two measured rows with an other_instances column")
        if let column { #expect(raw.dropFirst().allSatisfy { column < $0.count && $0[column].contains(named) }, "\(raw)") }

        let pathRun = try CLIProcess.run(["path", "native", "--packets", "300", "--json"], logDirectory: dir.path)
        #expect(pathRun.termination == .exited(0), "\(pathRun.stderr)")
        let json = (try? JSONSerialization.jsonObject(with: Data(pathRun.stdout.utf8))) as? [String: Any]
        let warnings = json?["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.hasPrefix("another vwifi-bench instance ran beside this run: \(named)") }, "\(warnings)")

        for (args, out) in [(["run", dir.file("suite.yaml"), "--exclusive", "--out", dir.file("refused-run")], dir.file("refused-run")),
                            (["path", "native", "--packets", "300", "--exclusive", "--out", dir.file("refused-path")], dir.file("refused-path"))] {
            let refused = try CLIProcess.run(args, logDirectory: dir.path)
            #expect(refused.termination == .exited(2), "\(args[0]): \(refused.stderr)")
            #expect(refused.stderr.hasPrefix("error: --exclusive: another vwifi-bench instance is running (pid "), "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: out), "\(args[0]) --exclusive wrote nothing")
        }

        first.send(SIGINT)
        #expect(first.wait(seconds: 30) == .exited(130), "\(first.stderr)")
        #expect(!Self.holdsLock(first.pid), "an instance's lock goes with it")
    }

    @Test("a suite run names an instance that started after it, in its warnings and metadata")
    func aLaterInstanceIsNamedByTheFirst() throws {
        let dir = try TemporaryDirectory("instances-later")
        defer { dir.remove() }
        try dir.write("suite.yaml", longerSuite)
        let suiteRun = try CLIProcess(["run", dir.file("suite.yaml"), "--out", dir.file("results"), "--no-charts"], logDirectory: dir.path)
        defer { if suiteRun.poll() == false { suiteRun.send(SIGKILL); _ = suiteRun.wait(seconds: 10) } }
        guard suiteRun.await(seconds: 60, { ProgressLine.parse(suiteRun.stderr).contains { $0.repetition != nil } }) else {
            Issue.record("the suite never reached a measured run: \(suiteRun.stderr)"); return
        }
        let second = try CLIProcess(["path", "native", "--rate", "200", "--packets", "1000000", "--json"], logDirectory: dir.path)
        defer { if second.poll() == false { second.send(SIGKILL); _ = second.wait(seconds: 10) } }
        #expect(second.await(seconds: 30) { Self.holdsLock(second.pid) }, "\(second.stderr)")
        #expect(suiteRun.wait(seconds: 120) == .exited(0), "\(suiteRun.stderr)")
        let named = "pid \(second.pid) ("
        #expect(suiteRun.stdout.split(separator: "\n").contains { $0.hasPrefix("warning: another vwifi-bench instance ran during") && $0.contains(named) },
                "\(suiteRun.stdout)")
        let runDir = ((try? FileManager.default.contentsOfDirectory(atPath: dir.file("results"))) ?? [])
            .first { !$0.hasPrefix(".") && $0 != "latest" }.map { dir.file("results/\($0)") }
        let metadata = runDir.flatMap { try? String(contentsOfFile: $0 + "/metadata.json", encoding: .utf8) } ?? ""
        #expect(metadata.contains(named), "metadata.json names the later instance")
        second.send(SIGINT)
        #expect(second.wait(seconds: 30) == .exited(130), "\(second.stderr)")
    }
}

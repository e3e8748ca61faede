// A real `vwifi-bench run` killed with SIGKILL mid-run: `report` rebuilds its tables and calls
// it killed, `run --resume` finishes it, and the result has the files, columns and rows (by
// experiment, point, repetition and seed) of the same suite run without a stop.
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Two points, two repetitions of 0.8 s: short, so that the two whole runs this test makes add
/// little load to the timing-sensitive suites running beside it.
let resumeSuite = customSuite("resume", repetitions: 2, duration: 0.8, paths: ["vwifi", "native"])

@Suite("vwifi-bench run --resume and report", .serialized)
struct ResumeCLITests {
    func runDirectory(_ root: String) -> String? {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).first { !$0.hasPrefix(".") && $0 != "latest" }
            .map { (root as NSString).appendingPathComponent($0) }
    }

    /// Header and row keys of each CSV of a results directory.
    func shape(_ dir: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for f in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []) where f.hasSuffix(".csv") {
            let rows = parseCSV((try? String(contentsOfFile: dir + "/" + f, encoding: .utf8)) ?? "")
            guard let header = rows.first else { out[f] = []; continue }
            let keys = ["experiment", "point", "repetition", "seed", "stage", "component", "category", "echo", "scenario"]
                .compactMap { header.firstIndex(of: $0) }
            out[f] = [header.joined(separator: ",")] + rows.dropFirst().map { r in keys.map { $0 < r.count ? r[$0] : "" }.joined(separator: "/") }.sorted()
        }
        return out
    }

    @Test("SIGKILL during a measured run, report, then --resume: the files of an uninterrupted run")
    func killedRunResumes() throws {
        let dir = try TemporaryDirectory("resume")
        defer { dir.remove() }
        try dir.write("suite.yaml", resumeSuite)
        let wholeRoot = dir.file("whole"), cutRoot = dir.file("cut")
        let whole = try CLIProcess(["run", dir.file("suite.yaml"), "--out", wholeRoot, "--no-charts"], logDirectory: dir.path)
        #expect(whole.wait(seconds: 120) == .exited(0), "\(whole.stderr)")

        let p = try CLIProcess(["run", dir.file("suite.yaml"), "--out", cutRoot, "--no-charts"], logDirectory: dir.path)
        let inSecondMeasuredRun = p.await(seconds: 60) {
            ProgressLine.parse(p.stderr).filter { $0.repetition != nil }.count >= 2 && p.threadNames.contains { $0.hasPrefix("vw-") }
        }
        p.send(SIGKILL)
        #expect(p.wait(seconds: 30) == .signaled(SIGKILL))
        guard inSecondMeasuredRun, let cut = runDirectory(cutRoot), let full = runDirectory(wholeRoot) else {
            Issue.record("the run never reached its second measured run, or wrote no directory: \(p.stderr)"); return
        }
        let meta = (try? String(contentsOfFile: cut + "/metadata.json", encoding: .utf8)) ?? ""
        #expect(meta.contains("\"status\" : \"running\""), "a killed run cannot say more than running")
        let finished = (try? String(contentsOfFile: cut + "/runs.jsonl", encoding: .utf8))?.split(separator: "\n").count ?? 0
        #expect(finished >= 1 && finished < 4, "\(finished) repetitions on record")

        let report = try CLIProcess(["report", cut, "--no-charts"], logDirectory: dir.path)
        #expect(report.wait(seconds: 60) == .exited(0), "\(report.stderr)")
        #expect(report.stdout.contains("status killed"), "\(report.stdout)")
        #expect(((try? String(contentsOfFile: cut + "/metadata.json", encoding: .utf8)) ?? "").contains("\"status\" : \"killed\""))

        let resume = try CLIProcess(["run", "--resume", cut, "--no-charts"], logDirectory: dir.path)
        #expect(resume.wait(seconds: 120) == .exited(0), "\(resume.stderr)")
        #expect(resume.stdout.contains("resumed: \(finished) repetitions were on record"), "\(resume.stdout)")
        #expect(((try? String(contentsOfFile: cut + "/metadata.json", encoding: .utf8)) ?? "").contains("\"status\" : \"complete\""))
        #expect(shape(cut) == shape(full))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: cut))
                == Set(try FileManager.default.contentsOfDirectory(atPath: full)))

        // A finished run has nothing to resume; a non-directory is refused, nothing written.
        let again = try CLIProcess(["run", "--resume", cut], logDirectory: dir.path)
        #expect(again.wait(seconds: 30) == .exited(2))
        #expect(again.stderr.hasPrefix("error: --resume:"), "\(again.stderr)")
        let bad = try CLIProcess(["report", dir.file("nowhere")], logDirectory: dir.path)
        #expect(bad.wait(seconds: 30) == .exited(2))
        #expect(bad.stderr.hasPrefix("error: "), "\(bad.stderr)")
    }
}

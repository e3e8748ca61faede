// Interrupting a real `vwifi-bench run`: a signal while a measured run is in progress must stop
// the process promptly with 128 + the signal number, keep every finished run's results complete,
// drop the unfinished run, and leave no temporary file behind.
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Two points, two repetitions; measured runs are 1.5 s (warm-ups are capped at 0.5 s), so a
/// measured run is in progress for long enough to be interrupted on a busy machine.
let interruptSuite = customSuite("interrupt", repetitions: 2, duration: 1.5, paths: ["vwifi", "vwifi"])

/// One `[k/N] label  elapsed ...` progress line of `run` (plain lines: stderr is not a terminal).
struct ProgressLine: Equatable {
    var index: Int
    var experiment: String
    /// 0-based measured repetition; nil for a warm-up.
    var repetition: Int?

    static func parse(_ stderr: String) -> [ProgressLine] {
        stderr.split(separator: "\n").compactMap { line -> ProgressLine? in
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]"),
                  let slash = line[..<close].firstIndex(of: "/"),
                  let index = Int(line[line.index(after: line.startIndex)..<slash]) else { return nil }
            let rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard let label = rest.components(separatedBy: "  elapsed").first else { return nil }
            if label.hasSuffix(" (warm-up)") {
                return ProgressLine(index: index, experiment: String(label.dropLast(" (warm-up)".count)), repetition: nil)
            }
            guard let hash = label.range(of: " #", options: .backwards),
                  let n = Int(label[hash.upperBound...]) else { return nil }
            return ProgressLine(index: index, experiment: String(label[..<hash.lowerBound]), repetition: n - 1)
        }
    }
}

/// A minimal RFC 4180 reader, independent of the code under test.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var iterator = Array(text.unicodeScalars).makeIterator()
    var pending: Unicode.Scalar? = nil
    while let c = pending ?? iterator.next() {
        pending = nil
        if quoted {
            if c == "\"" {
                let n = iterator.next()
                if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
            } else { field.unicodeScalars.append(c) }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            record.append(field); field = ""
        } else if c == "\n" {
            record.append(field); field = ""
            records.append(record); record = []
        } else if c != "\r" {
            field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}

@Suite("vwifi-bench interruption", .serialized)
struct InterruptionTests {
    /// Generous: the run stops within one 5 ms supervisor poll plus thread joins and the final
    /// writes (measured well under a second); the bound only separates "stops" from "hangs" on a
    /// shared, busy machine.
    static let exitBoundSeconds = 5.0

    @Test("SIGINT during a suite run: exit 130, finished runs complete, the unfinished one absent")
    func sigint() throws { try interruptRun(SIGINT, expectedStatus: 130) }

    @Test("SIGTERM during a suite run: exit 143, finished runs complete, the unfinished one absent")
    func sigterm() throws { try interruptRun(SIGTERM, expectedStatus: 143) }

    @Test("a signal during `path --out`: threads stop, exit 128+signal, nothing written",
          arguments: [SIGINT, SIGTERM])
    func interruptPath(_ signal: Int32) throws {
        let dir = try TemporaryDirectory("path-int")
        defer { dir.remove() }
        let out = dir.file("out")
        let p = try CLIProcess(["path", "vwifi", "--duration", "60", "--trap", "thread", "--counters", "", "--out", out],
                               logDirectory: dir.path)
        // The pipeline is running once its threads exist.
        let running = p.await(seconds: 30) { p.threadNames.contains { $0.hasPrefix("vw-") } }
        guard running else {
            Self.kill(p, because: "the pipeline never started: \(p.termination?.description ?? "") \(p.stderr)")
            return
        }
        let (end, seconds) = Self.signal(p, signal, what: "path run")
        #expect(end == .exited(128 + signal), "\(end?.description ?? "hung"): \(p.stderr)")
        #expect(seconds < Self.exitBoundSeconds)
        #expect(p.stderr.contains("interrupted: nothing written"))
        #expect(p.stdout.isEmpty, "no report for an unfinished run: \(p.stdout)")
        #expect(TemporaryDirectory.listing(out).isEmpty, "nothing written: \(TemporaryDirectory.listing(out))")
    }

    /// Sends `signal` and waits for the process to end: how it ended, and how long after the signal.
    static func signal(_ p: CLIProcess, _ signal: Int32, what: String) -> (Termination?, Double) {
        let sent = ContinuousClock.now
        p.send(signal)
        let end = p.wait(seconds: 30)
        let seconds = p.endedAt.map { (sent.duration(to: $0)).seconds } ?? .infinity
        print("CLITests: \(what), signal \(signal) -> process gone in \(String(format: "%.3f", seconds)) s")
        return (end, seconds)
    }

    /// A run that never reached the moment to signal: kill it and say why.
    static func kill(_ p: CLIProcess, because message: String) {
        p.send(SIGKILL)
        _ = p.wait(seconds: 10)
        Issue.record(Comment(rawValue: message))
    }

    func interruptRun(_ signal: Int32, expectedStatus: Int32) throws {
        let dir = try TemporaryDirectory("run-int")
        defer { dir.remove() }
        try dir.write("suite.yaml", interruptSuite)
        let root = dir.file("results")
        let p = try CLIProcess(["run", dir.file("suite.yaml"), "--out", root, "--no-charts"], logDirectory: dir.path)

        // Signal once the second measured run has started (so the first is finished and
        // written) and its pipeline threads are up (so it is really in progress).
        let inSecondMeasuredRun = p.await(seconds: 60) {
            ProgressLine.parse(p.stderr).filter { $0.repetition != nil }.count >= 2
                && p.threadNames.contains { $0.hasPrefix("vw-") }
        }
        guard inSecondMeasuredRun else {
            Self.kill(p, because: "never reached the second measured run: \(p.termination?.description ?? "running")\n\(p.stderr)")
            return
        }
        let (end, seconds) = Self.signal(p, signal, what: "suite run")

        #expect(end == .exited(expectedStatus), "\(end?.description ?? "hung"): \(p.stderr)")
        #expect(seconds < Self.exitBoundSeconds)
        let stderr = p.stderr
        #expect(stderr.contains(signal == SIGINT ? "SIGINT: stopping" : "SIGTERM: stopping"), "\(stderr)")
        #expect(!stderr.contains("Fatal error") && !stderr.contains("failed:"), "\(stderr)")
        #expect(p.stdout.contains("interrupted: finished runs are kept"), "\(p.stdout)")

        // Which runs finished: every started run but the last one (runs are sequential).
        let lines = ProgressLine.parse(stderr)
        guard let inProgress = lines.last else { Issue.record("no progress lines"); return }
        let finished = lines.dropLast().filter { $0.repetition != nil }
        #expect(!finished.isEmpty)
        #expect(lines.count < 6, "the run was cut short, not finished: \(stderr)")

        // One run directory; no `latest` link for an interrupted run; no leftovers anywhere.
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        #expect(entries.count == 1, "the results root holds only the run directory: \(entries)")
        guard let runID = entries.first(where: { !$0.hasPrefix(".") && $0 != "latest" }) else {
            Issue.record("no run directory in \(root): \(entries)"); return
        }
        let run = (root as NSString).appendingPathComponent(runID)
        let all = TemporaryDirectory.listing(root)
        let leftovers = all.filter { e in
            let name = (e.split(separator: " ").first.map(String.init) ?? e) as NSString
            let last = name.lastPathComponent
            return last.hasPrefix(".") || last.contains(".tmp") || last.contains(".partial")
        }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")

        // Every CSV complete: a header and rows of its width, ending in a newline.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? []
        let csvs = files.filter { $0.hasSuffix(".csv") }
        #expect(csvs.contains("raw_samples.csv"))
        for name in csvs {
            let text = (try? String(contentsOfFile: (run as NSString).appendingPathComponent(name), encoding: .utf8)) ?? ""
            #expect(text.hasSuffix("\n"), "\(name) is cut short")
            let records = parseCSV(text)
            guard let header = records.first, !header.isEmpty else { Issue.record("\(name) has no header"); continue }
            for (i, row) in records.dropFirst().enumerated() {
                #expect(row.count == header.count, "\(name) row \(i + 1): \(row.count) fields, header has \(header.count)")
            }
        }

        // metadata.json parses and says what happened.
        let metadataData = try Data(contentsOf: URL(fileURLWithPath: (run as NSString).appendingPathComponent("metadata.json")))
        let metadata = try JSONSerialization.jsonObject(with: metadataData) as? [String: Any]
        #expect(metadata?["status"] as? String == "interrupted")
        #expect((metadata?["measured_runs"] as? NSNumber)?.intValue == finished.count)
        #expect(files.contains("SUMMARY.md"))

        // Exactly the finished measured runs are in the raw samples; the interrupted one is not.
        let raw = parseCSV((try? String(contentsOfFile: (run as NSString).appendingPathComponent("raw_samples.csv"),
                                        encoding: .utf8)) ?? "")
        guard let header = raw.first, let e = header.firstIndex(of: "experiment"),
              let r = header.firstIndex(of: "repetition") else {
            Issue.record("raw_samples.csv lacks experiment/repetition columns"); return
        }
        let present = Set(raw.dropFirst().map { "\($0[e]) #\($0[r])" })
        let expected = Set(finished.map { "\($0.experiment) #\($0.repetition!)" })
        #expect(present == expected, "raw samples \(present), finished runs \(expected)")
        if let rep = inProgress.repetition {
            #expect(!present.contains("\(inProgress.experiment) #\(rep)"), "the interrupted run left a row")
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

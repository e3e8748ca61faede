// A run killed outright and resumed, a directory reported again, and a suite split into shards
// and merged must all end with the files a single uninterrupted run writes.
import DataPaths
import Foundation
import Testing
@testable import Suites

/// The figure tables (not the raw files: their `elapsed_seconds` is the wall clock's).
let derivedTables = [ResultLayout.fig5Throughput, ResultLayout.fig5Latency, ResultLayout.fig5LatencyCDF, ResultLayout.fig6, ResultLayout.fig7,
                     ResultLayout.fig8, ResultLayout.table1, ResultLayout.headroom]
let rawTables = [ResultLayout.rawSamples, ResultLayout.rawStages, ResultLayout.rawCPU, ResultLayout.rawCategories,
                 ResultLayout.rawRTT]

func text(_ dir: String, _ name: String) -> String {
    (try? String(contentsOfFile: (dir as NSString).appendingPathComponent(name), encoding: .utf8)) ?? "<missing \(name)>"
}

/// A raw table's rows as a set, without the wall-clock column, keyed so order does not matter.
func rawRows(_ dir: String, _ name: String) -> [String] {
    guard let t = ResultsDirectory(path: dir).table(name) else { return ["<missing \(name)>"] }
    let drop = Set(["elapsed_seconds", "steal_percent", "max_gap_us"].compactMap { t.header.firstIndex(of: $0) })
    return t.rows.map { r in r.enumerated().filter { !drop.contains($0.offset) }.map(\.element).joined(separator: ",") }.sorted()
}

func options(root: String, runID: String, repetitions: Int = 3, shard: Shard? = nil) -> RunOptions {
    var o = RunOptions()
    o.resultsRoot = root
    o.quick = true
    o.runID = runID
    o.renderCharts = false
    o.probeGaps = false
    o.repetitions = repetitions
    o.shard = shard
    return o
}

func runQuick(_ o: RunOptions, executor: FakeExecutor = FakeExecutor(), control: RunControl = RunControl(),
              environment: any RunEnvironment = FixedEnvironment()) throws -> RunOutcome {
    let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/quick.yaml")
    return try SuiteRunner(suite: suite, executor: executor, environment: environment, options: o, control: control).run()
}

/// Makes a finished run directory look like one whose process was killed after `keep` journal
/// lines: a torn half line after them, raw rows of a run that never reached the journal, and
/// metadata still `running`, written by a process that no longer exists.
func simulateKill(_ dir: String, keep: Int) throws {
    let lines = text(dir, ResultLayout.journal).split(separator: "\n").map(String.init)
    let torn = lines.count > keep ? String(lines[keep].prefix(lines[keep].count / 2)) : "{\"experi"
    try (lines.prefix(keep).map { $0 + "\n" }.joined() + torn)
        .write(toFile: (dir as NSString).appendingPathComponent(ResultLayout.journal), atomically: true, encoding: .utf8)
    for name in derivedTables + [ResultLayout.summary] { try? FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent(name)) }
    var meta = Metadata.load(directory: dir)!
    meta.fields["status"] = .string("running")
    meta.fields["process"] = .object(["pid": .number(999_999_999), "boot_id": .string("gone"), "start_ticks": .number(1)])
    try meta.write(to: dir)
}

@Suite struct ResumeTests {
    @Test("with nothing done, the remaining runs are the plan itself")
    func remainingOfNothingIsThePlan() throws {
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/quick.yaml")
        let plan = try RunPlan(suite: suite, options: options(root: "/nonexistent", runID: "x"))
        let rest = plan.remaining(done: [], failed: [])
        #expect(rest.map(\.pointIndex) == plan.runs.map(\.pointIndex))
        #expect(rest.map(\.repetition) == plan.runs.map(\.repetition))
        #expect(rest.map(\.config.seed) == plan.runs.map(\.config.seed))
    }

    @Test("remaining: only missing repetitions, in plan order, a warm-up before each point's first one")
    func remainingSkipsDoneAndWarmsUpAgain() throws {
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/quick.yaml")
        let plan = try RunPlan(suite: suite, options: options(root: "/nonexistent", runID: "x"))
        let measured = plan.runs.filter { !$0.isWarmup }
        let done = Set(measured.prefix(5).map { r in
            RepetitionKey(experiment: plan.points[r.pointIndex].experiment, point: plan.points[r.pointIndex].label, repetition: r.repetition!)
        })
        let rest = plan.remaining(done: done, failed: [0])
        let restMeasured = rest.filter { !$0.isWarmup }
        #expect(restMeasured.map(\.config.seed) == measured.dropFirst(5).filter { $0.pointIndex != 0 }.map(\.config.seed))
        var warmed = Set<Int>()
        for r in rest {
            if r.isWarmup { #expect(warmed.insert(r.pointIndex).inserted, "one warm-up per point") }
            else { #expect(warmed.contains(r.pointIndex), "a point's warm-up comes before its first remaining run") }
        }
    }

    @Test("killed after k repetitions (k = 0, 1, 7, all but one), then resumed: the tables of an uninterrupted run",
          arguments: [0, 1, 7, -1])
    func killedAndResumedEqualsUninterrupted(_ k: Int) throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try runQuick(options(root: root, runID: "whole"))
        let cut = try runQuick(options(root: root, runID: "cut"))
        let keep = k >= 0 ? k : cut.measuredRuns - 1
        try simulateKill(cut.directory, keep: keep)

        // report first: the finished repetitions' tables, and the run called killed.
        let report = try ResultsReport.rebuild(directory: cut.directory, renderCharts: false)
        #expect(report.status == "killed")
        #expect(report.measuredRuns == keep && report.droppedEntries == 1)
        #expect(Metadata.load(directory: cut.directory)?.status == "killed")

        let setup = try ResumeSetup.load(directory: cut.directory, base: options(root: root, runID: "cut"))
        let fake = FakeExecutor()
        let resumed = try SuiteRunner(suite: setup.suite, executor: fake, environment: FixedEnvironment(),
                                      options: setup.options, control: RunControl()).resume(directory: cut.directory)
        #expect(resumed.resumedRuns == keep)
        #expect(resumed.measuredRuns == whole.measuredRuns && !resumed.interrupted)
        // Only the missing repetitions ran, each point that still had some after a fresh warm-up.
        let warmups = fake.callCount - (whole.measuredRuns - keep)
        #expect(warmups >= (keep == whole.measuredRuns ? 0 : 1) && warmups <= whole.measuredRuns / 3)
        for name in derivedTables { #expect(text(cut.directory, name) == text(whole.directory, name), "\(name)") }
        for name in rawTables { #expect(rawRows(cut.directory, name) == rawRows(whole.directory, name), "\(name)") }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: cut.directory))
                == Set(try FileManager.default.contentsOfDirectory(atPath: whole.directory)))
        let meta = Metadata.load(directory: cut.directory)!
        #expect(meta.status == "complete")
        if case .array(let a)? = meta.fields["resumes"] { #expect(a.first?["previous_status"] == .string("killed")) }
        else { Issue.record("metadata.json records no resume") }
        #expect(text(cut.directory, ResultLayout.journal).split(separator: "\n").count == whole.measuredRuns)
    }

    @Test("an interrupted run resumes too; a resumed run's journal holds each repetition once")
    func interruptedRunResumes() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try runQuick(options(root: root, runID: "whole"))
        let cut = try runQuick(options(root: root, runID: "cut"), executor: FakeExecutor(cancelAfter: 9))
        #expect(cut.interrupted)
        let setup = try ResumeSetup.load(directory: cut.directory)
        var o = setup.options
        o.resultsRoot = root; o.runID = "cut"; o.renderCharts = false
        let resumed = try SuiteRunner(suite: setup.suite, executor: FakeExecutor(), environment: FixedEnvironment(),
                                      options: o, control: RunControl()).resume(directory: cut.directory)
        #expect(!resumed.interrupted)
        for name in derivedTables { #expect(text(cut.directory, name) == text(whole.directory, name), "\(name)") }
        let keys = ResultsDirectory(path: cut.directory).records(ResultLayout.rawSamples).map { "\($0["experiment"]!)/\($0["point"]!)/\($0["repetition"]!)" }
        #expect(Set(keys).count == keys.count && keys.count == whole.measuredRuns)
    }

    @Test("report rebuilds a complete directory's files byte for byte")
    func reportRebuildsTheSameFiles() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try runQuick(options(root: root, runID: "r"))
        let before = (derivedTables + rawTables + [ResultLayout.summary]).map { text(run.directory, $0) }
        for name in derivedTables + rawTables + [ResultLayout.summary] {
            try FileManager.default.removeItem(atPath: (run.directory as NSString).appendingPathComponent(name))
        }
        let r = try ResultsReport.rebuild(directory: run.directory, renderCharts: false)
        #expect(r.status == "complete" && r.measuredRuns == run.measuredRuns)
        let after = (derivedTables + rawTables + [ResultLayout.summary]).map { text(run.directory, $0) }
        #expect(before == after)
    }

    @Test("report refuses a directory without a journal or suite copy, and one its writer still writes")
    func reportRefusals() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try runQuick(options(root: root, runID: "r"))
        var meta = Metadata.load(directory: run.directory)!
        meta.fields["status"] = .string("running")
        meta.fields["process"] = WriterProcess.current()!.json
        try meta.write(to: run.directory)
        #expect(throws: ReportError.self) { try ResultsReport.rebuild(directory: run.directory, renderCharts: false) }
        try FileManager.default.removeItem(atPath: run.directory + "/" + ResultLayout.suiteCopy)
        #expect(throws: ReportError.self) { try ResultsReport.rebuild(directory: run.directory, renderCharts: false) }
        #expect(throws: ReportError.self) { try ResultsReport.rebuild(directory: root + "/nope", renderCharts: false) }
    }

    @Test("a torn last journal line is dropped; a complete one is kept")
    func tornJournalTail() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{\"experiment\":\"a\",\"point\":\"default\",\"failure\":\"x\"}\n{\"experiment\":\"a\",\"po"
            .write(toFile: dir + "/" + ResultLayout.journal, atomically: true, encoding: .utf8)
        let j = RunJournal.read(directory: dir)!
        #expect(j.entries.count == 1 && j.entries[0].failure == "x" && j.dropped == 1)
    }

    @Test("shards: disjoint, together every point, about equal in estimated time, the same deal every time")
    func shardsPartitionThePoints() throws {
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/paper.yaml")
        let all = try RunPlan(suite: suite, options: options(root: "/x", runID: "x"))
        for n in [2, 3] {
            var seen: [String] = []
            var times: [Double] = []
            for k in 1...n {
                let p = try RunPlan(suite: suite, options: options(root: "/x", runID: "x", shard: Shard(index: k, count: n)))
                let again = try RunPlan(suite: suite, options: options(root: "/x", runID: "x", shard: Shard(index: k, count: n)))
                #expect(p.points.map(\.displayName) == again.points.map(\.displayName))
                #expect(p.runs.filter { !$0.isWarmup }.map(\.config.seed).sorted()
                        == all.runs.filter { !$0.isWarmup && p.points.map(\.displayName).contains(all.points[$0.pointIndex].displayName) }.map(\.config.seed).sorted(),
                        "a shard's runs have the seeds they have in the whole suite")
                seen += p.points.map(\.displayName)
                times.append(p.estimatedSeconds)
            }
            #expect(seen.sorted() == all.points.map(\.displayName).sorted())
            #expect(times.max()! / times.min()! < 1.5, "\(times)")
        }
        #expect(Shard(parsing: "2/3") == Shard(index: 2, count: 3))
        for bad in ["0/2", "3/2", "1", "a/b", "1/0", "1/2/3", ""] { #expect(Shard(parsing: bad) == nil, "\(bad)") }
    }
}

// Runs a suite: warm-up, interleaved repetitions; after every finished repetition its raw CSV
// rows and its journal line (runs.jsonl) are appended and flushed, so a run killed at any point
// loses only the repetition in progress. At the end every table, metadata.json, SUMMARY.md and
// the charts are derived from the records (ResultsReport), the same way `report` and a resume
// derive them. Cancellation (RunControl) stops after the current run.
import DataPaths
import Foundation
import Measurement

/// How a suite run ended: what it wrote, and the run's own account.
public struct RunOutcome: Sendable {
    public var report: ReportOutcome
    public var interrupted: Bool
    public var directory: String { report.directory }
    public var measuredRuns: Int { report.measuredRuns }
    public var plannedRuns: Int { report.plannedRuns }
    public var failures: [String] { report.failures }
    public var warnings: [String] { report.warnings }
    public var charts: [String] { report.charts }
    public var chartNote: String? { report.chartNote }
    public var estimatedSeconds: Double
    public var elapsedSeconds: Double
    /// Repetitions found on record when the run was resumed (0 for a new run).
    public var resumedRuns: Int = 0
}

public struct SuiteRunner: Sendable {
    public var suite: Suite
    public var executor: any PathExecutor
    public var environment: any RunEnvironment
    public var options: RunOptions
    public var control: RunControl
    public var progress: any ProgressReporter

    public init(suite: Suite, executor: any PathExecutor, environment: any RunEnvironment, options: RunOptions,
                control: RunControl, progress: any ProgressReporter = SilentProgress()) {
        self.suite = suite; self.executor = executor; self.environment = environment
        self.options = options; self.control = control; self.progress = progress
    }

    /// The runs this suite and these options make, in order, with the time estimate.
    public func plan() throws(SuiteError) -> RunPlan { try RunPlan(suite: suite, options: options) }

    /// Runs everything and writes `Results/<run-id>/`. Throws `SuiteError` for a bad `--only`, or a
    /// file-system error when the results directory cannot be written.
    public func run() throws -> RunOutcome {
        let plan = try plan()
        let started = Date()
        let runID = options.runID ?? Self.makeRunID(at: started, suite: suite, seed: plan.seed, shard: options.shard)
        let dir = (options.resultsRoot as NSString).appendingPathComponent(runID)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.write(suite.source, to: (dir as NSString).appendingPathComponent(ResultLayout.suiteCopy))
        let meta = Metadata(suite: suite, plan: plan, options: options, runID: runID, machine: environment.machineReport(),
                            git: environment.gitRevision(), started: started)
        try meta.write(to: dir)
        return try execute(plan: plan, directory: dir, records: plan.points.map { PointRecords(point: $0) }, failed: [:],
                           metadata: meta, started: started, runID: runID)
    }

    /// Continues the run in `directory` (written by `run`, then killed or interrupted): the same
    /// plan, only the repetitions missing from its journal, then every file as if it had never
    /// stopped. The runner's suite and options must be the directory's (`ResumeSetup`).
    public func resume(directory dir: String) throws -> RunOutcome {
        let plan = try plan()
        guard var meta = Metadata.load(directory: dir) else { throw ReportError(dir, "has no readable metadata.json") }
        try meta.requireNoLiveWriter(dir)
        let previous = meta.status ?? "unknown"
        let state = try ResultsReport.records(directory: dir, plan: plan)
        // The raw files are rewritten from the journal: a row written for a run whose journal
        // line never made it (the kill came between them) goes, as does any torn last row.
        try FigureTables.writeAll(FigureTables.raw(state.records), to: dir)
        if state.dropped > 0 { try RunJournal.rewrite(state.entries, directory: dir) }
        meta.markResumed(at: Date(), previousStatus: meta.wasKilled ? "killed" : previous)
        try meta.write(to: dir)
        let runID = (dir as NSString).lastPathComponent
        var out = try execute(plan: plan, directory: dir, records: state.records, failed: state.failed, metadata: meta,
                              started: Date(), runID: runID)
        out.resumedRuns = state.records.reduce(0) { $0 + $1.runs.count }
        return out
    }

    func execute(plan: RunPlan, directory dir: String, records initial: [PointRecords], failed initialFailed: [Int: String],
                 metadata: Metadata, started: Date, runID: String) throws -> RunOutcome {
        var records = initial
        var failed = initialFailed
        var interrupted = false
        var meta = metadata
        var done = Set<RepetitionKey>()
        for p in records { for r in p.runs { done.insert(RepetitionKey(experiment: p.point.experiment, point: p.point.label, repetition: r.repetition)) } }
        let steps = plan.remaining(done: done, failed: Set(failed.keys))
        let estimated = steps.reduce(0) { $0 + $1.estimatedSeconds }

        progress.begin(runs: steps.count, estimatedSeconds: estimated)
        var estimatedDone = 0.0
        for (index, step) in steps.enumerated() {
            if control.isCancelled { interrupted = true; break }
            let point = plan.points[step.pointIndex]
            defer { estimatedDone += step.estimatedSeconds }
            if failed[step.pointIndex] != nil { continue }
            let label = point.displayName + (step.isWarmup ? " (warm-up)" : " #\(step.repetition! + 1)")
            // ETA: the estimate still ahead, scaled by how the estimate has fared so far.
            let elapsedNow = Date().timeIntervalSince(started)
            let pace = estimatedDone > 1 ? elapsedNow / estimatedDone : 1
            progress.step(done: index, of: steps.count, label: label, elapsed: elapsedNow,
                          remainingEstimate: (estimated - estimatedDone) * pace)
            let gap = options.probeGaps ? NoiseProbe.maxGapMicroseconds() : 0
            let othersBefore = environment.otherInstances()
            let processesBefore = environment.processTable()
            let before = environment.cpuTimes()
            let t0 = Date()
            let result: PathResult
            do {
                result = try executor.run(step.config, control: control)
            } catch is RunCancelled {
                interrupted = true
                break
            } catch {
                let why = (error as? ConfigError).map { "option \($0)" } ?? String(describing: error)
                failed[step.pointIndex] = why
                try RunJournal.append(.failure(why, of: point), directory: dir)
                progress.note("warning: \(label) failed: \(why); skipping its remaining repetitions")
                continue
            }
            let elapsed = Date().timeIntervalSince(t0)
            let steal = before.flatMap { b in environment.cpuTimes().map { CPUTimes.stealPercent(from: b, to: $0) } }
            if let rep = step.repetition {
                var record = RunRecord(repetition: rep, seed: step.config.seed, result: result, stealPercent: steal,
                                       maxGapUs: gap, elapsedSeconds: elapsed)
                let others = Array(Set(othersBefore + environment.otherInstances())).sorted()
                if let b = processesBefore, let a = environment.processTable() {
                    // Only this process and its descendants (the programs it spawns) are the
                    // harness's own: a second suite started from the same shell shares our
                    // session yet competes, so no session is excluded (-1 matches none).
                    let found = CompetingLoad.competitors(before: b, after: a, seconds: elapsed,
                                                          ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
                                                          own: getpid(), session: -1,
                                                          commands: { CompetingLoad.commandLine(of: $0).map(Self.shortCommand) })
                    if !found.isEmpty {
                        record.competingLoad = found.map { "\($0.mark)% (\($0.command))" }
                        progress.note("warning: competing load during \(label): "
                                      + found.map { "pid \($0.pid) (\($0.command)) took \(Int(($0.cpuShare * 100).rounded())) % of a CPU" }.joined(separator: "; "))
                    }
                }
                if !others.isEmpty {
                    record.otherInstances = others
                    progress.note("warning: another vwifi-bench instance ran during \(label): \(others.joined(separator: "; "))")
                }
                records[step.pointIndex].runs.append(record)
                // Raw rows first, the journal line last: a run is on record once its line is.
                try FigureTables.appendAll(FigureTables.raw([PointRecords(point: point, runs: [record])]), to: dir)
                try RunJournal.append(.run(record, of: point), directory: dir)
            }
            if control.isCancelled { interrupted = true; break }
        }
        progress.end()

        let report = try ResultsReport.write(directory: dir, plan: plan, records: records, failed: failed, metadata: &meta,
                                             interrupted: interrupted, renderCharts: options.renderCharts,
                                             plotScripts: options.plotScripts)
        if !interrupted {
            try? AtomicFile.symlink(runID, at: ((dir as NSString).deletingLastPathComponent as NSString).appendingPathComponent("latest"))
        }
        return RunOutcome(report: report, interrupted: interrupted,
                          estimatedSeconds: estimated, elapsedSeconds: Date().timeIntervalSince(started))
    }

    /// A command line cut to 100 characters: compilers' run to pages, and a warning must stay readable.
    static func shortCommand(_ c: String) -> String { c.count <= 100 ? c : String(c.prefix(99)) + "…" }

    /// `20261122T024300Z-1a2b3c`: sortable UTC time, then a hash of suite, seed and time; a
    /// shard's ends in `-shard1of4`.
    static func makeRunID(at date: Date, suite: Suite, seed: UInt64, shard: Shard? = nil) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = f.string(from: date)
        let h = SHA256.hex(Data("\(suite.fileHash)|\(suite.name)|\(seed)|\(date.timeIntervalSince1970)|\(getpid())".utf8))
        return "\(stamp)-\(h.prefix(6))" + (shard.map { "-shard\($0.index)of\($0.count)" } ?? "")
    }
}

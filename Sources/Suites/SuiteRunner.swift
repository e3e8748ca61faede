// Runs a suite: warm-up, interleaved repetitions, raw samples after every run, figure tables,
// metadata, SUMMARY.md and charts at the end. Cancellation (RunControl) stops after the current
// run; every file it leaves is complete (each is written to a temporary name and renamed).
import DataPaths
import Foundation
import Measurement

/// How a suite run ended.
public struct RunOutcome: Sendable {
    public var directory: String
    public var interrupted: Bool
    public var measuredRuns: Int
    public var plannedRuns: Int
    /// Points whose runs failed, with the executor's error.
    public var failures: [String]
    public var warnings: [String]
    /// Chart files written, or why none were.
    public var charts: [String]
    public var chartNote: String?
    public var estimatedSeconds: Double
    public var elapsedSeconds: Double
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
        let runID = options.runID ?? Self.makeRunID(at: started, suite: suite, seed: plan.seed)
        let dir = (options.resultsRoot as NSString).appendingPathComponent(runID)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

        var records = plan.points.map { PointRecords(point: $0) }
        var failed: [Int: String] = [:]
        var interrupted = false
        var executorWarnings: [String] = []
        let machine = environment.machineReport()
        let git = environment.gitRevision()
        var meta = Metadata(suite: suite, plan: plan, options: options, runID: runID, machine: machine, git: git,
                            started: started)
        try meta.write(to: dir)

        progress.begin(runs: plan.runs.count, estimatedSeconds: plan.estimatedSeconds)
        var estimatedDone = 0.0
        for (done, step) in plan.runs.enumerated() {
            if control.isCancelled { interrupted = true; break }
            let point = plan.points[step.pointIndex]
            defer { estimatedDone += step.estimatedSeconds }
            if failed[step.pointIndex] != nil { continue }
            let label = point.displayName + (step.isWarmup ? " (warm-up)" : " #\(step.repetition! + 1)")
            // ETA: the estimate still ahead, scaled by how the estimate has fared so far.
            let elapsedNow = Date().timeIntervalSince(started)
            let pace = estimatedDone > 1 ? elapsedNow / estimatedDone : 1
            progress.step(done: done, of: plan.runs.count, label: label, elapsed: elapsedNow,
                          remainingEstimate: (plan.estimatedSeconds - estimatedDone) * pace)
            let gap = options.probeGaps ? NoiseProbe.maxGapMicroseconds() : 0
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
                progress.note("warning: \(label) failed: \(why); skipping its remaining repetitions")
                continue
            }
            let elapsed = Date().timeIntervalSince(t0)
            let steal = before.flatMap { b in environment.cpuTimes().map { CPUTimes.stealPercent(from: b, to: $0) } }
            for w in result.warnings where !executorWarnings.contains("\(point.displayName): \(w)") {
                executorWarnings.append("\(point.displayName): \(w)")
            }
            if let rep = step.repetition {
                records[step.pointIndex].runs.append(RunRecord(repetition: rep, seed: step.config.seed, result: result,
                                                               stealPercent: steal, maxGapUs: gap,
                                                               elapsedSeconds: elapsed))
                try writeTables(FigureTables.raw(records), to: dir)
            }
            if control.isCancelled { interrupted = true; break }
        }
        progress.end()

        try writeTables(FigureTables.all(records), to: dir)
        let failures = failed.sorted { $0.key < $1.key }.map { "\(plan.points[$0.key].displayName): \($0.value)" }
        let warnings = RunWarnings.compute(records, repetitions: plan.repetitions) + FigureBackends.warnings(records) + executorWarnings
        meta.finish(records: records, interrupted: interrupted, failures: failures, warnings: warnings, ended: Date())
        try meta.write(to: dir)
        let results = ResultsDirectory(path: dir)
        try AtomicFile.write(SummaryReport.markdown(results, metadata: meta),
                             to: (dir as NSString).appendingPathComponent(ResultLayout.summary))

        var charts: [String] = []
        var chartNote: String? = nil
        if options.renderCharts {
            let r = Plotter.render(directory: dir, scripts: options.plotScripts)
            charts = r.files
            chartNote = r.note
        }
        if !interrupted {
            try? AtomicFile.symlink(runID, at: (options.resultsRoot as NSString).appendingPathComponent("latest"))
        }
        return RunOutcome(directory: dir, interrupted: interrupted,
                          measuredRuns: records.reduce(0) { $0 + $1.runs.count },
                          plannedRuns: plan.runs.filter { !$0.isWarmup }.count, failures: failures,
                          warnings: warnings, charts: charts, chartNote: chartNote,
                          estimatedSeconds: plan.estimatedSeconds, elapsedSeconds: Date().timeIntervalSince(started))
    }

    func writeTables(_ tables: [(String, CSVTable)], to dir: String) throws {
        for (name, table) in tables { try table.write(to: (dir as NSString).appendingPathComponent(name)) }
    }

    /// `20261122T024300Z-1a2b3c`: sortable UTC time, then a hash of suite, seed and time.
    static func makeRunID(at date: Date, suite: Suite, seed: UInt64) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = f.string(from: date)
        let h = SHA256.hex(Data("\(suite.fileHash)|\(suite.name)|\(seed)|\(date.timeIntervalSince1970)|\(getpid())".utf8))
        return "\(stamp)-\(h.prefix(6))"
    }
}

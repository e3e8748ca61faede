// The one way a results directory's derived files come to be: figure tables, raw CSVs,
// metadata.json's totals, SUMMARY.md and charts, all from the records of its journal. A run's
// end, a resume's end, `report` and `merge` all come here, so their files cannot differ.
import DataPaths
import Foundation
import Measurement

/// A results directory that cannot be reported, resumed or merged (usage error, exit 2).
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ directory: String, _ problem: String, fix: String? = nil) {
        description = "\(directory): \(problem)" + (fix.map { "; \($0)" } ?? "")
    }
}

/// What writing a results directory's derived files wrote: by a run, a resume, a report or a merge.
public struct ReportOutcome: Sendable {
    public var directory: String
    /// The status metadata.json was given.
    public var status: String
    public var measuredRuns: Int
    public var plannedRuns: Int
    /// Points whose runs failed, with the executor's error.
    public var failures: [String]
    public var warnings: [String]
    /// Chart files written, or why none were.
    public var charts: [String]
    public var chartNote: String?
    /// Journal lines dropped as torn or unreadable (report only).
    public var droppedEntries: Int = 0
}

/// The suite and options a results directory was run with, read back from it.
public struct ResumeSetup: Sendable {
    public var suite: Suite
    public var options: RunOptions
    public var metadata: Metadata

    /// Reads `directory/suite.yaml` and the options in metadata.json onto `base` (which keeps
    /// the caller's results root, charts and scripts choices).
    public static func load(directory: String, base: RunOptions = RunOptions()) throws -> ResumeSetup {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ReportError(directory, "no such directory", fix: "give a Results/<run-id> directory")
        }
        guard let meta = Metadata.load(directory: directory) else {
            throw ReportError(directory, "holds no readable metadata.json", fix: "give a directory written by `vwifi-bench run`")
        }
        let copy = (directory as NSString).appendingPathComponent(ResultLayout.suiteCopy)
        guard TextFile.exists(copy) else {
            throw ReportError(directory, "holds no \(ResultLayout.suiteCopy) (written by an older vwifi-bench)",
                              fix: "re-run the suite with this version")
        }
        var suite: Suite
        do { suite = try SuiteParser.load(path: copy) } catch { throw ReportError(directory, "\(error.description)") }
        if case .object(let s)? = meta.fields["suite"] {
            if case .string(let hash)? = s["sha256"], hash != suite.fileHash {
                throw ReportError(directory, "\(ResultLayout.suiteCopy) is not the suite the run recorded (sha256 differs)",
                                  fix: "restore the directory's suite.yaml")
            }
            if case .string(let file)? = s["file"] { suite.file = file }
        }
        guard let options = meta.runOptions(base: base) else {
            throw ReportError(directory, "metadata.json records no run options (written by an older vwifi-bench)",
                              fix: "re-run the suite with this version")
        }
        return ResumeSetup(suite: suite, options: options, metadata: meta)
    }
}

public enum ResultsReport {
    /// The journal's records placed on the plan's points.
    struct State {
        var records: [PointRecords]
        var failed: [Int: String]
        var entries: [JournalEntry]
        var dropped: Int
    }

    static func records(directory: String, plan: RunPlan) throws -> State {
        guard let journal = RunJournal.read(directory: directory) else {
            throw ReportError(directory, "holds no \(ResultLayout.journal) (written by an older vwifi-bench)",
                              fix: "re-run the suite with this version")
        }
        return try place(journal.entries, dropped: journal.dropped, plan: plan, directory: directory)
    }

    /// Puts journal entries on the plan's points; an entry of a point the plan lacks is refused.
    static func place(_ journalEntries: [JournalEntry], dropped: Int, plan: RunPlan, directory: String) throws -> State {
        var index: [String: Int] = [:]
        for (i, p) in plan.points.enumerated() { index[p.key] = i }
        var records = plan.points.map { PointRecords(point: $0) }
        var failed: [Int: String] = [:]
        var kept: [JournalEntry] = []
        var seen = Set<RepetitionKey>()
        for e in journalEntries {
            guard let i = index[ExperimentPoint.key(experiment: e.experiment, label: e.point)] else {
                throw ReportError(directory, "\(ResultLayout.journal) holds point \(e.experiment)[\(e.point)], which its suite and options do not plan",
                                  fix: "give the directory's own suite.yaml and metadata.json")
            }
            if let r = e.run {
                // A repetition on record twice (a merge of overlapping shards) counts once.
                guard seen.insert(RepetitionKey(experiment: e.experiment, point: e.point, repetition: r.repetition)).inserted else { continue }
                records[i].runs.append(r)
                if let m = e.machine { records[i].machine = m }
            } else if let why = e.failure {
                failed[i] = why
            }
            kept.append(e)
        }
        for i in records.indices { records[i].runs.sort { $0.repetition < $1.repetition } }
        return State(records: records, failed: failed, entries: kept, dropped: dropped)
    }

    /// Writes every derived file of `directory` from `records`.
    static func write(directory dir: String, plan: RunPlan, records: [PointRecords], failed: [Int: String],
                      metadata meta: inout Metadata, interrupted: Bool, status: String? = nil, ended: Date = Date(),
                      extraWarnings: [String] = [], renderCharts: Bool, plotScripts: String?) throws -> ReportOutcome {
        try FigureTables.writeAll(FigureTables.withMachineColumn(FigureTables.all(records), records), to: dir)
        let failures = failed.sorted { $0.key < $1.key }.map { "\(plan.points[$0.key].displayName): \($0.value)" }
        var executorWarnings: [String] = []
        for p in records { for r in p.runs { for w in r.result.warnings where !executorWarnings.contains("\(p.point.displayName): \(w)") {
            executorWarnings.append("\(p.point.displayName): \(w)")
        } } }
        var warnings = RunWarnings.compute(records, repetitions: plan.repetitions) + FigureBackends.warnings(records) + executorWarnings
            + extraWarnings
        // Another harness instance perturbs every figure of the runs it overlapped: say which.
        let overlapped = records.flatMap { p in p.runs.filter { !($0.otherInstances ?? []).isEmpty }.map { (p.point, $0) } }
        let others = Set(overlapped.flatMap { $0.1.otherInstances ?? [] }).sorted()
        if !others.isEmpty {
            warnings.append("another vwifi-bench instance ran during \(overlapped.count) of \(records.reduce(0) { $0 + $1.runs.count }) runs "
                            + "(\(others.joined(separator: "; "))): those runs (raw_samples.csv other_instances) shared the CPUs with it; rerun them alone, or use --exclusive")
        }
        let loaded = records.flatMap { p in p.runs.filter { !($0.competingLoad ?? []).isEmpty }.map { (p.point, $0) } }
        if !loaded.isEmpty {
            warnings.append("other processes took over \(Int(CompetingLoad.threshold * 100)) % of a CPU during \(loaded.count) runs "
                            + "(raw_samples.csv competing_load): their CPU and timing figures are perturbed; rerun them on a quiet machine")
        }
        meta.finish(records: records, interrupted: interrupted, failures: failures, warnings: warnings, ended: ended, status: status)
        meta.fields["competing_load"] = .object([
            "threshold_cpu_fraction": .number(CompetingLoad.threshold),
            "runs": .object(Dictionary(loaded.map { ("\($0.0.displayName) #\($0.1.repetition + 1)", JSONValue.array(($0.1.competingLoad ?? []).map { .string($0) })) },
                                       uniquingKeysWith: { a, _ in a })),
            "how": .string("utime+stime of every process in /proc before and after each run; the harness's own process tree and session excluded"),
        ])
        meta.fields["other_instances"] = .object([
            "seen": .array(others.map { .string($0) }),
            "runs": .array(overlapped.map { .string("\($0.0.displayName) #\($0.1.repetition + 1)") }),
            "how": .string("one lock file per running instance under \(InstanceLock.defaultDirectory()), checked before and after each run"),
        ])
        try meta.write(to: dir)
        try AtomicFile.write(SummaryReport.markdown(ResultsDirectory(path: dir), metadata: meta),
                             to: (dir as NSString).appendingPathComponent(ResultLayout.summary))
        var charts: [String] = []
        var note: String? = nil
        if renderCharts {
            let r = Plotter.render(directory: dir, scripts: plotScripts)
            charts = r.files
            note = r.note
        }
        return ReportOutcome(directory: dir, status: meta.status ?? "unknown", measuredRuns: records.reduce(0) { $0 + $1.runs.count },
                             plannedRuns: plan.runs.filter { !$0.isWarmup }.count, failures: failures, warnings: warnings,
                             charts: charts, chartNote: note)
    }

    /// `vwifi-bench report DIR`: rebuilds every derived file of a results directory from its
    /// journal. A directory still being written by a live process is refused; one left
    /// `running` by a process that is gone is marked `killed`.
    public static func rebuild(directory dir: String, renderCharts: Bool = true, plotScripts: String? = nil) throws -> ReportOutcome {
        let setup = try ResumeSetup.load(directory: dir)
        var meta = setup.metadata
        try meta.requireNoLiveWriter(dir)
        let plan: RunPlan
        do { plan = try RunPlan(suite: setup.suite, options: setup.options) } catch { throw ReportError(dir, error.description) }
        let state = try records(directory: dir, plan: plan)
        let status = meta.wasKilled ? "killed" : (meta.status ?? "unknown")
        var outcome = try write(directory: dir, plan: plan, records: state.records, failed: state.failed, metadata: &meta,
                                interrupted: status == "interrupted", status: status,
                                ended: status == "killed" ? Date() : (meta.endedAt ?? Date()), renderCharts: renderCharts,
                                plotScripts: plotScripts)
        outcome.droppedEntries = state.dropped
        return outcome
    }
}

// `vwifi-bench merge --out DIR SHARD...`: the shards of one suite run (`run --shard K/N`, on one
// machine or many) joined into one results directory, whose every file is then derived exactly
// as a single run's would be. Shards must be the same suite with the same options, all N of
// them, finished, and from machines with the same fingerprint, unless told to accept different
// machines: then each table row says where it was measured (`machine`).
import Foundation
import Measurement

public enum ShardMerge {
    public static func merge(shards: [String], into out: String, allowMixedMachines: Bool = false,
                             renderCharts: Bool = true, plotScripts: String? = nil) throws -> ReportOutcome {
        guard shards.count >= 1 else { throw ReportError("merge", "no shard directories given", fix: "give every shard's results directory") }
        if FileManager.default.fileExists(atPath: out),
           !((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty {
            throw ReportError("--out \(out)", "exists and is not empty", fix: "give a new directory for the merged results")
        }
        var setups: [(dir: String, setup: ResumeSetup, shard: Shard)] = []
        for dir in shards {
            let s = try ResumeSetup.load(directory: dir)
            guard let shard = s.options.shard else {
                throw ReportError(dir, "is not a shard (run without --shard)", fix: "give directories written by `run --shard K/N`")
            }
            let status = s.metadata.wasKilled ? "killed" : (s.metadata.status ?? "unknown")
            guard status == "complete" || status == "complete-with-failures" else {
                throw ReportError(dir, "shard \(shard) is \(status)", fix: "finish it first (`vwifi-bench run --resume \(dir)`)")
            }
            setups.append((dir, s, shard))
        }
        let first = setups[0]
        for s in setups.dropFirst() {
            guard s.setup.suite.fileHash == first.setup.suite.fileHash else {
                throw ReportError(s.dir, "ran another suite than \(first.dir) (sha256 differs)", fix: "merge shards of one suite")
            }
            var a = s.setup.options, b = first.setup.options
            a.shard = nil; b.shard = nil
            guard a.quick == b.quick, a.repetitions == b.repetitions, a.seed == b.seed, a.only == b.only,
                  s.shard.count == first.shard.count else {
                throw ReportError(s.dir, "ran with other options than \(first.dir) (--quick, --repetitions, --seed, --only or N of --shard differ)",
                                  fix: "merge shards of one `run` command line")
            }
        }
        let n = first.shard.count
        let indices = setups.map(\.shard.index)
        if let dup = indices.first(where: { i in indices.filter { $0 == i }.count > 1 }) {
            throw ReportError("merge", "shard \(dup)/\(n) is given twice", fix: "give each shard once")
        }
        let missing = (1...n).filter { !indices.contains($0) }
        guard missing.isEmpty else {
            throw ReportError("merge", "shard(s) \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) missing", fix: "give all \(n) shards")
        }

        // Machines: every shard against the first; trap backends only where both ran that path.
        let prints = setups.map { MachineFingerprint(metadata: .object($0.setup.metadata.fields)) }
        var machineDifferences: [String] = []
        for (i, p) in prints.enumerated().dropFirst() {
            for d in p.differences(from: prints[0]) where !(d.hasPrefix("trap_backend") && d.contains("unknown")) {
                machineDifferences.append("\(setups[i].dir) vs \(first.dir): \(d)")
            }
        }
        let mixed = !machineDifferences.isEmpty
        if mixed && !allowMixedMachines {
            throw ReportError("merge", "the shards ran on different machines (\(machineDifferences.joined(separator: "; ")))",
                              fix: "merge shards of one machine type, or pass --allow-mixed-machines to keep a `machine` column")
        }
        let commits = Set(prints.map { $0.commit ?? "unknown" })

        var options = first.setup.options
        options.shard = nil
        let plan: RunPlan
        do { plan = try RunPlan(suite: first.setup.suite, options: options) } catch { throw ReportError("merge", error.description) }
        var entries: [JournalEntry] = []
        for (i, s) in setups.enumerated() {
            guard let j = RunJournal.read(directory: s.dir) else {
                throw ReportError(s.dir, "holds no \(ResultLayout.journal)", fix: "give directories written by this version")
            }
            for var e in j.entries {
                if mixed { e.machine = "shard\(s.shard.index):\(prints[i].label)" }
                entries.append(e)
            }
        }

        let state = try ResultsReport.place(entries, dropped: 0, plan: plan, directory: "merge")

        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try AtomicFile.write(first.setup.suite.source, to: (out as NSString).appendingPathComponent(ResultLayout.suiteCopy))
        try RunJournal.rewrite(entries, directory: out)
        var meta = first.setup.metadata
        meta.fields["run_id"] = .string((out as NSString).lastPathComponent)
        meta.fields["options"] = Metadata.options(options)
        meta.fields["shard"] = .null
        meta.fields["process"] = WriterProcess.current()?.json ?? .null
        meta.fields["points"] = .number(Double(plan.points.count))
        meta.fields["planned_runs"] = .number(Double(plan.runs.count))
        let starts = setups.compactMap { s -> String? in if case .string(let t)? = s.setup.metadata.fields["started_at"] { t } else { nil } }
        if let earliest = starts.min() { meta.fields["started_at"] = .string(earliest) }
        meta.fields["merged_from"] = .array(setups.enumerated().map { i, s in
            .object(["directory": .string(s.dir), "shard": .string(s.shard.description),
                     "run_id": s.setup.metadata.fields["run_id"] ?? .null, "status": .string(s.setup.metadata.status ?? "unknown"),
                     "machine": .string(prints[i].label), "git_commit": .string(prints[i].commit ?? "unknown")])
        })
        meta.fields["machines_differ"] = .array(machineDifferences.map { .string($0) })
        let ended = setups.compactMap { $0.setup.metadata.endedAt }.max() ?? Date()
        let failedShard = setups.contains { $0.setup.metadata.status == "complete-with-failures" }
        let commitWarning = commits.count > 1
            ? ["the shards were built from different commits (\(commits.sorted().joined(separator: ", "))): their code differs"] : []
        return try ResultsReport.write(directory: out, plan: plan, records: state.records, failed: state.failed,
                                       metadata: &meta, interrupted: false,
                                       status: failedShard || !state.failed.isEmpty ? "complete-with-failures" : "complete",
                                       ended: ended, extraWarnings: commitWarning, renderCharts: renderCharts,
                                       plotScripts: plotScripts)
    }
}

import DataPaths
import Foundation
import Measurement

/// metadata.json: what was run, where, from which source, and how noisy the machine was.
public struct Metadata: Sendable {
    public var fields: [String: JSONValue]

    init(suite: Suite, plan: RunPlan, options: RunOptions, runID: String, machine: JSONValue?, git: GitRevision?,
         started: Date) {
        var f: [String: JSONValue] = [:]
        f["run_id"] = .string(runID)
        f["status"] = .string("running")
        f["tool_version"] = .string(options.toolVersion)
        f["suite"] = .object(["file": .string(suite.file), "name": .string(suite.name),
                              "sha256": .string(suite.fileHash)])
        f["seed"] = .number(Double(plan.seed))
        f["repetitions"] = .number(Double(plan.repetitions))
        f["quick"] = .bool(options.quick)
        f["only"] = .array(options.only.map { .string($0) })
        f["options"] = Self.options(options)
        f["shard"] = options.shard.map { .string($0.description) } ?? .null
        f["process"] = WriterProcess.current()?.json ?? .null
        f["points"] = .number(Double(plan.points.count))
        f["planned_runs"] = .number(Double(plan.runs.count))
        f["estimated_seconds"] = .number(plan.estimatedSeconds.rounded())
        f["warmup"] = .string("one run per point at about a fifth of its length, discarded; plus each run's own warm-up packets")
        f["started_at"] = .string(Self.iso(started))
        f["git"] = git.map { .object(["commit": .string($0.commit), "dirty": .bool($0.dirty)]) } ?? .null
        f["machine"] = machine ?? .null
        f["placement"] = machine?["placement"] ?? Self.placement()
        // Promote the report's main sections so readers find them at the top level.
        for key in ["cpu", "kernel", "tsc", "counters", "permissions", "numa", "kvm", "network", "tools"] {
            if let v = machine?[key] { f[key] = v }
        }
        fields = f
    }

    public init(fields: [String: JSONValue]) { self.fields = fields }

    /// metadata.json of a results directory; nil when missing or not a JSON object.
    public static func load(directory: String) -> Metadata? {
        guard let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(ResultLayout.metadata)),
              case .object(let o)? = JSONValue.parse(data) else { return nil }
        return Metadata(fields: o)
    }

    /// When the run (or its last resume) ended, as recorded.
    public var endedAt: Date? {
        if case .string(let s)? = fields["ended_at"] { return ISO8601DateFormatter().date(from: s) }
        return nil
    }

    public var status: String? { if case .string(let s) = fields["status"] { s } else { nil } }

    /// The process that wrote the directory, as recorded when it started (or resumed) it.
    public var writer: WriterProcess? { WriterProcess(json: fields["process"]) }

    /// True when the directory says `running` but the process that wrote it is gone: it was
    /// killed, or the machine rebooted, and nobody will finish it but a resume.
    public var wasKilled: Bool { status == "running" && !(writer?.isAlive ?? false) }

    /// Refuses a directory that a live process is still writing (a report, resume or merge
    /// would race its writes).
    public func requireNoLiveWriter(_ directory: String) throws(ReportError) {
        if status == "running", let w = writer, w.isAlive {
            throw ReportError(directory, "is still being written by pid \(w.pid)", fix: "wait for that run to end, or stop it first")
        }
    }

    /// The options a resume must run with to repeat the same plan.
    static func options(_ o: RunOptions) -> JSONValue {
        .object([
            "quick": .bool(o.quick),
            "repetitions": o.repetitions.map { .number(Double($0)) } ?? .null,
            "seed": o.seed.map { .string(String($0)) } ?? .null,
            "only": .array(o.only.map { .string($0) }),
            "shard": o.shard.map { .string($0.description) } ?? .null,
            "probe_gaps": .bool(o.probeGaps),
        ])
    }

    /// The plan-deciding options recorded by `options(_:)`, applied to `base`; nil when the
    /// metadata predates them.
    func runOptions(base: RunOptions) -> RunOptions? {
        guard case .object(let o)? = fields["options"] else { return nil }
        var r = base
        if case .bool(let q)? = o["quick"] { r.quick = q }
        if case .number(let n)? = o["repetitions"] { r.repetitions = Int(n) }
        if case .string(let s)? = o["seed"] { r.seed = UInt64(s) }
        if case .array(let a)? = o["only"] { r.only = a.compactMap { if case .string(let s) = $0 { s } else { nil } } }
        if case .string(let s)? = o["shard"] { r.shard = Shard(parsing: s) }
        if case .bool(let g)? = o["probe_gaps"] { r.probeGaps = g }
        return r
    }

    /// A resume takes the directory over: running again, written by this process, with the
    /// earlier ending on record.
    mutating func markResumed(at date: Date, previousStatus: String) {
        var history: [JSONValue] = []
        if case .array(let a)? = fields["resumes"] { history = a }
        history.append(.object(["at": .string(Self.iso(date)), "previous_status": .string(previousStatus),
                                "process": WriterProcess.current()?.json ?? .null]))
        fields["resumes"] = .array(history)
        fields["status"] = .string("running")
        fields["process"] = WriterProcess.current()?.json ?? .null
    }

    mutating func finish(records: [PointRecords], interrupted: Bool, failures: [String], warnings: [String], ended: Date,
                         status: String? = nil) {
        fields["status"] = .string(status ?? (interrupted ? "interrupted" : (failures.isEmpty ? "complete" : "complete-with-failures")))
        fields["ended_at"] = .string(Self.iso(ended))
        if case .string(let s) = fields["started_at"], let start = ISO8601DateFormatter().date(from: s) {
            fields["elapsed_seconds"] = .number(ended.timeIntervalSince(start).rounded())
        }
        fields["measured_runs"] = .number(Double(records.reduce(0) { $0 + $1.runs.count }))
        fields["failures"] = .array(failures.map { .string($0) })
        fields["warnings"] = .array(warnings.map { .string($0) })

        let runs = records.flatMap(\.runs)
        let steal = runs.compactMap(\.stealPercent)
        let gaps = runs.map(\.maxGapUs)
        fields["noise"] = .object([
            "steal_percent_median": Self.num(Statistics.median(steal)),
            "steal_percent_max": Self.num(steal.max()),
            "runs_with_steal_over_5_percent": .number(Double(steal.filter { $0 > RunWarnings.stealLimitPercent }.count)),
            "max_gap_us_median": Self.num(Statistics.median(gaps)),
            "max_gap_us_max": Self.num(gaps.max()),
            "runs_with_gap_over_2_ms": .number(Double(gaps.filter { $0 > RunWarnings.gapLimitUs }.count)),
            "probe": .string("/proc/stat steal over each run; 5 ms of clock reads before each run for scheduling gaps"),
        ])

        // Per path: how traps and interrupts were realised, and why (placement of the data path).
        var paths: [String: JSONValue] = [:]
        var counters: [String: JSONValue] = [:]
        for p in records {
            for r in p.runs {
                let key = p.point.rowName
                if paths[key] == nil {
                    paths[key] = .object([
                        "path": .string(r.result.summary.path),
                        "trap_backend": .string(r.result.summary.trapBackend),
                        "trap_reason": .string(r.result.trapReason),
                        "interrupt_mechanism": .string(r.result.summary.interruptMechanism),
                        "tsc_hz": Self.num(r.result.tscHz),
                    ])
                }
                for c in r.result.counters where counters[c.event] == nil {
                    counters[c.event] = .object(["available": .bool(c.available), "reason": .string(c.reason)])
                }
            }
        }
        fields["data_paths"] = .object(paths)
        fields["trap_backends_by_figure"] = .object(Dictionary(uniqueKeysWithValues: FigureBackends.byFigure(records).map {
            ($0.figure, JSONValue.array($0.backends.map { .string($0) }))
        }))
        fields["counters_in_runs"] = .object(counters)
    }

    func write(to dir: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try enc.encode(JSONValue.object(fields)), to: (dir as NSString).appendingPathComponent(ResultLayout.metadata))
    }

    public var warnings: [String] {
        if case .array(let a) = fields["warnings"] { return a.compactMap { if case .string(let s) = $0 { s } else { nil } } }
        return []
    }

    /// The CPUs this process may run on and the online count (the harness's own placement; the
    /// data path's per-thread placement is in the machine report when SystemProbe provides it).
    static func placement() -> JSONValue {
        var o: [String: JSONValue] = ["online_cpus": .number(Double(ProcessInfo.processInfo.activeProcessorCount))]
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) {
            o["cpus_allowed"] = .string(line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces))
        }
        return .object(o)
    }

    static func num(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
    static func iso(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }
}

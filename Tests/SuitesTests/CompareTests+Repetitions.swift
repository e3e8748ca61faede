// compare on synthetic results directories: each metric judged on its raw repetitions, the effect
// floors, the machine header, and the output formats.
import Foundation
import Measurement
import Testing
@testable import Suites

/// A hand-made results directory: Figure 8's `none` row (CPU), Table 1's vwifi hypervisor
/// decoding row and Figure 6's software decode stage, with (or without) their raw repetitions.
struct SyntheticRun {
    var cpu: [Double] = [30, 31, 29, 30.5, 29.5, 30.2]
    var table1Percent: [Double] = [0.01, 0.011, 0.009, 0.0105, 0.0095, 0.0102]
    var stageCycles: [Double] = [6_000, 6_100, 5_900, 6_050, 5_950, 6_020]
    var tscHz = 2_596_124_138.6
    var cpuModel = "AMD EPYC"
    var kernel = "6.18.44"
    var commit = "56a120d"
    var counters = ["perf::TASK-CLOCK"]
    var vwifiBackend = "kvm"
    var raw = true
    /// Steal time of each Figure 8 repetition (raw_samples steal_percent); 0 is a quiet one.
    var cpuSteal: [Double] = [0, 0, 0, 0, 0, 0]

    func median(_ xs: [Double]) -> String { NumberFormat.trimmed(Statistics.median(xs)) }

    func write() throws -> String {
        let dir = temporaryDirectory()
        func put(_ name: String, _ t: CSVTable) throws { try t.write(to: (dir as NSString).appendingPathComponent(name)) }
        var fig8 = CSVTable(header: ResultLayout.fig8Columns + ["experiment", "point"])
        fig8.append(["none", median(cpu), "", "", "23.2", "2000", "opt-none", "default"])
        try put(ResultLayout.fig8, fig8)
        var table1 = CSVTable(header: ResultLayout.table1Columns + ["experiment", "point"])
        table1.append(["vwifi", "hypervisor", "decoding", median(table1Percent), "time-vwifi", "default"])
        try put(ResultLayout.table1, table1)
        var fig6 = CSVTable(header: ResultLayout.fig6Columns + ["experiment", "point"])
        fig6.append(["software", "decode", median(stageCycles), "", "1", "extra-path-software", "default"])
        try put(ResultLayout.fig6, fig6)
        if raw {
            let wall = 1e10
            var samples = CSVTable(header: ResultLayout.rawKeyColumns + ["host_cpu_percent", "goodput_mbps", "wall_cycles", "tsc_hz",
                                                                        "steal_percent"])
            var categories = CSVTable(header: ResultLayout.rawKeyColumns + ["component", "category", "cycles", "wall_cycles"])
            var stages = CSVTable(header: ResultLayout.rawKeyColumns + ["stage", "chain", "count", "cycles_median"])
            for (i, x) in cpu.enumerated() {
                samples.append(["opt-none", "fig8", "default", "none", "\(i)", "\(i)", "\(x)", "23.2", "\(wall)", "\(tscHz)",
                                "\(i < cpuSteal.count ? cpuSteal[i] : 0)"])
            }
            for (i, p) in table1Percent.enumerated() {
                samples.append(["time-vwifi", "table1", "default", "vwifi", "\(i)", "\(i)", "40", "23.2", "\(wall)", "\(tscHz)", "0"])
                categories.append(["time-vwifi", "table1", "default", "vwifi", "\(i)", "\(i)", "hypervisor", "decoding",
                                   "\(p / 100 * wall)", "\(wall)"])
            }
            for (i, c) in stageCycles.enumerated() {
                samples.append(["extra-path-software", "fig6", "default", "vwifi", "\(i)", "\(i)", "40", "1", "\(wall)", "\(tscHz)", "0"])
                stages.append(["extra-path-software", "fig6", "default", "vwifi", "\(i)", "\(i)", "decode", "tx_extra_path",
                               "1000", "\(c)"])
            }
            try put(ResultLayout.rawSamples, samples)
            try put(ResultLayout.rawCategories, categories)
            try put(ResultLayout.rawStages, stages)
        }
        let metadata: JSONValue = .object([
            "cpu": .object(["model": .string(cpuModel)]),
            "tsc": .object(["hz": .number(tscHz)]),
            "kernel": .object(["release": .string(kernel)]),
            "kvm": .object(["module": .string("kvm_pvm")]),
            "counters": .array(counters.map { .object(["name": .string($0), "available": .bool(true)]) }
                               + [.object(["name": .string("cycles"), "available": .bool(false)])]),
            "data_paths": .object(["vwifi": .object(["trap_backend": .string(vwifiBackend)]),
                                   "native": .object(["trap_backend": .string("none")])]),
            "git": .object(["commit": .string(commit), "dirty": .bool(false)]),
        ])
        let data = try JSONEncoder().encode(metadata)
        try data.write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent(ResultLayout.metadata)))
        return dir
    }
}

@Suite struct CompareRepetitionTests {
    func compare(_ a: SyntheticRun, _ b: SyntheticRun, alpha: Double = Compare.defaultAlpha,
                 keepPerturbed: Bool = false) throws -> Comparison {
        let x = try a.write(), y = try b.write()
        defer { for d in [x, y] { try? FileManager.default.removeItem(atPath: d) } }
        return try Compare.run(baseline: x, candidate: y, alpha: alpha, keepPerturbed: keepPerturbed)
    }

    /// A busy hour is not a regression: the candidate's CPU is 20 % higher only in the four
    /// repetitions its run recorded 12 % steal for. Those are left out on both sides, the two
    /// quiet ones cannot reach alpha, and the row says so; kept, they make a regression.
    @Test func repetitionsTheRunFlaggedAsPerturbedAreLeftOut() throws {
        var busy = SyntheticRun()
        busy.cpu = [36, 37, 35, 36.5, 31.5, 31.2]
        busy.cpuSteal = [12, 12, 12, 12, 0, 0]
        let c = try compare(SyntheticRun(), busy)
        let cpu = row(c, ResultLayout.fig8)
        #expect(cpu.nBaseline == 6 && cpu.nCandidate == 2 && !cpu.regression)
        #expect(cpu.note.hasPrefix("too few repetitions (6 vs 2)"), "\(cpu.note)")
        #expect(cpu.note.contains("left out 0 + 4 perturbed repetitions (steal; --keep-perturbed keeps them)"))
        #expect(c.header.contains { $0.hasPrefix("perturbed repetitions") && $0.contains("baseline 0 of 18, candidate 4 of 18 (steal 4)") },
                "\(c.header)")
        #expect(Compare.exitStatus(c) == 0)

        let kept = try compare(SyntheticRun(), busy, keepPerturbed: true)
        #expect(row(kept, ResultLayout.fig8).regression && row(kept, ResultLayout.fig8).nCandidate == 6)
        #expect(kept.header.contains { $0.hasSuffix("kept (--keep-perturbed)") })

        // Steal at the limit is not beyond it; every repetition beyond it leaves nothing to judge.
        var edge = SyntheticRun()
        edge.cpuSteal = Array(repeating: RunWarnings.stealLimitPercent, count: 6)
        #expect(row(try compare(SyntheticRun(), edge), ResultLayout.fig8).nCandidate == 6)
        var all = busy
        all.cpuSteal = Array(repeating: 12, count: 6)
        let none = row(try compare(SyntheticRun(), all), ResultLayout.fig8)
        #expect(none.nCandidate == 0 && !none.regression && none.pValue == nil)
        #expect(none.note.hasPrefix("every repetition of the candidate was perturbed: shown, not judged"), "\(none.note)")
    }

    func row(_ c: Comparison, _ file: String) -> ComparisonRow { c.rows.first { $0.file == file }! }

    @Test func sameDataIsNoChange() throws {
        let c = try compare(SyntheticRun(), SyntheticRun())
        #expect(c.rows.count == 4)
        #expect(c.rows.allSatisfy { $0.verdict == .withinNoise && !$0.regression && $0.pValue == 1 && $0.effect == 0 })
        #expect(c.rows.allSatisfy { $0.nBaseline == 6 && $0.nCandidate == 6 })
        #expect(Compare.exitStatus(c) == 0)
        #expect(c.header == ["machines: same (AMD EPYC, 2.596 GHz, 6.18.44, kvm_pvm)"])
    }

    /// CPU 30 % -> 40 % on every one of 6 repetitions: p = 2/924, effect +10 points (+33 %).
    @Test func aClearShiftOnSixRepetitionsIsARegression() throws {
        var worse = SyntheticRun()
        worse.cpu = worse.cpu.map { $0 + 10 }
        let c = try compare(SyntheticRun(), worse)
        let cpu = row(c, ResultLayout.fig8)
        #expect(cpu.verdict == .worse && cpu.regression)
        #expect(abs(cpu.pValue! - 2.0 / 924) < 1e-12)
        #expect(abs(cpu.effect! - 10) < 1e-9)
        #expect(abs(cpu.effectPercent! - 10.0 / 30.1 * 100) < 1e-6)
        #expect(cpu.unit == "% cpu")
        #expect(Compare.exitStatus(c) == 3)
        let text = Compare.report(c)
        #expect(text.contains("p=0.0022 n=6+6 effect 10 % cpu (33.2%)  worse  REGRESSION"))
        // The other way round it is better, not a regression; a laxer alpha cannot make 2/924 insignificant.
        let back = try compare(worse, SyntheticRun())
        #expect(row(back, ResultLayout.fig8).verdict == .better && Compare.exitStatus(back) == 0)
        // At alpha 0.001 the same shift is not significant.
        let strict = try compare(SyntheticRun(), worse, alpha: 0.001)
        #expect(row(strict, ResultLayout.fig8).verdict == .withinNoise && Compare.exitStatus(strict) == 0)
    }

    /// The user's case: 0.01 % -> 0.023 % of a run's time, separated on every repetition. Significant
    /// and +130 %, but 0.013 points is far below the 1-point floor: never news.
    @Test func aTinyTable1ChangeIsNeverFlagged() throws {
        var cand = SyntheticRun()
        cand.table1Percent = cand.table1Percent.map { $0 * 2.3 }
        let c = try compare(SyntheticRun(), cand)
        let t1 = row(c, ResultLayout.table1)
        #expect(abs(t1.pValue! - 2.0 / 924) < 1e-12)
        #expect(t1.effectPercent! > 100)
        #expect(t1.verdict == .withinNoise && !t1.regression)
        #expect(t1.note.contains("below the effect floor"))
        #expect(Compare.exitStatus(c) == 0)
    }

    @Test func aMetricWithoutRepetitionsIsShownButNeverFlagged() throws {
        var a = SyntheticRun(), b = SyntheticRun()
        a.raw = false; b.raw = false
        b.cpu = b.cpu.map { $0 * 2 }
        let c = try compare(a, b)
        let cpu = row(c, ResultLayout.fig8)
        #expect(cpu.ratio > 1.9)
        #expect(cpu.pValue == nil && cpu.nBaseline == 0 && !cpu.regression && cpu.verdict == .withinNoise)
        #expect(cpu.note.contains("no repetitions"))
        #expect(Compare.exitStatus(c) == 0)
        #expect(Compare.report(c).contains("4 metrics have no repetitions to judge by: shown, never a regression"))
    }

    /// 3 + 3 repetitions cannot reach p <= 0.01 (the smallest p is 0.1): said, not silently passed.
    @Test func tooFewRepetitionsAreSaid() throws {
        var a = SyntheticRun(), b = SyntheticRun()
        a.cpu = [30, 31, 29]
        b.cpu = [50, 51, 49]
        let c = try compare(a, b)
        let cpu = row(c, ResultLayout.fig8)
        #expect(abs(cpu.pValue! - 0.1) < 1e-12 && !cpu.regression)
        #expect(cpu.note.hasPrefix("too few repetitions (3 vs 3) to detect a change at alpha 0.01"))
        #expect(c.undetectable.count == 2)  // CPU and goodput
        #expect(Compare.report(c).contains("2 of 4 metrics have too few repetitions to detect a change at alpha 0.01"))
    }

    /// The same stage time (10 us) on a 2.596 GHz and a 2.2 GHz TSC is 15 % fewer cycles on the
    /// second: compared as nanoseconds it is no change.
    @Test func differentTSCRatesCompareCyclesAsNanoseconds() throws {
        let base = SyntheticRun()
        var cand = SyntheticRun()
        cand.tscHz = 2.2e9
        cand.stageCycles = base.stageCycles.map { $0 / base.tscHz * 2.2e9 }
        let c = try compare(base, cand)
        let stage = row(c, ResultLayout.fig6)
        #expect(stage.unit == "ns" && stage.note.contains("cycles as ns"))
        #expect(abs(stage.baseline - 6_010 / base.tscHz * 1e9) < 1e-6)
        #expect(abs(stage.effect!) < 1e-6 && stage.verdict == .withinNoise)
        #expect(c.header.contains("  tsc_hz: 2.596 GHz vs 2.2 GHz"))
        #expect(c.header.contains { $0.contains("compared as nanoseconds") })
        // Within 1 %: cycles stay cycles.
        var close = SyntheticRun()
        close.tscHz = base.tscHz * 1.005
        #expect(row(try compare(base, close), ResultLayout.fig6).unit == "cycles")
    }

    @Test func fingerprintDifferencesAreListedAndTheCommitApart() throws {
        var b = SyntheticRun()
        b.cpuModel = "Intel Xeon"; b.kernel = "6.1.0"; b.counters = []; b.vwifiBackend = "thread"; b.commit = "2b83703"
        let x = try SyntheticRun().write(), y = try b.write()
        defer { for d in [x, y] { try? FileManager.default.removeItem(atPath: d) } }
        let fx = try #require(MachineFingerprint.load(directory: x)), fy = try #require(MachineFingerprint.load(directory: y))
        #expect(fx.differences(from: fy) == ["cpu: AMD EPYC vs Intel Xeon", "kernel: 6.18.44 vs 6.1.0",
                                             "counters: perf::TASK-CLOCK vs none", "trap_backend vwifi: kvm vs thread"])
        #expect(fx.commitDifference(from: fy) == "commit: 56a120d vs 2b83703")
        // Shards of one commit on one machine type: nothing differs.
        var sameMachine = SyntheticRun()
        sameMachine.commit = "2b83703"
        let z = try sameMachine.write()
        defer { try? FileManager.default.removeItem(atPath: z) }
        let fz = try #require(MachineFingerprint.load(directory: z))
        #expect(fx.differences(from: fz).isEmpty && fx.commitDifference(from: fz) != nil && fx != fz)
        #expect(fx.label == "AMD EPYC, 2.596 GHz, 6.18.44, kvm_pvm")
        #expect(MachineFingerprint.load(directory: "/nonexistent") == nil)
        let c = try Compare.run(baseline: x, candidate: y)
        #expect(c.header.first == "machines differ (baseline vs candidate):")
        #expect(c.header.contains("commit: 56a120d vs 2b83703"))
    }

    /// The committed reference run: every judged metric's repetitions have the table's median
    /// (the raw mapping is the tables' own), and the run against itself is all `~` (every
    /// repetition kept: the mapping is what is checked here, not the noise).
    @Test func theReferenceRunsRepetitionsGiveItsTables() throws {
        let ref = repositoryRoot + "/Results/reference"
        let c = try Compare.run(baseline: ref, candidate: ref, keepPerturbed: true)
        #expect(c.rows.count > 60)
        #expect(c.rows.allSatisfy { $0.pValue != nil && $0.nBaseline >= 6 })
        #expect(c.rows.allSatisfy { $0.verdict == .withinNoise && $0.effect == 0 })
        let model = MachineFingerprint.load(directory: ref)?.label ?? "?"
        #expect(c.header.first == "machines: same (\(model))", "\(c.header)")
        // Each repetition median against the table value (rounded as the table writes it).
        let raw = Compare.RawRuns(ResultsDirectory(path: ref))
        for spec in Compare.specs {
            for r in ResultsDirectory(path: ref).records(spec.file) {
                for m in spec.metrics {
                    guard let table = r.double(m.column), let source = m.raw else { continue }
                    let median = Statistics.median(raw.values(source, row: r).map(\.value))
                    #expect(abs(median - table) <= max(abs(table) * 1e-3, 0.01), "\(spec.file) \(r) \(m.column): \(median)")
                }
            }
        }
    }

    @Test func formatsParse() throws {
        var worse = SyntheticRun()
        worse.cpu = worse.cpu.map { $0 + 10 }
        let c = try compare(SyntheticRun(), worse)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Compare.render(c, format: .json).utf8)) as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == 4 && json["regressions"] as? Int == 1)
        #expect(rows.contains { $0["metric"] as? String == "cpu_percent" && $0["regression"] as? Bool == true
                                && ($0["p_value"] as? Double).map { abs($0 - 2.0 / 924) < 1e-12 } == true })
        let csv = CSVTable.parse(Compare.render(c, format: .csv))
        #expect(csv.header == Compare.csvColumns && csv.rows.count == 4)
        #expect(csv.records.first { $0["metric"] == "cpu_percent" }?["verdict"] == "worse")
        let md = Compare.render(c, format: .markdown)
        #expect(md.contains("| file | key | metric |") && md.contains("**worse (regression)**"))
        #expect(Compare.render(c, format: .table) == Compare.report(c))
        #expect(Compare.Format(rawValue: "yaml") == nil)
    }
}

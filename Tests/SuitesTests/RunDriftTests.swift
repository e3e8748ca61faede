// Run-to-run drift: measured from several synthetic same-code runs, written and read back, and
// applied by compare (a shift inside the band is `~`, one beyond it is still a regression).
import Foundation
import Measurement
import Testing
@testable import Suites

@Suite struct RunDriftTests {
    /// Six repetitions around `center` (Figure 8's CPU), with the usual small spread.
    func run(cpuAround center: Double, cpuModel: String = "AMD EPYC") -> SyntheticRun {
        var r = SyntheticRun()
        r.cpu = [0, 1, -1, 0.5, -0.5, 0.2].map { center + $0 }
        r.cpuModel = cpuModel
        return r
    }

    func directories(_ runs: [SyntheticRun]) throws -> [String] { try runs.map { try $0.write() } }
    func remove(_ ds: [String]) { for d in ds { try? FileManager.default.removeItem(atPath: d) } }
    func fig8(_ c: Comparison) -> ComparisonRow { c.rows.first { $0.file == ResultLayout.fig8 && $0.metric == "cpu_percent" }! }

    @Test func theBandIsTheTQuantileTimesSqrtTwoTimesTheSpreadOfTheRunMedians() throws {
        let ds = try directories([run(cpuAround: 30), run(cpuAround: 33), run(cpuAround: 36)])
        defer { remove(ds) }
        let drift = try RunDrift.measure(runs: ds)
        let e = try #require(drift.entry(file: ResultLayout.fig8, key: "none/default", metric: "cpu_percent"))
        #expect(e.runMedians.count == 3 && e.unit == "% cpu")
        #expect(abs(e.standardDeviation - 3) < 1e-9 && abs(e.largestDifference - 6) < 1e-9)
        // t(0.995, 2) = 9.9248
        #expect(abs(try #require(e.band(alpha: 0.01)) - 9.9248 * 2.0.squareRoot() * 3) < 0.01)
        // Table 1 and Figure 6 have repetitions too; every compared metric with raw rows is covered.
        #expect(drift.entry(file: ResultLayout.table1, key: "vwifi/hypervisor/decoding/default", metric: "percent_of_total") != nil)
        #expect(drift.entry(file: ResultLayout.fig6, key: "software/decode/default", metric: "cycles_median") != nil)
    }

    @Test func aShiftWithinTheDriftIsNoRegressionAndOneBeyondItStillIs() throws {
        let base = try run(cpuAround: 30).write(), shifted = try run(cpuAround: 36).write()
        defer { remove([base, shifted]) }
        let plain = try Compare.run(baseline: base, candidate: shifted)
        #expect(fig8(plain).regression, "a 20 % shift on six separated repetitions is a regression without a drift profile")

        // Same-code runs that land 30, 33 and 36: a 6-point shift is what this machine does anyway.
        let wide = try directories([run(cpuAround: 30), run(cpuAround: 33), run(cpuAround: 36)])
        defer { remove(wide) }
        let held = try Compare.run(baseline: base, candidate: shifted, drift: try RunDrift.measure(runs: wide))
        let row = fig8(held)
        #expect(!row.regression && row.verdict == .withinNoise && row.driftBand != nil)
        #expect(row.note.contains("within same-code run-to-run drift (band"), "\(row.note)")
        #expect(held.header.contains { $0.hasPrefix("run-to-run drift:") && $0.contains("3 same-code runs") }, "\(held.header)")
        #expect(Compare.exitStatus(held) == 0)

        // Runs that agree within 0.3 points: the same shift is beyond the band, still news.
        let tight = try directories([run(cpuAround: 30), run(cpuAround: 30.2), run(cpuAround: 29.9), run(cpuAround: 30.1)])
        defer { remove(tight) }
        let flagged = try Compare.run(baseline: base, candidate: shifted, drift: try RunDrift.measure(runs: tight))
        #expect(fig8(flagged).regression && (fig8(flagged).driftBand ?? 99) < 6)
        #expect(Compare.csv(flagged).column("drift_band").first.flatMap { Double($0) } != nil)
    }

    @Test func theFileReadsBackAsWritten() throws {
        let ds = try directories([run(cpuAround: 30), run(cpuAround: 31.5), run(cpuAround: 29)])
        defer { remove(ds) }
        let drift = try RunDrift.measure(runs: ds)
        let path = temporaryDirectory() + "/drift.csv"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try drift.table.write(to: path)
        let back = try RunDrift.load(path: path)
        #expect(back.entries == drift.entries && back.machine == drift.machine && back.commits == drift.commits)
        #expect(drift.table.column("band_alpha_0.01").allSatisfy { Double($0) != nil })
    }

    @Test func perturbedRepetitionsAreLeftOutOfTheRunMediansUnlessKept() throws {
        var busy = run(cpuAround: 30)
        busy.cpu = [40, 41, 42, 30, 30, 30]
        busy.cpuSteal = [20, 20, 20, 0, 0, 0]
        let ds = try directories([run(cpuAround: 30), busy])
        defer { remove(ds) }
        let quiet = try RunDrift.measure(runs: ds).entry(file: ResultLayout.fig8, key: "none/default", metric: "cpu_percent")
        #expect(quiet?.runMedians.last == 30)
        let kept = try RunDrift.measure(runs: ds, keepPerturbed: true).entry(file: ResultLayout.fig8, key: "none/default", metric: "cpu_percent")
        #expect(kept?.runMedians.last == 35)
    }

    @Test func refusesTooFewRunsOtherMachinesAndOtherFiles() throws {
        let one = try run(cpuAround: 30).write(), other = try run(cpuAround: 30, cpuModel: "Intel Xeon").write()
        defer { remove([one, other]) }
        #expect(throws: CompareError.self) { try RunDrift.measure(runs: [one]) }
        do { _ = try RunDrift.measure(runs: [one, other]); Issue.record("runs of two machines were accepted") }
        catch { #expect(error.description.contains("another machine") && error.description.contains("cpu: AMD EPYC vs Intel Xeon")) }
        let bad = temporaryDirectory() + "/bad.csv"
        defer { try? FileManager.default.removeItem(atPath: (bad as NSString).deletingLastPathComponent) }
        try CSVTable(header: RunDrift.columns, rows: [["f", "k", "m", "u", "1", "3.5", "", "", "", "", "", "", "x", ""]]).write(to: bad)
        do { _ = try RunDrift.load(path: bad); Issue.record("a one-run row was accepted") }
        catch { #expect(error.description.contains("run_medians '3.5'")) }
    }

    @Test func unitsThatDifferLeaveTheBandOut() throws {
        // TSC rates 10 % apart: compare judges Figure 6 in ns, the profile holds cycles.
        var fast = run(cpuAround: 30)
        fast.tscHz *= 1.1
        let base = try run(cpuAround: 30).write(), cand = try fast.write()
        let ds = try directories([run(cpuAround: 30), run(cpuAround: 31)])
        defer { remove([base, cand] + ds) }
        let c = try Compare.run(baseline: base, candidate: cand, drift: try RunDrift.measure(runs: ds))
        let stage = try #require(c.rows.first { $0.file == ResultLayout.fig6 })
        #expect(stage.unit == "ns" && stage.driftBand == nil && stage.note.contains("band not applied"), "\(stage.note)")
    }
}

/// The drift file shipped beside the reference run (from same-code `make paper` runs of the
/// reference's machine): it reads, covers every metric compare judges there, and fits its machine.
@Suite struct CommittedDriftTests {
    @Test func theReferenceDriftFileCoversEveryJudgedMetric() throws {
        let ref = repositoryRoot + "/Results/reference"
        let drift = try RunDrift.load(path: ref + "/" + ResultLayout.driftFile)
        #expect(drift.entries.values.allSatisfy { $0.runs >= RunDrift.recommendedRuns })
        let c = try Compare.run(baseline: ref, candidate: ref, drift: drift)
        #expect(c.rows.allSatisfy { $0.pValue == nil || $0.driftBand != nil }, "\(c.rows.filter { $0.driftBand == nil }.map(\.key))")
        #expect(!c.header.contains { $0.contains("measured on another machine") }, "\(c.header)")
        #expect(Compare.exitStatus(c) == 0)
    }
}

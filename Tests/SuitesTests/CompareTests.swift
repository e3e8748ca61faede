import DataPaths
import Foundation
import Testing
@testable import Suites

@Suite struct CompareTests {
    @Test func identicalRunsAreWithinNoiseAndExitZero() throws {
        let a = try runSuite("quick.yaml", runID: "a")
        defer { cleanup(a) }
        let c = try Compare.run(baseline: a.directory, candidate: a.directory)
        #expect(!c.rows.isEmpty)
        #expect(c.rows.allSatisfy { $0.verdict == .withinNoise && $0.ratio == 1 })
        #expect(c.unmatched.isEmpty)
        #expect(Compare.exitStatus(c) == 0)
        #expect(Compare.report(c).contains("no regression (p <= 0.01 and beyond 10%"))
    }

    /// Six repetitions a side (quick runs have too few for any significance).
    @Test func higherCPUIsARegressionAndLowerIsBetter() throws {
        let root = temporaryDirectory()
        let base = try runSuite("paper.yaml", runID: "base", root: root, repetitions: 6, only: ["fig8"])
        defer { cleanup(base) }
        let worse = try runSuite("paper.yaml", executor: FakeExecutor(cpuScale: 1.3), runID: "worse", root: root,
                                 repetitions: 6, only: ["fig8"])
        let better = try runSuite("paper.yaml", executor: FakeExecutor(cpuScale: 0.7), runID: "better", root: root,
                                  repetitions: 6, only: ["fig8"])
        defer { cleanup(better) }
        let up = try Compare.run(baseline: base.directory, candidate: worse.directory)
        let cpuUp = up.rows.filter { $0.metric == "cpu_percent" }
        #expect(cpuUp.count == 4)
        #expect(cpuUp.allSatisfy { $0.verdict == .worse && $0.regression && $0.ratioLow! > 1 })
        #expect(cpuUp.allSatisfy { abs($0.pValue! - 2.0 / 924) < 1e-12 && abs($0.effectPercent! - 30) < 0.1 })
        #expect(Compare.exitStatus(up) == 3)
        #expect(Compare.report(up).contains("REGRESSION"))
        // Goodput did not change: no verdict against it.
        #expect(up.rows.filter { $0.metric == "goodput_mbps" }.allSatisfy { !$0.regression && $0.verdict == .withinNoise })
        let down = try Compare.run(baseline: base.directory, candidate: better.directory)
        #expect(down.rows.filter { $0.metric == "cpu_percent" }.allSatisfy { $0.verdict == .better && !$0.regression })
        #expect(Compare.exitStatus(down) == 0)
        // A threshold above the change: significant, but not news.
        let lax = try Compare.run(baseline: base.directory, candidate: worse.directory, thresholdPercent: 50)
        #expect(lax.rows.filter { $0.metric == "cpu_percent" }.allSatisfy { $0.verdict == .withinNoise && !$0.regression })
        #expect(Compare.exitStatus(lax) == 0)
    }

    /// fig5_throughput rows are keyed by protocol too: Figure 5(a)'s UDP and 5(b)'s TCP row of one
    /// scenario, direction and point are compared each with its own.
    @Test func tcpAndUDPRowsOfOneScenarioStayDistinct() throws {
        let root = temporaryDirectory()
        let base = try runSuite("paper.yaml", runID: "base", root: root, only: ["fig5_throughput"])
        defer { cleanup(base) }
        let cand = try runSuite("paper.yaml", runID: "cand", root: root, only: ["fig5-native", "fig5b-native"])
        let c = try Compare.run(baseline: base.directory, candidate: cand.directory)
        let goodput = c.rows.filter { $0.file == ResultLayout.fig5Throughput }
        #expect(Set(goodput.map(\.key)) == ["native/udp/tx/direction=tx", "native/udp/rx/direction=rx",
                                             "native/tcp/tx/direction=tx", "native/tcp/rx/direction=rx"])
        #expect(goodput.allSatisfy { $0.ratio > 0.9 && $0.ratio < 1.1 })
        #expect(c.unmatched.filter { $0.contains(ResultLayout.fig5Throughput) }.count == 12)
    }

    @Test func judgedOnRepetitionsNotOnIntervals() {
        let m = Compare.Metric(column: "cpu_percent", higherIsBetter: false, low: "ci95_low", high: "ci95_high",
                               unit: "% cpu", floor: 0.5)
        let interval = ["ci95_low": "48", "ci95_high": "52"]
        // Overlapping repetitions: the rank-sum test finds nothing.
        let row = Compare.judge(file: "f", key: "k", metric: m, base: interval, cand: ["ci95_low": "49", "ci95_high": "56"],
                                bv: 50, cv: 53, threshold: 5,
                                baseRepetitions: [48, 50, 52, 49, 51, 50], candidateRepetitions: [49, 56, 53, 50, 55, 52])
        #expect(row.verdict == .withinNoise && !row.regression && row.pValue! > 0.01)
        #expect(abs(row.ratioLow! - 49.0 / 52) < 1e-12 && abs(row.ratioHigh! - 56.0 / 48) < 1e-12)
        // Without repetitions even a 50 % change is only shown.
        let noCI = Compare.Metric(column: "percent_of_total", higherIsBetter: false, low: nil, high: nil, unit: "% time", floor: 1)
        let r = Compare.judge(file: "f", key: "k", metric: noCI, base: [:], cand: [:], bv: 2, cv: 3, threshold: 10)
        #expect(r.verdict == .withinNoise && !r.regression && r.pValue == nil && r.ratio == 1.5)
        // 6 separated repetitions, 1.2 points (60 %) apart, p = 2/924: a regression.
        let j = Compare.judge(file: "f", key: "k", metric: noCI, base: [:], cand: [:], bv: 2, cv: 3.2, threshold: 10,
                              baseRepetitions: [2, 2.1, 1.9, 2, 2.05, 1.95], candidateRepetitions: [3.2, 3.3, 3.1, 3.2, 3.25, 3.15])
        #expect(j.verdict == .worse && j.regression && abs(j.effect! - 1.2) < 1e-9 && abs(j.pValue! - 2.0 / 924) < 1e-12)
    }

    @Test func unmatchedRowsAreListed() throws {
        let root = temporaryDirectory()
        let a = try runSuite("quick.yaml", runID: "a", root: root)
        defer { cleanup(a) }
        let b = try runSuite("quick.yaml", runID: "b", root: root, only: ["thr-native", "opt-coalescing"])
        let c = try Compare.run(baseline: a.directory, candidate: b.directory)
        #expect(c.unmatched.contains { $0.contains("thr-native") == false && $0.contains("only in baseline") })
        #expect(!c.rows.isEmpty)
    }

    @Test func badDirectoriesAreUsageErrors() throws {
        let a = try runSuite("quick.yaml", only: ["thr-native"])
        defer { cleanup(a) }
        #expect(throws: CompareError.self) { try Compare.run(baseline: "/nonexistent", candidate: a.directory) }
        let empty = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: CompareError.self) { try Compare.run(baseline: a.directory, candidate: empty) }
        #expect(throws: CompareError.self) { try Compare.run(baseline: a.directory, candidate: a.directory, thresholdPercent: -1) }
        #expect(Compare.usageErrorStatus == 2)
    }
}

@Suite struct PaperReferenceMappingTests {
    @Test func table1PaperValuesFollowTheWorkToItsComponent() {
        let keys: [(Component, TimeCategory)] = [(.hypervisor, .decoding), (.deviceModel, .decoding),
                                                 (.deviceModel, .virtualIRQDelivery), (.hostDriver, .virtualIRQDelivery),
                                                 (.hostDriver, .interruptHandlingForwarding)]
        func paper(_ c: Component, _ t: TimeCategory) -> Double? {
            FigureTables.paperPercent(scenario: "vwifi", component: c, category: t, measured: keys)
        }
        #expect(paper(.hypervisor, .decoding) == 0.53)          // exact
        #expect(paper(.deviceModel, .decoding) == nil)         // the exact row took it
        #expect(paper(.deviceModel, .virtualIRQDelivery) == 2.79)  // moved work, first component only
        #expect(paper(.hostDriver, .virtualIRQDelivery) == nil)
        #expect(paper(.hostDriver, .interruptHandlingForwarding) == 5.87)
        #expect(FigureTables.paperPercent(scenario: "native", component: .deviceModel, category: .virtualIRQDelivery,
                                          measured: keys) == nil)
    }
}

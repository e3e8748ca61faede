import Testing
@testable import Bench

@Suite struct VerdictTests {
    @Test func quietRatioUnderTheLimitIsMet() {
        let m = BenchMetric.judge(metric: "stamp", values: [30, 31, 30], references: [28, 28, 28],
                                  target: .ratioAtMost(1.2), unit: "", stealPercent: 0)
        #expect(m.verdict == .met)
        #expect(m.ratio.map { abs($0 - 30.0 / 28.0) < 1e-9 } == true)
        #expect(m.reference == 28)
        #expect(m.value == 30)
    }

    @Test func quietRatioOverTheLimitIsMissed() {
        let m = BenchMetric.judge(metric: "handoff", values: [150, 151, 149], references: [100, 100, 100],
                                  target: .ratioAtMost(1.1), unit: "", stealPercent: 0)
        #expect(m.verdict == .missed)
    }

    @Test func spreadThatReachesTheTargetIsNoisy() {
        // Ratios 0.75, 0.98, 0.88: interquartile spread ~13 % and on both sides of 0.87.
        let m = BenchMetric.judge(metric: "path", values: [75, 98, 88], references: [100, 100, 100],
                                  target: .ratioAtLeast(0.87), unit: "", stealPercent: 0)
        #expect(m.verdict == .noisy)
        #expect(m.note.contains("noisy"))
    }

    @Test func clearMissStaysMissedOnANoisyMachine() {
        // Ratios 0.40..0.50: spread > 10 % but nowhere near 0.87.
        let m = BenchMetric.judge(metric: "path", values: [40, 50, 45], references: [100, 100, 100],
                                  target: .ratioAtLeast(0.87), unit: "", stealPercent: 0)
        #expect(m.verdict == .missed)
    }

    @Test func stealMakesAFragileRatioNoisy() {
        // Tight samples right at the boundary, but the host stole 20 % of the CPU.
        let m = BenchMetric.judge(metric: "path", values: [86.9, 87.1, 87.0], references: [100, 100, 100],
                                  target: .ratioAtLeast(0.87), unit: "", stealPercent: 20)
        #expect(m.verdict == .noisy)
        #expect(m.note.contains("steal"))
    }

    @Test func withinToleranceIsSymmetric() {
        let faster = BenchMetric.judge(metric: "p", values: [102, 102, 102], references: [100, 100, 100],
                                       target: .ratioWithin(0.03), unit: "", stealPercent: 0)
        let slower = BenchMetric.judge(metric: "p", values: [95, 95, 95], references: [100, 100, 100],
                                       target: .ratioWithin(0.03), unit: "", stealPercent: 0)
        #expect(faster.verdict == .met)
        #expect(slower.verdict == .missed)
    }

    @Test func betweenTargetMissesAHarnessFasterThanItsReference() {
        let inside = BenchMetric.judge(metric: "p", values: [105, 104, 106], references: [100, 100, 100],
                                       target: .ratioBetween(0.87, 1.15), unit: "", stealPercent: 0)
        let faster = BenchMetric.judge(metric: "p", values: [133, 132, 134], references: [100, 100, 100],
                                       target: .ratioBetween(0.87, 1.15), unit: "", stealPercent: 0)
        let slower = BenchMetric.judge(metric: "p", values: [80, 81, 79], references: [100, 100, 100],
                                       target: .ratioBetween(0.87, 1.15), unit: "", stealPercent: 0)
        #expect(inside.verdict == .met)
        #expect(faster.verdict == .missed)
        #expect(slower.verdict == .missed)
        #expect(faster.target.description == "0.87 <= ratio <= 1.15")
        // Ratios 1.00..1.30 around the upper bound, spread > 10 %: noise could flip it.
        let noisy = BenchMetric.judge(metric: "p", values: [100, 116, 130], references: [100, 100, 100],
                                      target: .ratioBetween(0.87, 1.15), unit: "", stealPercent: 0)
        #expect(noisy.verdict == .noisy)
    }

    @Test func zeroTargetJudgesTheValue() {
        let clean = BenchMetric.judge(metric: "alloc", values: [0, 0, 0], references: [], target: .valueZero,
                                      unit: "", stealPercent: 0)
        let dirty = BenchMetric.judge(metric: "alloc", values: [0.5, 0.5, 0.5], references: [], target: .valueZero,
                                      unit: "", stealPercent: 0)
        #expect(clean.verdict == .met)
        #expect(clean.ratio == nil)
        #expect(dirty.verdict == .missed)
    }

    @Test func noTargetIsReported() {
        let m = BenchMetric.judge(metric: "suite", values: [42], references: [], target: .none, unit: "s",
                                  stealPercent: 50)
        #expect(m.verdict == .reported)
    }

    @Test func exitStatusIsThreeOnlyForAMiss() {
        let met = BenchMetric(metric: "a", value: 1, reference: 1, ratio: 1, target: .ratioAtMost(1.1), verdict: .met,
                              spreadPercent: 0, repetitions: 3, unit: "")
        var noisy = met
        noisy.verdict = .noisy
        var missed = met
        missed.verdict = .missed
        #expect(BenchReport(metrics: [met, noisy]).exitStatus == 0)
        #expect(BenchReport(metrics: [met, missed, noisy]).exitStatus == 3)
    }

    @Test func mediansAndSpread() {
        #expect(Samples.median([3, 1, 2]) == 2)
        #expect(Samples.median([4, 1, 2, 3]) == 2.5)
        #expect(Samples.spreadPercent([90, 100, 110]) == 10)
        #expect(Samples.percentile([1, 2, 3, 4, 5], 25) == 2)
        #expect(Samples.spreadPercent([5]) == 0)
    }
}

@Suite struct NoisySideTests {
    @Test func steadyRatioOfTwoNoisySeriesNearTheTargetIsNoisy() {
        // Paired ratios all ~0.96 (tight), but each side swings by ~25 %: on a ±3 % target the
        // steadiness of the ratio is a coincidence, not a measurement.
        let m = BenchMetric.judge(metric: "perturbation", values: [96, 120, 150, 110, 130],
                                  references: [100, 125, 156, 114.6, 135.4], target: .ratioWithin(0.03),
                                  unit: "", stealPercent: 0)
        #expect(m.verdict == .noisy)
    }
}

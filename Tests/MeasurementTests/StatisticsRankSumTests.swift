import Testing
@testable import Measurement

/// A fixed stream for the Monte-Carlo branch (MeasurementTests cannot see Platform's SplitMix64).
private struct CountingGenerator: RandomNumberGenerator {
    var state: UInt64 = 0x5EED
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state ^ (state >> 29)
    }
}

@Suite struct StatisticsRankSumTests {
    func test(_ a: [Double], _ b: [Double], exactLimit: Int = Statistics.rankSumExactLimit) -> RankSumTest {
        var g = CountingGenerator()
        return Statistics.rankSumTest(a, b, exactLimit: exactLimit, using: &g)
    }

    @Test func midranksShareTiedRanks() {
        #expect(Statistics.midranks([30, 10, 20]) == [3, 1, 2])
        #expect(Statistics.midranks([1, 1, 2, 2, 3, 3]) == [1.5, 1.5, 3.5, 3.5, 5.5, 5.5])
    }

    @Test func binomialCoefficientsAndTheSmallestPValue() {
        #expect(Statistics.binomialCoefficient(12, 6) == 924)
        #expect(Statistics.binomialCoefficient(6, 3) == 20)
        #expect(Statistics.binomialCoefficient(3, 4) == 0)
        #expect(abs(Statistics.smallestRankSumPValue(6, 6) - 2.0 / 924) < 1e-15)
        #expect(abs(Statistics.smallestRankSumPValue(3, 3) - 0.1) < 1e-15)
        #expect(abs(Statistics.smallestRankSumPValue(2, 2) - 1.0 / 3) < 1e-15)
        #expect(abs(Statistics.smallestRankSumPValue(5, 6) - 1.0 / 462) < 1e-15)
        #expect(Statistics.smallestRankSumPValue(0, 6) == 1)
    }

    /// Six below six: only that split and its mirror are as extreme, 2 of C(12, 6) = 924.
    @Test func completeSeparationOfSixAndSixReachesTwoIn924() {
        let r = test([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12])
        #expect(r.exact && r.relabelings == 924)
        #expect(abs(r.pValue - 2.0 / 924) < 1e-15)
        // The direction does not matter (two-sided).
        #expect(abs(test([7, 8, 9, 10, 11, 12], [1, 2, 3, 4, 5, 6]).pValue - 2.0 / 924) < 1e-15)
    }

    /// Baseline 1, 2, 4 against 3, 5, 6: the candidate's rank sum is 14, expected 10.5. Of the 20
    /// 3-subsets of ranks 1...6, those summing to >= 14 ({3,5,6}, {4,5,6}) or <= 7 ({1,2,3},
    /// {1,2,4}) are as extreme: p = 4/20.
    @Test func overlappingThreeAndThreeByHand() {
        let r = test([1, 2, 4], [3, 5, 6])
        #expect(r.exact && r.relabelings == 20)
        #expect(abs(r.pValue - 0.2) < 1e-15)
        // Three clearly above three still cannot go below 2/20.
        #expect(abs(test([1, 2, 3], [100, 200, 300]).pValue - 0.1) < 1e-15)
    }

    /// Midranks 1.5, 1.5, 3.5, 3.5, 5.5, 5.5; the candidate holds 3.5 + 5.5 + 5.5 = 14.5, 4 above
    /// 10.5. Sums >= 14.5 (5.5 + 5.5 + either 3.5) or <= 6.5 (1.5 + 1.5 + either 3.5): 4 of 20.
    @Test func tiesByHand() {
        #expect(abs(test([1, 1, 2], [2, 3, 3]).pValue - 0.2) < 1e-15)
        // Constant samples apart are a complete separation; identical samples are no evidence.
        #expect(abs(test([10, 10, 10, 10, 10, 10], [13, 13, 13, 13, 13, 13]).pValue - 2.0 / 924) < 1e-15)
        #expect(test([5, 5, 5], [5, 5, 5]).pValue == 1)
    }

    /// One outlier in the baseline moves its rank, not the verdict's scale: still below 0.1.
    @Test func anOutlierCostsOneRank() {
        let r = test([10, 10.1, 9.9, 10.2, 9.8, 30], [12, 12.1, 11.9, 12.2, 11.8, 12.05])
        #expect(abs(r.pValue - 60.0 / 924) < 1e-15)
    }

    @Test func emptySamplesAreNoEvidence() {
        #expect(test([], [1, 2]).pValue == 1)
        #expect(test([1], []).pValue == 1)
    }

    /// Forced Monte-Carlo on a 6 + 6 case: close to the exact value, and the same on a rerun.
    @Test func monteCarloEstimatesTheExactValueReproducibly() {
        let a: [Double] = [1, 3, 4, 6, 8, 9], b: [Double] = [2, 5, 7, 10, 11, 12]
        let exact = test(a, b)
        let mc = test(a, b, exactLimit: 0)
        #expect(!mc.exact && mc.relabelings == Statistics.rankSumMonteCarloDraws)
        #expect(abs(mc.pValue - exact.pValue) < 0.02)
        #expect(mc == test(a, b, exactLimit: 0))
        // 10 + 10 apart: C(20, 10) = 184,756 is beyond the exact limit; no draw is as extreme.
        let far = test(Array(1...10).map(Double.init), Array(11...20).map(Double.init))
        #expect(!far.exact)
        #expect(abs(far.pValue - 1.0 / Double(1 + Statistics.rankSumMonteCarloDraws)) < 1e-12)
    }
}

import Testing
@testable import Measurement

@Suite struct StatisticsTests {
    @Test func medianOfOddAndEvenUnsortedSamples() {
        #expect(Statistics.median([5, 1, 3]) == 3)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([7]) == 7)
        #expect(Statistics.median([]).isNaN)
    }

    @Test func percentileInterpolatesLinearlyBetweenRanks() {
        // Sorted 10, 20, 30, 40, 50: h = 4 * p / 100.
        let xs: [Double] = [50, 10, 40, 20, 30]
        #expect(Statistics.percentile(xs, 0) == 10)
        #expect(Statistics.percentile(xs, 100) == 50)
        #expect(Statistics.percentile(xs, 25) == 20)
        #expect(abs(Statistics.percentile(xs, 90) - 46) < 1e-12)   // h = 3.6: 40 + 0.6 * 10
        #expect(abs(Statistics.percentile(xs, 99) - 49.6) < 1e-12)  // h = 3.96
        #expect(abs(Statistics.percentile(xs, 10) - 14) < 1e-12)    // h = 0.4
    }

    @Test func meanAndSampleStandardDeviation() {
        let xs: [Double] = [2, 4, 4, 4, 5, 5, 7, 9]
        #expect(Statistics.mean(xs) == 5)
        // Sum of squares 32 over n - 1 = 7.
        #expect(abs(Statistics.standardDeviation(xs) - (32.0 / 7).squareRoot()) < 1e-12)
        #expect(Statistics.standardDeviation([3]) == 0)
    }

    @Test func medianIntervalRanksMatchTheBinomialTable() {
        // Published distribution-free 95 % ranks: n=6 -> (1,6), n=10 -> (2,9), n=20 -> (6,15),
        // n=30 -> (10,21), n=100 -> (40,61).
        #expect(Statistics.orderStatisticRank(n: 6) == 1)
        #expect(Statistics.orderStatisticRank(n: 8) == 1)
        #expect(Statistics.orderStatisticRank(n: 9) == 2)
        #expect(Statistics.orderStatisticRank(n: 10) == 2)
        #expect(Statistics.orderStatisticRank(n: 20) == 6)
        #expect(Statistics.orderStatisticRank(n: 30) == 10)
        #expect(Statistics.orderStatisticRank(n: 100) == 40)
    }

    @Test func medianIntervalOnKnownSamples() {
        let ten: [Double] = [9, 3, 7, 1, 5, 10, 2, 8, 4, 6]
        let ci = Statistics.medianCI95(ten)
        #expect(ci.low == 2 && ci.high == 9 && ci.exact)
        let five: [Double] = [3, 1, 2, 5, 4]
        let small = Statistics.medianCI95(five)
        #expect(small.low == 1 && small.high == 5 && !small.exact)
        let six: [Double] = [6, 5, 4, 3, 2, 1]
        let s6 = Statistics.medianCI95(six)
        #expect(s6.low == 1 && s6.high == 6 && s6.exact)
    }

    @Test func summarizeGathersEverything() {
        let xs = (1...20).map(Double.init).reversed().map { $0 }
        let d = Statistics.summarize(xs)
        #expect(d.count == 20 && d.min == 1 && d.max == 20)
        #expect(d.median == 10.5 && d.mean == 10.5)
        #expect(abs(d.p90 - 18.1) < 1e-12)   // h = 17.1
        #expect(abs(d.p99 - 19.81) < 1e-12)  // h = 18.81
        #expect(d.ci95Low == 6 && d.ci95High == 15 && d.ciExact)
        let empty = Statistics.summarize([])
        #expect(empty.count == 0 && empty.median.isNaN && !empty.ciExact)
    }
}

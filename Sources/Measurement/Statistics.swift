// Order statistics for repeated measurements. Medians with distribution-free confidence
// intervals, because run times on a shared machine are skewed and heavy-tailed: a mean and a
// normal-theory interval would let one descheduled run move the figure.
import Foundation

/// A sample summarized: location, tails and a 95 % confidence interval for the median.
public struct Distribution: Sendable, Codable, Equatable {
    public var count: Int
    public var min: Double
    public var median: Double
    public var p90: Double
    public var p99: Double
    public var mean: Double
    public var max: Double
    public var ci95Low: Double
    public var ci95High: Double
    /// True when [ci95Low, ci95High] is the order-statistic interval with at least 95 % coverage;
    /// false when the sample was too small (n < 6) and the interval is only min...max.
    public var ciExact: Bool

    public init(count: Int, min: Double, median: Double, p90: Double, p99: Double, mean: Double,
                max: Double, ci95Low: Double, ci95High: Double, ciExact: Bool) {
        self.count = count; self.min = min; self.median = median; self.p90 = p90; self.p99 = p99
        self.mean = mean; self.max = max; self.ci95Low = ci95Low; self.ci95High = ci95High
        self.ciExact = ciExact
    }
}

public enum Statistics {
    /// Smallest sample for which an order-statistic interval reaches 95 % coverage
    /// (n = 5: min...max covers only 93.75 %).
    public static let minimumCountForExactCI = 6

    /// Median of an unsorted sample; NaN when empty.
    public static func median(_ xs: [Double]) -> Double { percentile(xs, 50) }

    /// The p-th percentile (p in 0...100) with linear interpolation between closest ranks
    /// (the "R-7" definition used by NumPy and spreadsheets). NaN when empty.
    public static func percentile(_ xs: [Double], _ p: Double) -> Double {
        guard !xs.isEmpty else { return .nan }
        return percentile(sorted: xs.sorted(), p)
    }

    /// `percentile` on an already sorted sample.
    public static func percentile(sorted s: [Double], _ p: Double) -> Double {
        guard !s.isEmpty else { return .nan }
        let q = Swift.min(Swift.max(p, 0), 100) / 100
        let h = Double(s.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = Swift.min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    public static func mean(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return .nan }
        return xs.reduce(0, +) / Double(xs.count)
    }

    /// Sample standard deviation (n - 1 in the denominator); 0 for fewer than two values.
    public static func standardDeviation(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = mean(xs)
        let ss = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (ss / Double(xs.count - 1)).squareRoot()
    }

    /// 95 % confidence interval for the median from order statistics: [x(k), x(n+1-k)] with the
    /// largest k for which 2 * P(Binomial(n, 1/2) <= k - 1) <= 0.05. No assumption about the
    /// distribution. For n < 6 no such k exists; the result is min...max and `exact` is false.
    public static func medianCI95(_ xs: [Double]) -> (low: Double, high: Double, exact: Bool) {
        guard !xs.isEmpty else { return (.nan, .nan, false) }
        let s = xs.sorted()
        let n = s.count
        guard n >= minimumCountForExactCI else { return (s[0], s[n - 1], false) }
        let k = orderStatisticRank(n: n)
        return (s[k - 1], s[n - k], true)
    }

    /// The 1-based rank k of the lower bound of the median's 95 % interval for a sample of n >= 6.
    public static func orderStatisticRank(n: Int, alpha: Double = 0.05) -> Int {
        // Walk the binomial(n, 1/2) CDF in log space (lgamma) so large n cannot overflow.
        let logHalfN = Double(n) * log(0.5)
        func logChoose(_ n: Int, _ k: Int) -> Double {
            lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
        }
        var cdf = 0.0
        var k = 0
        // Invariant: cdf = P(B <= k - 1). Accept k + 1 while 2 * P(B <= k) stays within alpha.
        while k < n / 2 {
            let next = cdf + exp(logChoose(n, k) + logHalfN)
            if 2 * next > alpha { break }
            cdf = next
            k += 1
        }
        return Swift.max(k, 1)
    }

    /// Count, extremes, median, p90, p99, mean and the median's 95 % interval. All NaN when empty.
    public static func summarize(_ xs: [Double]) -> Distribution {
        guard !xs.isEmpty else {
            return Distribution(count: 0, min: .nan, median: .nan, p90: .nan, p99: .nan, mean: .nan,
                                max: .nan, ci95Low: .nan, ci95High: .nan, ciExact: false)
        }
        let s = xs.sorted()
        let ci = medianCI95(s)
        return Distribution(count: s.count, min: s[0], median: percentile(sorted: s, 50),
                            p90: percentile(sorted: s, 90), p99: percentile(sorted: s, 99),
                            mean: mean(s), max: s[s.count - 1],
                            ci95Low: ci.low, ci95High: ci.high, ciExact: ci.exact)
    }
}

// Did a metric move between two sets of repetitions? A two-sided permutation test on the rank
// sum (the exact Mann-Whitney U test). Ranks, not medians or means: on 6 + 6 repetitions the
// difference of medians cannot reach p <= 0.01 even when the samples do not overlap (12 of the
// 924 splits tie the observed difference), and the difference of means lets one descheduled
// repetition hide a shift; a rank sum reaches 2/924 on a complete separation and moves an
// outlier by one rank only. Ties get midranks.
import Foundation

/// The outcome of `Statistics.rankSumTest`.
public struct RankSumTest: Sendable, Equatable {
    /// Two-sided p-value: the share of relabelings whose rank sum is at least as far from its
    /// expectation as the observed one.
    public var pValue: Double
    /// True when every relabeling was enumerated; false for a Monte-Carlo estimate.
    public var exact: Bool
    /// Relabelings enumerated, or random draws made.
    public var relabelings: Int
    /// The smallest p-value these sample sizes allow (see `smallestRankSumPValue`).
    public var smallestPossiblePValue: Double
}

extension Statistics {
    /// Enumerate every relabeling up to this many; draw at random beyond (C(18, 9) = 48,620 is exact).
    public static let rankSumExactLimit = 50_000
    public static let rankSumMonteCarloDraws = 20_000

    /// C(n, k) as a Double (exact up to 2^53).
    public static func binomialCoefficient(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        let k = Swift.min(k, n - k)
        var c = 1.0
        for i in 0..<k { c = c * Double(n - i) / Double(i + 1) }
        return c.rounded()
    }

    /// The smallest two-sided p-value of the exact test for samples of n and m without ties:
    /// the most extreme split and, when n == m, its mirror image, out of C(n + m, n). 3 + 3
    /// repetitions give 0.1, 6 + 6 give 2/924 = 0.0022.
    public static func smallestRankSumPValue(_ n: Int, _ m: Int) -> Double {
        guard n > 0, m > 0 else { return 1 }
        return Swift.min(1, (n == m ? 2 : 1) / binomialCoefficient(n + m, n))
    }

    /// Midranks (1-based) of `xs` within `xs`: tied values share the mean of their ranks.
    public static func midranks(_ xs: [Double]) -> [Double] {
        let order = xs.indices.sorted { xs[$0] < xs[$1] }
        var ranks = [Double](repeating: 0, count: xs.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && xs[order[j + 1]] == xs[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = rank }
            i = j + 1
        }
        return ranks
    }

    /// Two-sided permutation test of `baseline` against `candidate` on the rank sum: exact when
    /// C(n + m, m) <= `exactLimit`, otherwise `draws` random relabelings from `generator` (a
    /// seeded one makes the p-value reproducible), with p = (1 + hits) / (1 + draws).
    /// p is 1 when either sample is empty.
    public static func rankSumTest<G: RandomNumberGenerator>(
        _ baseline: [Double], _ candidate: [Double], exactLimit: Int = rankSumExactLimit,
        draws: Int = rankSumMonteCarloDraws, using generator: inout G
    ) -> RankSumTest {
        let n = baseline.count, m = candidate.count
        let smallest = smallestRankSumPValue(n, m)
        guard n > 0, m > 0 else { return RankSumTest(pValue: 1, exact: true, relabelings: 0, smallestPossiblePValue: smallest) }
        let ranks = midranks(baseline + candidate)
        let total = n + m
        let expected = Double(m) * Double(total + 1) / 2
        let observed = abs(ranks[n...].reduce(0, +) - expected)
        // Rank sums are multiples of 0.5: a small tolerance keeps ties of the statistic counted.
        let bar = observed - 1e-9
        let combinations = binomialCoefficient(total, m)
        if combinations <= Double(exactLimit) {
            var hits = 0, count = 0
            // Every m-subset of the pooled ranks, in lexicographic order of indices.
            var idx = Array(0..<m)
            while true {
                count += 1
                if abs(idx.reduce(0) { $0 + ranks[$1] } - expected) >= bar { hits += 1 }
                var i = m - 1
                while i >= 0 && idx[i] == total - m + i { i -= 1 }
                if i < 0 { break }
                idx[i] += 1
                for j in (i + 1)..<m { idx[j] = idx[j - 1] + 1 }
            }
            return RankSumTest(pValue: Double(hits) / Double(count), exact: true, relabelings: count,
                               smallestPossiblePValue: smallest)
        }
        var hits = 0
        var pool = ranks
        for _ in 0..<draws {
            // Partial Fisher-Yates: the first m slots become a random m-subset.
            var sum = 0.0
            for i in 0..<m {
                let j = i + Int(generator.next() % UInt64(total - i))
                pool.swapAt(i, j)
                sum += pool[i]
            }
            if abs(sum - expected) >= bar { hits += 1 }
        }
        return RankSumTest(pValue: Double(1 + hits) / Double(1 + draws), exact: false, relabelings: draws,
                           smallestPossiblePValue: smallest)
    }
}

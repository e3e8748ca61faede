import Testing
@testable import Measurement

@Suite struct LatencyHistogramTests {
    /// A long-tailed sample like a stage's cycles: a body near 20,000 and a tail to ~2,000,000,
    /// from a fixed generator so every run checks the same values.
    static func sample(_ n: Int, seed: UInt64) -> [UInt64] {
        var state = seed
        return (0..<n).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let body = 20_000 + (state >> 33) % 4_000
            return i % 97 == 0 ? body * (1 + (state >> 20) % 100) : body
        }
    }

    /// The nearest-rank percentile of the sorted sample: what the histogram stands for.
    static func nearestRank(_ sorted: [UInt64], _ p: Double) -> UInt64 {
        // p * n / 100 in floating point can land a hair above a whole rank (99.9 % of 50,000).
        let rank = max(1, Int((p * Double(sorted.count) / 100 - 1e-9).rounded(.up)))
        return sorted[rank - 1]
    }

    @Test func percentilesAreTheNearestRankSampleWithinATenthOfAPercent() throws {
        let xs = Self.sample(50_000, seed: 7)
        let h = LatencyHistogram(xs)
        let sorted = xs.sorted()
        #expect(h.count == xs.count)
        for p in [50, 90, 99, 99.9] {
            let exact = Double(Self.nearestRank(sorted, p))
            let reported = Double(h.value(atPercentile: p))
            #expect(reported >= exact && reported <= exact * 1.001, "p\(p): \(reported) vs \(exact)")
        }
        #expect(h.max == sorted.last!, "the maximum is the largest sample itself")
        let s = try #require(h.summary())
        #expect(s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.p999 && s.p999 <= s.max)
        #expect(s.count == xs.count)
    }

    @Test func mergingTwoHistogramsEqualsRecordingBoth() {
        let a = Self.sample(10_000, seed: 1), b = Self.sample(3_000, seed: 2).map { $0 * 3 }
        var merged = LatencyHistogram(a)
        merged.add(LatencyHistogram(b))
        let both = LatencyHistogram(a + b)
        #expect(merged.count == both.count)
        for p in [1.0, 25, 50, 90, 99, 99.9, 99.99] {
            #expect(merged.value(atPercentile: p) == both.value(atPercentile: p), "p\(p)")
        }
        #expect(merged.max == both.max)
    }

    @Test func theCDFRisesFromTheSmallestSampleToTheLargestAndMatchesTheSample() throws {
        let xs = Self.sample(20_000, seed: 3)
        let cdf = LatencyHistogram(xs).cdf()
        let sorted = xs.sorted()
        let first = try #require(cdf.first), last = try #require(cdf.last)
        #expect(first.fraction == 0 && last.fraction == 1)
        #expect(last.value == Double(sorted.last!))
        #expect(abs(first.value - Double(sorted.first!)) <= Double(sorted.first!) * 0.001)
        for (a, b) in zip(cdf, cdf.dropFirst()) {
            #expect(a.value <= b.value && a.fraction <= b.fraction, "\(a) then \(b)")
        }
        // Each step's fraction is the share of samples at or below its value, within one bucket.
        for step in cdf.dropFirst() where step.fraction < 1 {
            let atOrBelow = Double(sorted.prefix { Double($0) <= step.value }.count) / Double(sorted.count)
            let belowBucket = Double(sorted.prefix { Double($0) < step.value / 1.001 }.count) / Double(sorted.count)
            #expect(step.fraction <= atOrBelow + 1e-9 && step.fraction >= belowBucket - 1e-9,
                    "step \(step): \(belowBucket)...\(atOrBelow)")
        }
        // The tail is drawn finely: steps beyond 99 % exist.
        #expect(cdf.contains { $0.fraction > 0.99 && $0.fraction < 1 })
    }

    @Test func anEmptyHistogramReportsNothing() {
        let h = LatencyHistogram()
        #expect(h.count == 0 && h.max == 0 && h.value(atPercentile: 99) == 0)
        #expect(h.summary() == nil)
        #expect(h.cdf().isEmpty)
    }

    @Test func scaleTurnsTheUnitIntoAnother() throws {
        let h = LatencyHistogram([1_000_000, 2_000_000, 3_000_000])   // nanoseconds
        let ms = try #require(h.summary(scale: 1e-6))
        #expect(abs(ms.max - 3) < 1e-12)
        #expect(abs(ms.p50 - 2) <= 0.002)
    }
}

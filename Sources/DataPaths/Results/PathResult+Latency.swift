// A run's round-trip times as a distribution: every echo in one HdrHistogram.
import Measurement

extension PathResult {
    /// Every echo's round trip, in nanoseconds (the histogram's unit; rttMs is derived from TSC
    /// cycles, so nothing finer is lost).
    public var rttHistogram: LatencyHistogram {
        LatencyHistogram(rttMs.map { UInt64(Swift.max(0, ($0 * 1e6).rounded())) })
    }

    /// The round trip's p50, p90, p99, p99.9 and maximum in milliseconds; nil without echoes.
    public var rttDistributionMs: LatencyHistogram.Summary? { rttHistogram.summary(scale: 1e-6) }
}

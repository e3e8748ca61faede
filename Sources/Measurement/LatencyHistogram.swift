// Every sample of one latency, kept in an HdrHistogram (HdrHistogram/hdrhistogram-swift): a
// distribution of any length costs a few kilobytes, repetitions merge without loss, and each
// reported value is within 0.1 % of a sample that was really taken (three significant digits).
import Histogram

/// One latency's distribution: recorded whole, reported as percentiles, a maximum and a CDF.
/// Values are unsigned integers in the caller's unit (TSC cycles, nanoseconds).
public struct LatencyHistogram: Sendable {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)

    public init() {}

    public init<S: Sequence>(_ values: S) where S.Element == UInt64 {
        for v in values { record(v) }
    }

    /// Records one sample. The histogram grows to any value (auto-resize), so nothing is lost.
    public mutating func record(_ value: UInt64) {
        _ = histogram.record(value)
    }

    /// Adds every sample of `other` (an exact merge: the result is what recording both would give).
    public mutating func add(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
    }

    public var count: Int { Int(histogram.totalCount) }

    /// The nearest-rank value at `percentile` (0...100): the smallest recorded value that at
    /// least `percentile` % of the samples do not exceed, reported as the top of its 0.1 % bucket
    /// and never above the largest sample. 0 when empty.
    public func value(atPercentile percentile: Double) -> UInt64 {
        count == 0 ? 0 : histogram.valueAtPercentile(percentile)
    }

    /// The largest sample, exactly. 0 when empty.
    public var max: UInt64 { count == 0 ? 0 : histogram.maxRecorded }

    /// The reported percentiles and the maximum, scaled by `unit` (e.g. 1e-6 for nanoseconds to
    /// milliseconds); nil when empty.
    public func summary(scale unit: Double = 1) -> Summary? {
        guard count > 0 else { return nil }
        return Summary(count: count, p50: Double(value(atPercentile: 50)) * unit, p90: Double(value(atPercentile: 90)) * unit,
                       p99: Double(value(atPercentile: 99)) * unit, p999: Double(value(atPercentile: 99.9)) * unit,
                       max: Double(max) * unit)
    }

    /// The cumulative distribution as (value, fraction of samples at or below it) steps, from the
    /// smallest sample to the largest (fraction 1). Steps halve the distance to 100 % every
    /// `ticksPerHalfDistance` points, so the tail is drawn as finely as the body: the shape
    /// HdrHistogram's percentile-distribution output has.
    public func cdf(ticksPerHalfDistance: Int = 5, scale unit: Double = 1) -> [(value: Double, fraction: Double)] {
        guard count > 0 else { return [] }
        var steps: [(value: Double, fraction: Double)] = [(Double(histogram.min) * unit, 0)]
        for step in histogram.percentiles(ticksPerHalfDistance: ticksPerHalfDistance) {
            let value = Double(Swift.min(histogram.highestEquivalentForValue(step.value), histogram.maxRecorded)) * unit
            let fraction = Swift.min(1, step.percentile / 100)
            if let last = steps.last, last.value == value, last.fraction >= fraction { continue }
            steps.append((value, fraction))
        }
        if steps.last?.fraction != 1 { steps.append((Double(max) * unit, 1)) }
        return steps
    }

    /// The percentiles every latency report gives and the maximum, in one unit.
    public struct Summary: Sendable, Codable, Equatable {
        public var count: Int
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
    }
}

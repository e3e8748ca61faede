import Foundation

/// Looks for scheduling gaps: reads the monotonic clock in a loop for a few milliseconds between
/// runs and reports the longest interval between two consecutive readings. On an idle core the
/// gap is well under a microsecond; a descheduled vCPU shows up as milliseconds.
enum NoiseProbe {
    static func maxGapMicroseconds(probeMilliseconds: Double = 5) -> Double {
        var ts = timespec()
        func now() -> Double {
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Double(ts.tv_sec) * 1e6 + Double(ts.tv_nsec) / 1e3
        }
        let start = now()
        var last = start
        var maxGap = 0.0
        while last - start < probeMilliseconds * 1000 {
            let t = now()
            maxGap = max(maxGap, t - last)
            last = t
        }
        return maxGap
    }
}

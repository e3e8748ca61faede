/// Preallocated cycle samples: recording stores one value and allocates nothing. Beyond
/// `capacity` the count still grows but samples are no longer kept (`kept` says how many).
public final class CycleSamples {
    private let storage: UnsafeMutablePointer<UInt64>
    public let capacity: Int
    public private(set) var count = 0

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        // SAFETY: owned by this object, freed once in deinit; only indices < capacity are written or read.
        storage = .allocate(capacity: self.capacity)
    }

    // SAFETY: frees the block from init, once.
    deinit { storage.deallocate() }

    @inline(__always)
    public func record(_ cycles: UInt64) {
        if count < capacity { storage[count] = cycles }
        count += 1
    }

    public var kept: Int { min(count, capacity) }

    public func reset() { count = 0 }

    /// Min, median, p99 and max of the kept samples (sorts a copy; call off the hot path).
    public func summary() -> CycleSummary? { summary(from: 0) }

    /// The same over the samples recorded after the first `start` (e.g. after a warm-up):
    /// `count` is the samples since then, `kept` those of them still stored.
    public func summary(from start: Int) -> CycleSummary? {
        let first = min(max(0, start), kept)
        let n = kept - first
        guard n > 0 else { return nil }
        // SAFETY: bounds: first + n = kept <= capacity, and those samples were all written by `record`.
        var sorted = Array(UnsafeBufferPointer(start: storage + first, count: n))
        sorted.sort()
        func quantile(_ q: Double) -> UInt64 { sorted[min(n - 1, Int((Double(n - 1) * q).rounded()))] }
        return CycleSummary(count: count - max(0, start), kept: n, min: sorted[0], median: quantile(0.5), p99: quantile(0.99), max: sorted[n - 1])
    }
}

/// Order statistics of cycle samples (TSC ticks).
public struct CycleSummary: Sendable, Equatable, CustomStringConvertible {
    public let count: Int
    public let kept: Int
    public let min: UInt64
    public let median: UInt64
    public let p99: UInt64
    public let max: UInt64

    public var description: String { "n=\(count) min=\(min) median=\(median) p99=\(p99) max=\(max)" }
}

/// Exits by reason: count and the host-observed KVM_RUN duration of each (TSC just before
/// KVM_RUN to just after it returned: the guest's run up to the exit plus the exit itself).
/// Storage is preallocated per reason.
public final class ExitStatistics {
    private let samples: [CycleSamples]

    public init(capacityPerReason: Int = 1 << 16) {
        samples = ExitReason.allCases.map { _ in CycleSamples(capacity: capacityPerReason) }
    }

    @inline(__always)
    public func record(_ reason: ExitReason, cycles: UInt64) {
        samples[reason.rawValue].record(cycles)
    }

    public func count(_ reason: ExitReason) -> Int { samples[reason.rawValue].count }

    public func summary(_ reason: ExitReason) -> CycleSummary? { samples[reason.rawValue].summary() }

    /// Every reason that occurred, with its statistics.
    public func summaries() -> [ExitSummary] {
        ExitReason.allCases.compactMap { reason in
            summary(reason).map { ExitSummary(reason: reason.name, cycles: $0) }
        }
    }

    public func reset() { samples.forEach { $0.reset() } }

    /// Exits so far, per reason (indexed by `ExitReason.rawValue`): a mark to summarize only what
    /// follows with `summaries(since:)`, e.g. the measured region after a warm-up. Allocates: take
    /// it once, off the hot path.
    public func mark() -> [Int] { samples.map(\.count) }

    /// Every reason that occurred since `mark`, with its statistics.
    public func summaries(since mark: [Int]) -> [ExitSummary] {
        ExitReason.allCases.compactMap { reason in
            let start = reason.rawValue < mark.count ? mark[reason.rawValue] : 0
            return samples[reason.rawValue].summary(from: start).map { ExitSummary(reason: reason.name, cycles: $0) }
        }
    }

    /// Exits of `reason` since `mark`.
    public func count(_ reason: ExitReason, since mark: [Int]) -> Int {
        samples[reason.rawValue].count - (reason.rawValue < mark.count ? mark[reason.rawValue] : 0)
    }
}

/// One exit reason's statistics.
public struct ExitSummary: Sendable, Equatable {
    public let reason: String
    public let cycles: CycleSummary
}

/// Interrupt coalescing: fire after `threshold` completions, or when the oldest pending
/// completion has waited `timeoutNs` (the paper's "wait for 10 TX responses", plus the usual
/// hold-off timer so a trickle is not held forever). Threshold 1 fires on every completion.
/// A value type owned by the thread that raises interrupts; times are monotonic ns.
public struct CoalescingPolicy: Sendable, Equatable {
    public let threshold: Int
    public let timeoutNs: Int64
    public private(set) var pending: Int = 0
    /// Time of the oldest completion not yet signalled.
    public private(set) var oldestNs: Int64 = 0
    public private(set) var firedByCount: Int = 0
    public private(set) var firedByTimer: Int = 0
    public private(set) var completions: Int = 0

    /// `threshold` < 1 is treated as 1; `timeoutNs` < 0 as 0.
    public init(threshold: Int, timeoutNs: Int64) {
        self.threshold = max(1, threshold)
        self.timeoutNs = max(0, timeoutNs)
    }

    /// Records one completion; true = raise the interrupt now (threshold reached).
    @inline(__always)
    public mutating func completion(nowNs: Int64) -> Bool {
        completions &+= 1
        if pending == 0 { oldestNs = nowNs }
        pending &+= 1
        guard pending >= threshold else { return false }
        pending = 0
        firedByCount &+= 1
        return true
    }

    /// When the pending completions must be flushed; nil when nothing is pending.
    @inline(__always)
    public var deadlineNs: Int64? {
        pending > 0 ? oldestNs &+ timeoutNs : nil
    }

    /// Called when the hold-off timer expires; true = raise the interrupt now (something is
    /// pending and its deadline has passed).
    @inline(__always)
    public mutating func timerExpired(nowNs: Int64) -> Bool {
        guard pending > 0, nowNs >= oldestNs &+ timeoutNs else { return false }
        pending = 0
        firedByTimer &+= 1
        return true
    }

    /// Drops pending completions (counters are kept).
    public mutating func reset() {
        pending = 0
        oldestNs = 0
    }

    /// Interrupts raised so far.
    public var fired: Int { firedByCount + firedByTimer }
}

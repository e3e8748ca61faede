import Synchronization

/// Cancellation and progress shared between a runner and the pipeline it drives.
public final class RunControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let progressSink: (@Sendable (Double) -> Void)?
    public init(progress: (@Sendable (Double) -> Void)? = nil) { progressSink = progress }
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    /// Fraction of the run done, 0...1.
    public func report(progress: Double) { progressSink?(progress) }
}

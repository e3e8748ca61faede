import Synchronization

/// Cancellation and progress shared between a runner and the pipeline it drives.
public final class RunControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let progressSink: (@Sendable (Double) -> Void)?
    /// An outside reason to stop, asked whenever `isCancelled` is (e.g. a signal the process
    /// received, recorded by a handler that cannot call into Swift).
    private let cancelledWhen: (@Sendable () -> Bool)?
    public init(progress: (@Sendable (Double) -> Void)? = nil, cancelledWhen: (@Sendable () -> Bool)? = nil) {
        progressSink = progress
        self.cancelledWhen = cancelledWhen
    }
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) || (cancelledWhen?() ?? false) }
    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    /// Fraction of the run done, 0...1.
    public func report(progress: Double) { progressSink?(progress) }
}

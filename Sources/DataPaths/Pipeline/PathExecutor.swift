import Synchronization

/// Runs one configuration. The real implementation is `PipelineExecutor`; suites take any.
public protocol PathExecutor: Sendable {
    func run(_ config: PathConfig, control: RunControl) throws -> PathResult
}

/// A run stopped before it finished because its `RunControl` was cancelled.
public struct RunCancelled: Error, Sendable {
    public init() {}
}

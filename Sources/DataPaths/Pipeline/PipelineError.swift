import Measurement

/// Failures of a pipeline run that are not bad options.
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    case setup(String)
    /// A set-up system call failed, as the `SystemCall` funnel reports it.
    case system(SystemCallError)
    case integrity(String)
    case stalled(String)

    public var description: String {
        switch self {
        case .setup(let m): "setup failed: \(m)"
        case .system(let failure): "setup failed: \(failure)"
        case .integrity(let m): "data integrity violated: \(m)"
        case .stalled(let m): "pipeline stalled: \(m)"
        }
    }
}

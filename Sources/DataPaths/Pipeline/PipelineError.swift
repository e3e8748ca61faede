import CVWiFiShim
#if canImport(Glibc)
import Glibc
#endif

/// Failures of a pipeline run that are not bad options.
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    case setup(String)
    case integrity(String)
    case stalled(String)

    public var description: String {
        switch self {
        case .setup(let m): "setup failed: \(m)"
        case .integrity(let m): "data integrity violated: \(m)"
        case .stalled(let m): "pipeline stalled: \(m)"
        }
    }
}

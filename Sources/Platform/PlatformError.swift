import Measurement

/// Errors raised while building platform components. Each names the thing at fault and the fix.
public enum PlatformError: Error, Equatable, CustomStringConvertible {
    case invalidArgument(String)
    case outOfMemory(String)
    /// A failed system call, as the `SystemCall` funnel reports it.
    case system(SystemCallError)
    case duplicate(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return "invalid argument: \(message)"
        case .outOfMemory(let message): return "out of memory: \(message)"
        case .system(let failure): return failure.description
        case .duplicate(let message): return "duplicate: \(message)"
        }
    }
}

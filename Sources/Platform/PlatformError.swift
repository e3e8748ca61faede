/// Errors raised while building platform components. Each names the thing at fault and the fix.
public enum PlatformError: Error, Equatable, CustomStringConvertible {
    case invalidArgument(String)
    case outOfMemory(String)
    case systemCall(String, errno: Int32)
    case duplicate(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return "invalid argument: \(message)"
        case .outOfMemory(let message): return "out of memory: \(message)"
        case .systemCall(let call, let errno): return "\(call) failed with errno \(errno)"
        case .duplicate(let message): return "duplicate: \(message)"
        }
    }
}

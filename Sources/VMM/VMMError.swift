import Measurement

/// A failure of the VMM: a system call (the funnel's `SystemCallError`) or a bad configuration
/// value (naming the field and the fix).
public struct VMMError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    /// The failed system call, if one failed.
    public let systemCall: SystemCallError?

    public init(_ message: String) {
        self.message = message
        self.systemCall = nil
    }

    public init(_ failure: SystemCallError) {
        self.message = failure.description
        self.systemCall = failure
    }

    /// errno of the failing system call, if one failed.
    public var errno: Errno? { systemCall?.errno }

    static func config(_ field: String, _ problem: String) -> VMMError {
        VMMError("\(field): \(problem)")
    }

    public var description: String { message }
}

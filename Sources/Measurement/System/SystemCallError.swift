// A failed system call: which call, its errno, and (when the harness knows one) what to check.
// Every layer reports system failures as this one type, made by the `SystemCall` funnel.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call as the reader knows it, e.g. "KVM_CREATE_VM" or "open /dev/kvm".
    public let call: String
    public let errno: Errno
    /// What to check, or empty.
    public let hint: String

    public init(call: String, errno: Errno, hint: String = "") {
        self.call = call
        self.errno = errno
        self.hint = hint
    }

    public var description: String {
        "\(call) failed: \(errno.named)" + (hint.isEmpty ? "" : "; \(hint)")
    }
}

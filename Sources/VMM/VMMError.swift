import CVWiFiShim

/// A failure of the VMM: a system call (with its errno) or a bad configuration value
/// (naming the field and the fix).
public struct VMMError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    /// errno of the failing system call, if one failed.
    public let errno: Int32?

    public init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    /// `operation` failed with `-result` (a negative return of a vw_ shim call).
    static func system(_ operation: String, _ result: Int32, hint: String = "") -> VMMError {
        let code = -result
        let text = "\(operation) failed: \(errorText(code)) (errno \(code))" + (hint.isEmpty ? "" : ". \(hint)")
        return VMMError(text, errno: code)
    }

    static func config(_ field: String, _ problem: String) -> VMMError {
        VMMError("\(field): \(problem)")
    }

    public var description: String { message }
}

/// strerror for an errno value.
func errorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    return buffer.withUnsafeMutableBufferPointer { buf in
        guard let text = vw_strerror(code, buf.baseAddress, buf.count) else { return "error \(code)" }
        return String(cString: text)
    }
}

// The one errno type of the harness is swift-system's `Errno`; this adds the symbolic name
// (ENOENT) that messages and reasons print beside strerror's text.
import Glibc
@_exported import SystemPackage

extension Errno {
    /// The errno of a shim result: the shim's functions return a value >= 0 or -errno.
    /// Inlinable (and concrete for the shim's two result types) because hot paths ask it on every
    /// system call: a generic call across modules would cost more than the check itself.
    @inlinable @inline(__always)
    public init?(shimResult result: Int32) {
        guard result < 0 else { return nil }
        self.init(rawValue: 0 &- result)
    }

    @inlinable @inline(__always)
    public init?(shimResult result: Int) {
        guard result < 0, result >= Int(Int32.min) + 1 else { return nil }
        self.init(rawValue: CInt(truncatingIfNeeded: 0 &- result))
    }

    /// The symbolic name, e.g. "ENOENT" ("errno 123" for a code without one here).
    public var name: String { errnoNames[rawValue] ?? "errno \(rawValue)" }

    /// Name and text, e.g. "ENOENT (No such file or directory)".
    public var named: String { "\(name) (\(description))" }
}

private let errnoNames: [CInt: String] = [
    EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO",
    E2BIG: "E2BIG", EBADF: "EBADF", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES",
    EFAULT: "EFAULT", EBUSY: "EBUSY", EEXIST: "EEXIST", ENODEV: "ENODEV", EINVAL: "EINVAL",
    EMFILE: "EMFILE", ENOSPC: "ENOSPC", ENOSYS: "ENOSYS", EOPNOTSUPP: "EOPNOTSUPP",
    ENXIO: "ENXIO", ECHILD: "ECHILD", EXDEV: "EXDEV", ENOTTY: "ENOTTY", ETIMEDOUT: "ETIMEDOUT",
    EPIPE: "EPIPE", ECONNRESET: "ECONNRESET", ENOTCONN: "ENOTCONN", EROFS: "EROFS",
    ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", ENFILE: "ENFILE", ERANGE: "ERANGE",
]

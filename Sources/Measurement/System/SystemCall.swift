// The one funnel through which Swift code checks the C shim's results. Every `vw_` function
// that can fail returns a value >= 0 or -errno (the shim never leaves errno for Swift to
// read); `check` turns a negative result into a `SystemCallError` naming the call.
// Hot paths that expect an errno (EAGAIN on a non-blocking socket, ETIMEDOUT on a futex) ask
// `errno(of:)` instead: no throw, no allocation.
public enum SystemCall {
    /// `result` when it is >= 0; else throws the typed errno, naming `call`.
    @inlinable @inline(__always) @discardableResult
    public static func check<T: SignedInteger>(_ call: @autoclosure () -> String, _ result: T,
                                               hint: @autoclosure () -> String = "") throws(SystemCallError) -> T {
        guard result < 0 else { return result }
        throw failure(call(), errno: Int32(truncatingIfNeeded: 0 - Int64(result)), hint: hint())
    }

    /// `check` for a layer that throws an error type of its own: `wrap` carries the failure
    /// (e.g. `as: PlatformError.system`), so typed-throws callers need no do/catch per call.
    @inline(__always) @discardableResult
    public static func check<T: SignedInteger, E: Error>(_ call: @autoclosure () -> String, _ result: T,
                                                         hint: @autoclosure () -> String = "",
                                                         as wrap: (SystemCallError) -> E) throws(E) -> T {
        do { return try check(call(), result, hint: hint()) } catch { throw wrap(error) }
    }

    /// The errno of a negative shim result, nil for a success. Concrete and inlinable: hot
    /// paths ask it on every system call.
    @inlinable @inline(__always)
    public static func errno(of result: Int32) -> Errno? { Errno(shimResult: result) }

    @inlinable @inline(__always)
    public static func errno(of result: Int) -> Errno? { Errno(shimResult: result) }

    /// The error for an errno a C call reported some other way (a NULL return with `*err`).
    public static func failure(_ call: String, errno code: Int32, hint: String = "") -> SystemCallError {
        SystemCallError(call: call, errno: Errno(rawValue: code), hint: hint)
    }
}

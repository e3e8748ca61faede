import CVWiFiShim
import Glibc
import Measurement
import Synchronization

/// An eventfd: the kernel object KVM's irqfd/ioeventfd use, and pollable with a timeout.
/// Non-blocking, so a `wait` that loses a race with another reader returns nil instead of hanging.
public final class EventChannel: @unchecked Sendable {
    // SAFETY: the descriptor is an atomic word; eventfd itself is thread-safe.
    private let descriptor: Atomic<Int32>

    public init() throws {
        let fd = try SystemCall.check("eventfd", vw_eventfd(0, O_NONBLOCK), as: PlatformError.system)
        descriptor = Atomic(fd)
    }

    deinit { close() }

    /// The file descriptor (-1 after `close()`), e.g. for KVM_IRQFD / KVM_IOEVENTFD.
    public var fd: Int32 { descriptor.load(ordering: .acquiring) }

    /// Adds `n` to the counter; false when closed or on error.
    @discardableResult
    public func signal(_ n: UInt64 = 1) -> Bool {
        let fd = self.fd
        guard fd >= 0 else { return false }
        return vw_eventfd_signal(fd, n) == 0
    }

    /// Waits up to `timeoutMs` (< 0: forever) for the counter to be non-zero, then reads and
    /// clears it. nil on timeout, when closed, or when another reader took the value.
    public func wait(timeoutMs: Int) -> UInt64? {
        let fd = self.fd
        guard fd >= 0 else { return nil }
        let ready = vw_poll_readable(fd, Int32(clamping: timeoutMs))
        guard ready > 0 else { return nil }
        var value: UInt64 = 0
        return vw_eventfd_wait(fd, &value) == 0 ? value : nil
    }

    /// Reads and clears the counter without waiting; nil when it was zero.
    public func drain() -> UInt64? {
        let fd = self.fd
        guard fd >= 0 else { return nil }
        var value: UInt64 = 0
        return vw_eventfd_wait(fd, &value) == 0 ? value : nil
    }

    public func close() {
        let fd = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 { _ = vw_close(fd) }
    }
}

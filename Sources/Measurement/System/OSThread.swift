// The harness's one wrapper around a pthread: pipeline roles, probes pinned to a CPU and the
// bench's hand-off partners all need a real OS thread with a name and a kernel thread id,
// which Swift concurrency (a multiplexed pool) does not give.
import CVWiFiShim
import Glibc

public final class OSThread: @unchecked Sendable {
    // SAFETY: `handle` is written once by `start` before the object escapes, and read only by
    // `join`, which the starting thread calls once.
    private var handle = pthread_t()
    private var joinable = false
    /// The name given at start (the kernel keeps at most 15 characters).
    public let name: String

    private final class Start {
        let name: String
        let body: @Sendable (_ tid: Int32) -> Void
        init(name: String, body: @escaping @Sendable (Int32) -> Void) { self.name = name; self.body = body }
    }

    private init(name: String) { self.name = name }

    /// Starts `body` on a new OS thread named `name` (empty: unnamed); it receives its kernel
    /// thread id. Throws when pthread_create fails.
    public static func start(name: String = "", _ body: @escaping @Sendable (_ tid: Int32) -> Void)
        throws(SystemCallError) -> OSThread {
        let thread = OSThread(name: name)
        // SAFETY: ownership: retained once here; the new thread takes (releases) it, or, if creation
        // fails, the release below does.
        let context = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        let rc = pthread_create(&thread.handle, nil, { raw in
            // SAFETY: `raw` is the context passed below, retained once for this thread; taking
            // the retained value here balances that retain.
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            if !start.name.isEmpty { _ = start.name.withCString { vw_set_thread_name($0) } }
            start.body(vw_gettid())
            return nil
        }, context)
        guard rc == 0 else {
            // SAFETY: the thread was not created, so nobody else will release the context.
            Unmanaged<Start>.fromOpaque(context).release()
            throw SystemCall.failure("pthread_create (thread \(name.isEmpty ? "unnamed" : name))", errno: rc)
        }
        thread.joinable = true
        return thread
    }

    /// Waits for the thread to end; later calls return at once.
    public func join() {
        guard joinable else { return }
        _ = pthread_join(handle, nil)
        joinable = false
    }
}

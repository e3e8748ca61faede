// A plain pthread for probes that must run on a chosen CPU (the TSC cross-CPU check) or whose
// kernel thread id must be known. Swift concurrency gives neither.
import CVWiFiShim
import Glibc

final class NativeThread: Sendable {
    private let handle: pthread_t

    private final class Start: Sendable {
        let body: @Sendable (Int32) -> Void
        init(body: @escaping @Sendable (Int32) -> Void) { self.body = body }
    }

    private init(handle: pthread_t) {
        self.handle = handle
    }

    /// Starts `body` on a new thread; it receives its kernel thread id. Nil if pthread_create fails.
    static func start(_ body: @escaping @Sendable (_ tid: Int32) -> Void) -> NativeThread? {
        let start = Start(body: body)
        let context = Unmanaged.passRetained(start).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            // Balanced with passRetained above: the thread owns the context from here on.
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            start.body(vw_gettid())
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<Start>.fromOpaque(context).release()
            return nil
        }
        return NativeThread(handle: handle)
    }

    /// Waits for the thread to end. Call exactly once.
    func join() {
        _ = pthread_join(handle, nil)
    }
}

// A plain pthread for the hand-off measurements: two sides on two OS threads, as the
// pipelines run them (Swift concurrency would multiplex them on a pool).
import Glibc
import Measurement

final class BenchThread: Sendable {
    private let handle: pthread_t

    private final class Start: Sendable {
        let body: @Sendable () -> Void
        init(body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private init(handle: pthread_t) { self.handle = handle }

    /// Starts `body` on a new thread, `name` saying which in a pthread_create failure.
    static func start(_ name: String, _ body: @escaping @Sendable () -> Void) throws(BenchError) -> BenchThread {
        let context = Unmanaged.passRetained(Start(body: body)).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            // Balanced with passRetained above: the thread owns the context from here on.
            Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<Start>.fromOpaque(context).release()
            // pthread_create returns the errno itself rather than -errno.
            throw .system(SystemCall.failure("pthread_create (\(name))", errno: rc))
        }
        return BenchThread(handle: handle)
    }

    func join() { _ = pthread_join(handle, nil) }
}

// One OS thread per pipeline role, named so a profiler shows it.
import CVWiFiShim
#if canImport(Glibc)
import Glibc
#endif
final class PipelineThread: @unchecked Sendable {
    // Sound: `handle` is written once by `start` before any other thread can see this object's
    // join, and read only by `join` on the spawning thread.
    private var handle = pthread_t()
    private var started = false
    let name: String

    private final class Box {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) { self.name = name; self.body = body }
    }

    private init(name: String) { self.name = name }

    /// Starts `body` on a new OS thread named `name` (at most 15 characters are kept).
    static func start(name: String, _ body: @escaping @Sendable () -> Void) throws -> PipelineThread {
        let t = PipelineThread(name: name)
        let box = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
        let rc = pthread_create(&t.handle, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            _ = box.name.withCString { vw_set_thread_name($0) }
            box.body()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw PipelineError.setup("cannot start thread \(name): pthread_create returned \(rc)")
        }
        t.started = true
        return t
    }

    func join() {
        guard started else { return }
        pthread_join(handle, nil)
        started = false
    }
}

// One assembled data path: its threads (not yet started), the objects to close to stop them,
// and its parts (each path's own components), which report to the result once they were joined.
import CVWiFiShim
import Measurement
import Platform

final class Pipeline: @unchecked Sendable {
    // SAFETY: built and used by the executor's thread; components run on their own threads.
    let config: PathConfig
    let control = PipelineControl()
    let tally = Tally()
    /// The executor's own thread, measured while it supervises this pipeline.
    let harness = HarnessAccount()
    var accounts: [ThreadAccount] = []
    var bodies: [(String, @Sendable () -> Void)] = []
    var closers: [() -> Void] = []
    var sockets: [Int32] = []
    /// Every futex notifier of the path, for counting the wake-ups it really issued.
    var notifiers: [Notifier] = []
    private var threads: [OSThread] = []

    /// The path's own components, which report to the result (set by the path's assembly).
    var parts: (any PathParts)?
    var trapBackendName = "none"
    var trapReason = ""
    var interruptMechanism = "none"
    /// The stages the watchdog watches, in TX pipeline order (see StallWatch).
    var watched: [WatchedStage] = []

    init(config: PathConfig) { self.config = config }

    func account(_ component: Component, _ name: String) -> ThreadAccount {
        let packets = config.duration.map { Int($0 * 4_000) } ?? config.packets
        let expected = max(packets, config.workload == .ping ? config.pingCount : 0) + config.warmupPackets
        let a = ThreadAccount(component: component, name: name, stampCapacity: min(1 << 20, expected * 6 + 4096),
                              stampsEnabled: config.stamps, events: config.counters)
        a.holdID = accounts.count + 1
        accounts.append(a)
        return a
    }

    /// A component's context: the run's configuration, control and tally, and a new account
    /// for the thread `name` doing `component`'s work.
    func context(_ component: Component, _ name: String) -> ComponentContext {
        ComponentContext(config: config, account: account(component, name), control: control, tally: tally)
    }

    func add(_ name: String, _ body: @escaping @Sendable () -> Void) { bodies.append((name, body)) }

    func start() throws {
        for (name, body) in bodies {
            do {
                threads.append(try OSThread.start(name: name) { _ in body() })
            } catch {
                stop()
                throw PipelineError.setup("\(error)")
            }
        }
    }

    /// Stops every thread within a bounded time: the phase flips, then every blocking point
    /// (futex, eventfd, socket) is released.
    func stop() {
        control.stop()
        for s in sockets { _ = vw_shutdown(s) }
        for c in closers { c() }
        for t in threads { t.join() }
        threads.removeAll()
    }

    deinit {
        for s in sockets { _ = vw_close(s) }
    }

    /// Frames the path will carry, for sizing sequence bitmaps.
    var expectedFrames: Int {
        let packets = config.duration.map { max(Int($0 * 200_000), 1) } ?? config.packets
        return max(packets, config.pingCount) + 64
    }
}

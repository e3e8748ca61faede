// Hand-off cost: the harness's ring + notification between two threads, measured as a
// ping-pong round trip, beside the C reference doing the same hand-off (CReference's
// vwr_handoff) in the same run. Spinning: both sides poll the ring. Futex: Platform.Notifier
// (no spin, so every hand-off is a real wake-up). Eventfd: Platform.EventChannel.
import CReference
import CVWiFiShim
import Measurement
import Platform

public enum HandoffMode: String, CaseIterable, Sendable {
    case spinning, futex, eventfd

    /// The mode number `vwr_handoff` takes.
    var referenceMode: Int32 {
        switch self {
        case .spinning: 0
        case .futex: 1
        case .eventfd: 2
        }
    }
}

public enum HandoffCost {
    /// Pause iterations before a blocking wait sleeps: 0, so the blocking modes measure the
    /// kernel mechanism itself (a spin that catches the signal would be the spinning mode).
    public static let blockingSpins = 0

    /// TSC cycles per round trip of the C reference (one batch).
    public static func reference(_ mode: HandoffMode, roundTrips: Int) throws -> Double {
        var cycles = 0.0
        try SystemCall.check("vwr_handoff(\(mode.rawValue))", vwr_handoff(mode.referenceMode, Int32(blockingSpins), roundTrips, 1, &cycles),
                             as: BenchError.reference)
        return cycles
    }

    /// TSC cycles per round trip through DescriptorRing + Notifier / EventChannel (one batch).
    public static func harness(_ mode: HandoffMode, roundTrips: Int) throws -> Double {
        let side = try PingPongSide(mode: mode, count: roundTrips)
        let pong: OSThread
        do {
            pong = try OSThread.start(name: "vw-bench-pong") { _ in side.pong() }
        } catch {
            throw BenchError.system(error)
        }
        let cycles = side.ping()
        pong.join()
        return Double(cycles) / Double(roundTrips)
    }
}

/// Both ends of the ping-pong.
final class PingPongSide: @unchecked Sendable {
    // SAFETY: `toPong` has one producer (ping) and one consumer (pong), `toPing` the reverse; the
    // wake-up objects are safe from any thread.
    let mode: HandoffMode
    let count: Int
    let toPong = DescriptorRing(capacity: 256)
    let toPing = DescriptorRing(capacity: 256)
    let pongNotifier = Notifier()
    let pingNotifier = Notifier()
    let pongEvent: EventChannel
    let pingEvent: EventChannel

    init(mode: HandoffMode, count: Int) throws {
        self.mode = mode
        self.count = count
        pongEvent = try EventChannel()
        pingEvent = try EventChannel()
    }

    /// Sends `count` descriptors and waits for each to come back; returns the TSC cycles taken.
    func ping() -> UInt64 {
        var d = Descriptor.zero
        let start = vw_rdtsc()
        for i in 0..<count {
            d.seq = UInt32(truncatingIfNeeded: i)
            _ = toPong.push(d)
            wake(pongNotifier, pongEvent)
            receive(from: toPing, into: &d, notifier: pingNotifier, event: pingEvent)
        }
        return vw_rdtsc() &- start
    }

    /// Returns every descriptor it receives.
    func pong() {
        var d = Descriptor.zero
        for _ in 0..<count {
            receive(from: toPong, into: &d, notifier: pongNotifier, event: pongEvent)
            _ = toPing.push(d)
            wake(pingNotifier, pingEvent)
        }
    }

    @inline(__always)
    private func wake(_ notifier: Notifier, _ event: EventChannel) {
        switch mode {
        case .spinning: break
        case .futex: notifier.signal()
        case .eventfd: event.signal(1)
        }
    }

    @inline(__always)
    private func receive(from ring: DescriptorRing, into d: inout Descriptor, notifier: Notifier, event: EventChannel) {
        while true {
            let token = mode == .futex ? notifier.prepare() : 0
            if ring.tryPop(into: &d) { return }
            switch mode {
            case .spinning: vw_cpu_relax()
            case .futex:
                _ = notifier.wait(after: token, spinIterations: HandoffCost.blockingSpins, timeoutNs: 1_000_000_000)
            case .eventfd: _ = event.wait(timeoutMs: 1000)
            }
        }
    }
}

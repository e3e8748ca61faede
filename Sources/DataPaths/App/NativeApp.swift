// The native application: a UDP sender, receiver or pinger on the host, talking to the host
// stack through real system calls on a socket.
import CVWiFiShim
import Measurement
import Platform
final class NativeApp: PipelineComponent, @unchecked Sendable {
    // Sound: touched only by the application thread after start.
    package let context: ComponentContext
    private let socket: Int32
    private let buffer: UnsafeMutableRawPointer
    private var seen: SequenceSet
    private(set) var rttCycles: [UInt64] = []
    private(set) var received = 0
    private(set) var firstMeasuredNs: Int64 = 0
    private(set) var lastMeasuredNs: Int64 = 0
    private(set) var measuredBytes = 0
    private(set) var measuredCount = 0

    init(context: ComponentContext, socket: Int32,
         expectedFrames: Int) {
        let config = context.config
        self.context = context
        self.socket = socket
        buffer = .allocate(byteCount: 8192, alignment: 64)
        seen = SequenceSet(capacity: expectedFrames)
        rttCycles.reserveCapacity(config.workload == .ping ? config.pingCount : 0)
    }

    deinit { buffer.deallocate() }

    func run() {
        runThread {
            switch config.workload {
            case .udp where config.direction == .tx: sendStream()
            case .udp: receiveStream()
            case .ping: ping()
            case .idle: break
            }
        }
    }

    /// Received data waits on the application's socket (the watchdog asks, from its own thread).
    var dataWaiting: Bool { StallWatch.readable(socket) }

    private func sendStream() {
        let start = vw_monotonic_ns()
        var seq: UInt32 = 0
        while !control.isStopping {
            account.follow(control)
            if let d = config.duration {
                if vw_monotonic_ns() - start >= Int64(d * 1e9) && Int(seq) > config.warmupPackets { break }
            } else if Int(seq) >= config.packets { break }
            if let rate = config.rate {
                let due = start + Int64(Double(seq) / rate * 1e9)
                if vw_monotonic_ns() < due { _ = vw_sleep_until_ns(due) }
            }
            FrameFormat.writePayload(into: buffer, length: config.size, seq: seq)
            if Int(seq) == config.warmupPackets { control.startMeasuring() }
            account.stamp(.doorbell, seq)
            let n = SocketCalls.send(socket, buffer, config.size, account: account, control: control)
            guard n == config.size else { break }
            tally.add(tally.sent)
            account.advance()
            seq &+= 1
        }
        tally.senderDone.store(true, ordering: .relaxed)
    }

    private func receiveStream() {
        control.startMeasuring()
        while !control.isStopping {
            account.follow(control)
            guard let seq = receiveOne() else { return }
            tally.add(tally.rxDelivered)
            if Int(seq) >= config.warmupPackets {
                let now = vw_monotonic_ns()
                if measuredCount == 0 { firstMeasuredNs = now }
                measuredCount += 1
                measuredBytes += config.size
                lastMeasuredNs = now
            }
        }
    }

    /// Receives and verifies one payload; nil when the socket was shut down.
    private func receiveOne() -> UInt32? {
        let n = SocketCalls.receive(socket, buffer, 8192, account: account, control: control)
        let t1 = TSC.now()
        guard n > 0 else { return nil }
        let (seq, ok) = FrameFormat.verifyPayload(buffer, length: n)
        guard ok else {
            control.fail("application received a corrupted payload of \(n) bytes")
            return nil
        }
        guard seen.insert(seq) else {
            control.fail("application received payload seq \(seq) twice")
            return nil
        }
        account.stamp(.rxDelivery, seq, tsc: t1)
        received += 1
        account.advance()
        return seq
    }

    private func ping() {
        control.startMeasuring()
        let start = vw_monotonic_ns()
        for i in 0..<config.pingCount where !control.isStopping {
            account.follow(control)
            let due = start + Int64(Double(i) * config.pingIntervalMs * 1e6)
            if vw_monotonic_ns() < due { _ = vw_sleep_until_ns(due) }
            let seq = UInt32(i)
            FrameFormat.writePayload(into: buffer, length: PingWorkload.payloadBytes, seq: seq)
            let t0 = TSC.now()
            account.stamp(.doorbell, seq, tsc: t0)
            guard SocketCalls.send(socket, buffer, PingWorkload.payloadBytes, account: account, control: control) > 0
            else { break }
            tally.add(tally.sent)
            guard let reply = receiveOne() else { break }
            if reply == seq { rttCycles.append(TSC.now() &- t0) }
            tally.add(tally.echoes)
        }
        tally.senderDone.store(true, ordering: .relaxed)
    }
}

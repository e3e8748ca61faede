// The native application: a UDP sender, receiver or pinger on the host, on a real UDP socket
// of the run's own network namespace. A send runs the kernel's UDP/IP stack and then the host
// driver's transmit routine on this thread, as the kernel does in the sender's context.
import CVWiFiShim
import Measurement
import Platform
#if canImport(Glibc)
import Glibc
#endif
final class NativeApp: PipelineComponent, @unchecked Sendable {
    // SAFETY: touched only by the application thread after start.
    package let context: ComponentContext
    private let socket: Int32
    private let transmitter: NativeTransmitRoutine
    private let buffer: UnsafeMutableRawPointer
    private var seen: SequenceSet
    private(set) var rttCycles: [UInt64] = []
    private(set) var received = 0
    private(set) var firstMeasuredNs: Int64 = 0
    private(set) var lastMeasuredNs: Int64 = 0
    private(set) var measuredBytes = 0
    private(set) var measuredCount = 0
    /// Packets the kernel dropped because the socket's receive queue was full.
    private(set) var socketDrops = 0
    /// Echo requests whose reply did not come within the ping timeout.
    private(set) var pingTimeouts = 0

    /// What this application thread does. With `--direction bidir` two run on the one socket,
    /// a sender and a receiver (as `iperf3 --bidir` runs a stream each way).
    enum Role { case send, receive, ping, idle }
    let role: Role

    init(context: ComponentContext, socket: Int32, transmitter: NativeTransmitRoutine, expectedFrames: Int,
         role: Role? = nil) {
        let config = context.config
        self.context = context
        self.role = role ?? Self.role(config)
        self.socket = socket
        self.transmitter = transmitter
        // SAFETY: ownership: the app's receive buffer, owned by this object and freed once in deinit.
        buffer = .allocate(byteCount: 8192, alignment: 64)
        seen = SequenceSet(capacity: expectedFrames)
        rttCycles.reserveCapacity(config.workload == .ping ? config.pingCount : 0)
    }

    // SAFETY: ownership: allocated once in init, no other reference survives this object.
    deinit { buffer.deallocate() }

    /// The one application thread's role for `config` (bidir: the sender; assembly adds the receiver).
    static func role(_ config: PathConfig) -> Role {
        switch config.workload {
        case .udp: config.direction.sends ? .send : .receive
        case .ping: .ping
        case .idle: .idle
        }
    }

    func run() {
        runThread {
            switch role {
            case .send: sendStream()
            case .receive: receiveStream()
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
            guard transmitter.waitForRoom(control: control) else { break }
            account.stamp(.doorbell, seq)
            guard send(config.size) else { break }
            tally.add(tally.sent)
            account.advance()
            seq &+= 1
        }
        tally.senderDone.store(true, ordering: .relaxed)
    }

    private func receiveStream() {
        control.startMeasuring()
        tally.receiverReady.store(true, ordering: .releasing)
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

    /// One send(): the kernel's UDP/IP stack runs inside it (network_stack, the crossing
    /// included), then the driver's transmit routine takes the packet. False when stopping.
    private func send(_ length: Int) -> Bool {
        let n = SocketCalls.send(socket, buffer, length, account: account, control: control, charging: .networkStack)
        return n == length && transmitter.transmit(account: account, control: control)
    }

    /// Receives one datagram, waiting (uncharged) while the socket is empty; on the way it counts
    /// what the kernel dropped at the full socket, so the run knows those will never arrive.
    private func receiveDatagram(until deadlineNs: Int64 = .max) -> Int {
        while true {
            let start = TSC.now()
            let n = vw_recv(socket, buffer, 8192, 1)
            account.charge(.systemCalls, since: start)
            if !SocketCalls.wouldBlock(n) || control.isStopping { return n }
            let drops = vw_socket_drops(socket)
            if drops > socketDrops {
                tally.add(tally.dropped, drops - socketDrops)
                socketDrops = drops
            }
            let left = deadlineNs - vw_monotonic_ns()
            if left <= 0 { return n }
            _ = vw_poll_readable(socket, left >= 100_000_000 ? 100 : Int32((left + 999_999) / 1_000_000))
        }
    }

    /// Receives and verifies one payload; nil when the socket was shut down.
    private func receiveOne(until deadlineNs: Int64 = .max) -> UInt32? {
        let n = receiveDatagram(until: deadlineNs)
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
            guard transmitter.waitForRoom(control: control) else { break }
            let t0 = TSC.now()
            account.stamp(.doorbell, seq, tsc: t0)
            guard send(PingWorkload.payloadBytes) else { break }
            tally.add(tally.sent)
            // This request's reply, or the timeout (a frame dropped at the retry limit never
            // comes); a late reply to an earlier request is counted, not timed.
            let giveUp = vw_monotonic_ns() + Int64(config.pingTimeoutMs * 1e6)
            var answered = false
            while !answered && !control.isStopping {
                guard let reply = receiveOne(until: giveUp) else { break }
                if reply == seq {
                    rttCycles.append(TSC.now() &- t0)
                    answered = true
                }
                tally.add(tally.echoes)
            }
            if !answered && !control.isStopping { pingTimeouts += 1 }
        }
        tally.senderDone.store(true, ordering: .relaxed)
    }
}

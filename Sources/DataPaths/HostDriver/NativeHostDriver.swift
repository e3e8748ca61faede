// The native path's host driver. Its transmit routine runs in the sender's context (see
// NativeTransmitRoutine); its own thread is interrupt context only: TX completions (the
// buffers go back to the transmit routine) and received frames, which it strips to the IP
// packet and writes to the TUN interface, where the kernel's IP/UDP receive runs and wakes the
// application.
import CVWiFiShim
import Measurement
import Platform

final class NativeHostDriver: PipelineComponent, @unchecked Sendable {
    // SAFETY: touched only by the host-driver thread after start (the transmit routine by the
    // application's).
    package let context: ComponentContext
    private let device: HostDeviceQueues
    private let tun: Int32
    let transmitter: NativeTransmitRoutine
    private(set) var interruptsHandled = 0
    /// A real program is the traffic: frames carry any IPv4 packet, and the driver counts the
    /// transport payload it hands the kernel (the harness's goodput of a peer-to-station flow).
    let carried: Bool
    private(set) var carriedDelivery = PayloadSpan()
    /// The replies to a program's probes, as the driver hands them to the kernel (nil for traffic
    /// without probes).
    var echoReplies: EchoTimes?

    init(context: ComponentContext, device: HostDeviceQueues, tun: Int32, transmitter: NativeTransmitRoutine) {
        self.context = context
        self.device = device
        self.tun = tun
        self.transmitter = transmitter
        carried = context.config.traffic.isTool
    }

    var deviceQueueFullWaits: Int { transmitter.deviceQueueFullWaits }
    var completionsWaiting: Int { device.completions.count }

    func run() {
        runLoop {
            let r = vw_poll_readable(device.irq.channel.fd, 100)
            if r < 0 { return }
            if r > 0 { handleInterrupt() }
        }
    }

    private func handleInterrupt() {
        let start = TSC.now()
        _ = device.irq.channel.drain()   // poll said readable: read, no second poll
        account.stamp(.physicalIRQ, device.irq.cause, tsc: start)
        interruptsHandled += 1
        var mark = account.charge(.interruptHandlingForwarding, since: start)
        var reclaimed = false
        var d = Descriptor()
        while device.completions.tryPop(into: &d) {
            account.advance()
            if d.kind == DescriptorKind.txStatus.rawValue {
                transmitter.pool.giveBack(d.bufferID)
                reclaimed = true
                tally.add(tally.txReclaimed)
                if d.flags & DescriptorFlag.dropped != 0 { tally.add(tally.dropped) }
                mark = account.charge(.interruptHandlingForwarding, since: mark)
                continue
            }
            account.stamp(.rxPhysicalIRQ, d.seq, tsc: mark)
            guard receive(d, since: &mark) else { return }
        }
        // Wakes a sender that found no free buffer (a futex wake only when one sleeps).
        if reclaimed {
            transmitter.pool.room.signal()
            account.charge(.schedulingWakeups, since: mark)
        }
    }

    /// One received frame: the driver checks the link headers and hands the IP packet to the
    /// kernel (a write to the TUN fd: the kernel's IP/UDP receive runs inside it, on this thread,
    /// as it runs in a real driver's receive softirq, and wakes the application).
    private func receive(_ d: Descriptor, since mark: inout UInt64) -> Bool {
        let frame = device.rxFrame(d)
        let length = Int(d.length)
        let shortest = carried ? FrameFormat.ipv4Offset + FrameFormat.minimumCarriedIPv4 + FrameFormat.fcsBytes
            : FrameFormat.overheadBytes + FrameFormat.minimumPayload
        guard length >= shortest, FrameFormat.isIPv4DataFrame(frame) else {
            control.fail("native host driver received a frame that is not IPv4 over LLC/SNAP (seq \(d.seq))")
            return false
        }
        mark = account.charge(.interruptHandlingForwarding, since: mark)
        account.stamp(.rxForward, d.seq, tsc: mark)
        let ip = frame + FrameFormat.ipv4Offset
        let ipLength = length - FrameFormat.ipv4Offset - FrameFormat.fcsBytes
        // A reply is timed as it is handed over: the kernel stamps the packet on entry to the
        // write (a program's receive time), and the write may return only after it ran.
        let handed = mark
        let n = vw_write(tun, ip, ipLength)
        mark = account.charge(.networkStack, since: mark)
        guard n > 0 else {
            control.fail("native host driver: write to the TUN interface failed: \(SystemCall.errno(of: n)?.named ?? "nothing written")")
            return false
        }
        if carried {
            count(ip, length: ipLength)
            echoReplies?.note(ip, length: ipLength, at: handed)
        }
        device.repost(bufferID: d.bufferID)
        return true
    }

    /// The instrument's tally of a carried packet handed to the kernel (its transport payload).
    private func count(_ ip: UnsafeRawPointer, length: Int) {
        carriedDelivery.countCarried(ip, length: length, atNs: vw_monotonic_ns())
        tally.add(tally.rxDelivered)
    }
}

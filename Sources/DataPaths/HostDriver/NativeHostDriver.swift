// The native path's host driver and network stack: packets arrive from the application
// through a real system call (a socket send copies them into the kernel); the driver builds the
// 802.11/LLC/IP/UDP headers around them in its own DMA buffers and queues them for the μCode.
// Received frames go back up to the application the same way.
import CVWiFiShim
import Measurement
import Platform

final class NativeHostDriver: PipelineComponent, @unchecked Sendable {
    // Sound: touched only by the host-driver thread after start.
    package let context: ComponentContext
    private let device: HostDeviceQueues
    private let socket: Int32
    private let station: MACAddress
    private let peer: MACAddress
    private let bssid: MACAddress
    private let txPool: UnsafeMutableRawPointer
    private var freeTx: [UInt16]
    private var freeTxCount: Int
    /// Loop iterations with no free buffer or a full device queue (back-pressure), counted.
    private(set) var deviceQueueFullWaits = 0
    private static let bufferBytes = 4096
    private(set) var interruptsHandled = 0

    init(context: ComponentContext,
         device: HostDeviceQueues, socket: Int32, station: MACAddress, peer: MACAddress, bssid: MACAddress) {
        let config = context.config
        self.context = context
        self.device = device
        self.socket = socket
        self.station = station
        self.peer = peer
        self.bssid = bssid
        let count = config.ringSize
        txPool = .allocate(byteCount: count * Self.bufferBytes, alignment: 4096)
        txPool.initializeMemory(as: UInt8.self, repeating: 0, count: count * Self.bufferBytes)
        freeTx = (0..<count).reversed().map { UInt16($0) }
        freeTxCount = count
    }

    deinit { txPool.deallocate() }

    private var frameKind: FrameKind { config.workload == .ping ? .echoRequest : .udp }

    /// The application's socket holds data the driver could take; completions wait (the
    /// watchdog asks, from its own thread).
    var applicationDataWaiting: Bool { device.tx.count < device.tx.capacity && StallWatch.readable(socket) }
    var completionsWaiting: Int { device.completions.count }

    func run() {
        device.postAllReceiveBuffers()
        var appReady: Int32 = 0, irqReady: Int32 = 0
        runLoop {
            let room = freeTxCount > 0 && !device.tx.isFull
            if !room { deviceQueueFullWaits += 1 }
            let r = vw_poll2(room ? socket : -1, device.irq.channel.fd, 100, &appReady, &irqReady)
            if r < 0 { return }
            if irqReady != 0 { handleInterrupt() }
            if appReady != 0 { drainApplication() }
        }
    }

    private func drainApplication() {
        let headerBytes = FrameFormat.payloadOffset
        while freeTxCount > 0 && !device.tx.isFull {
            let buffer = freeTx[freeTxCount - 1]
            let frame = txPool + Int(buffer) * Self.bufferBytes
            let start = TSC.now()
            let n = vw_recv(socket, frame + headerBytes, Self.bufferBytes - headerBytes - 8, 1)
            let received = account.charge(.systemCalls, since: start)
            guard n > 0 else { return }
            account.advance()
            freeTxCount -= 1
            let seq = PayloadStamp(loadingFrom: frame + headerBytes).seq
            account.stamp(.hostDriverReceipt, seq, tsc: received)
            let headers = FrameFormat.writeHeaders(into: frame, payloadLength: n, seq: seq, source: station,
                                                   destination: peer, bssid: bssid, kind: frameKind)
            var d = Descriptor()
            d.addr = UInt64(UInt(bitPattern: frame))
            d.length = UInt32(headers + n)
            d.seq = seq
            d.kind = DescriptorKind.tx.rawValue
            d.flags = DescriptorFlag.hostAddress
            d.bufferID = buffer
            account.charge(.networkStack, since: received)
            _ = device.queue(d, account: account)
        }
    }

    private func handleInterrupt() {
        let start = TSC.now()
        _ = device.irq.channel.wait(timeoutMs: 0)
        account.stamp(.physicalIRQ, device.irq.cause, tsc: start)
        interruptsHandled += 1
        var mark = account.charge(.interruptHandlingForwarding, since: start)
        var d = Descriptor()
        while device.completions.tryPop(into: &d) {
            account.advance()
            if d.kind == DescriptorKind.txStatus.rawValue {
                freeTx[freeTxCount] = d.bufferID
                freeTxCount += 1
                tally.add(tally.txReclaimed)
                if d.flags & DescriptorFlag.dropped != 0 { tally.add(tally.dropped) }
                mark = account.charge(.interruptHandlingForwarding, since: mark)
                continue
            }
            account.stamp(.rxPhysicalIRQ, d.seq, tsc: mark)
            let frame = device.rxFrame(d)
            // The receive half of the network stack: check the frame, strip the headers.
            guard case .ok(_, let payload, _) = FrameFormat.verify(frame: frame, length: Int(d.length)) else {
                control.fail("native host stack received a corrupted frame (seq \(d.seq))")
                return
            }
            mark = account.charge(.networkStack, since: mark)
            account.stamp(.rxForward, d.seq, tsc: mark)
            _ = SocketCalls.send(socket, frame + FrameFormat.payloadOffset, payload, account: account, control: control)
            mark = TSC.now()
            device.repost(bufferID: d.bufferID)
        }
    }
}

// The native host driver's transmit routine. The kernel calls a NIC driver's transmit routine
// in the sender's context, right after its UDP/IP stack built the packet, so this runs on the
// application's thread straight after send(): it takes the kernel's IP packet off the TUN queue
// (the stand-in for being handed the packet), puts the 802.11 and LLC/SNAP headers in front of
// it in a DMA buffer, and queues the descriptor on the device's TX ring with a doorbell.
import CVWiFiShim
import Measurement
import Platform
#if canImport(Glibc)
import Glibc
#endif

final class NativeTransmitRoutine: @unchecked Sendable {
    // SAFETY: used only by the application's thread after start (the pool's hand-back is SPSC).
    let tun: Int32
    let device: HostDeviceQueues
    let pool: TXBufferPool
    let station: MACAddress
    let peer: MACAddress
    let bssid: MACAddress
    /// Times the sender found no free TX buffer or a full device ring (back-pressure), counted.
    private(set) var deviceQueueFullWaits = 0
    /// Packets on the TUN queue that were not the run's (not IPv4/UDP), skipped.
    var foreignPackets = 0
    /// A program's round-trip probes (ping's echoes, sockperf's messages) as the routine takes
    /// them (nil for other traffic).
    var echoRequests: EchoTimes?

    init(tun: Int32, device: HostDeviceQueues, pool: TXBufferPool, station: MACAddress, peer: MACAddress,
         bssid: MACAddress) {
        self.tun = tun
        self.device = device
        self.pool = pool
        self.station = station
        self.peer = peer
        self.bssid = bssid
    }

    /// Waits until a TX buffer and a device ring slot are free, as a sender blocks on a stopped
    /// queue (uncharged: a blocked thread uses no CPU). False when the run stops.
    func waitForRoom(control: PipelineControl) -> Bool {
        while true {
            let token = pool.room.prepare()
            if pool.hasFree && !device.tx.isFull { return true }
            deviceQueueFullWaits += 1
            if control.isStopping { return false }
            _ = pool.room.wait(after: token, spinIterations: 0, timeoutNs: 100_000_000)
        }
    }

    /// Takes the packet the kernel just transmitted off the TUN queue and queues it for the
    /// device. False when the run stops or the read fails (the run is failed then).
    func transmit(account: ThreadAccount, control: PipelineControl) -> Bool {
        guard let buffer = pool.take() else { return false }
        let frame = pool.address(buffer)
        let ip = frame + FrameFormat.ipv4Offset
        while true {
            switch read(into: ip, account: account, control: control) {
            case .empty:
                // Not yet on the queue (cannot happen with one sender); wait rather than leave it.
                if control.isStopping { pool.keep(buffer); return false }
                _ = vw_poll_readable(tun, 100)
            case .failed:
                pool.keep(buffer)
                return false
            case .packet(let n, let received):
                guard Self.isUDPv4(ip, length: n) else {
                    foreignPackets += 1
                    continue
                }
                let seq = PayloadStamp(loadingFrom: frame + FrameFormat.payloadOffset).seq
                account.stamp(.hostDriverReceipt, seq, tsc: received)
                return queue(buffer: buffer, ipLength: n, seq: seq, account: account, since: received)
            }
        }
    }

    enum TUNRead { case packet(length: Int, at: UInt64), empty, failed }

    /// One read of the TUN queue into a TX buffer's IP area (`.failed` fails the run). The read's
    /// crossing and copy stand for the kernel handing the driver its packet; a real driver maps
    /// it for DMA instead, so it is a system call, not stack work.
    @inline(__always)
    func read(into ip: UnsafeMutableRawPointer, account: ThreadAccount, control: PipelineControl) -> TUNRead {
        let capacity = TXBufferPool.bufferBytes - FrameFormat.ipv4Offset - FrameFormat.fcsBytes
        let start = TSC.now()
        let n = vw_read(tun, ip, capacity)
        let received = account.charge(.systemCalls, since: start)
        if SocketCalls.wouldBlock(n) { return .empty }
        guard n > 0 else {
            control.fail("native transmit routine: read from the TUN interface failed: \(SystemCall.errno(of: n)?.named ?? "end of file")")
            return .failed
        }
        return .packet(length: n, at: received)
    }

    /// Puts the link headers in front of the IPv4 packet of `ipLength` bytes in `buffer` and
    /// queues it for the device as frame `seq` (the header work is the kernel-side stack's).
    @inline(__always)
    func queue(buffer: UInt16, ipLength: Int, seq: UInt32, account: ThreadAccount, since received: UInt64) -> Bool {
        let frame = pool.address(buffer)
        let headers = FrameFormat.writeLinkHeaders(into: frame, seq: seq, source: station, destination: peer, bssid: bssid)
        var d = Descriptor()
        d.addr = UInt64(UInt(bitPattern: frame))
        d.length = UInt32(headers + ipLength)
        d.seq = seq
        d.kind = DescriptorKind.tx.rawValue
        d.flags = DescriptorFlag.hostAddress
        d.bufferID = buffer
        account.charge(.networkStack, since: received)
        return device.queue(d, account: account)
    }

    /// An IPv4/UDP packet long enough to carry a payload stamp.
    @inline(__always) static func isUDPv4(_ ip: UnsafeRawPointer, length: Int) -> Bool {
        length >= FrameFormat.ipv4HeaderBytes + FrameFormat.udpHeaderBytes + FrameFormat.minimumPayload
            && FrameFormat.isUDPv4(ip)
    }
}

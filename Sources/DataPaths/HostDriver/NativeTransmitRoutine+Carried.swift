// The transmit routine for a real program's packets: whatever the station's kernel queued on the
// TUN interface (TCP segments and acks, UDP, ICMP) goes to the device as it is, numbered by the
// routine since it carries no stamp of the harness's.
import CVWiFiShim
import Measurement
import Platform

extension NativeTransmitRoutine {
    enum CarriedSend { case queued, empty, stopped }

    /// Takes the next packet the kernel queued and queues it for the device as frame `seq`;
    /// `.empty` when the queue is empty, `.stopped` when the run stops or fails.
    func transmitCarried(seq: UInt32, account: ThreadAccount, control: PipelineControl) -> CarriedSend {
        guard let buffer = pool.take() else { return .stopped }
        let frame = pool.address(buffer)
        let ip = frame + FrameFormat.ipv4Offset
        let capacity = TXBufferPool.bufferBytes - FrameFormat.ipv4Offset - FrameFormat.fcsBytes
        while true {
            let start = TSC.now()
            let n = vw_read(tun, ip, capacity)
            let received = account.charge(.systemCalls, since: start)
            if SocketCalls.wouldBlock(n) {
                pool.keep(buffer)
                return .empty
            }
            guard n > 0 else {
                pool.keep(buffer)
                control.fail("native transmit routine: read from the TUN interface failed: \(SystemCall.errno(of: n)?.named ?? "end of file")")
                return .stopped
            }
            guard case .ok = FrameFormat.inspect(ipv4: ip, length: n) else {
                foreignPackets += 1
                continue
            }
            account.stamp(.hostDriverReceipt, seq, tsc: received)
            echoRequests?.note(ip, length: n, at: received)
            let headers = FrameFormat.writeLinkHeaders(into: frame, seq: seq, source: station, destination: peer,
                                                       bssid: bssid)
            var d = Descriptor()
            d.addr = UInt64(UInt(bitPattern: frame))
            d.length = UInt32(headers + n)
            d.seq = seq
            d.kind = DescriptorKind.tx.rawValue
            d.flags = DescriptorFlag.hostAddress
            d.bufferID = buffer
            account.charge(.networkStack, since: received)
            return device.queue(d, account: account) ? .queued : .stopped
        }
    }
}

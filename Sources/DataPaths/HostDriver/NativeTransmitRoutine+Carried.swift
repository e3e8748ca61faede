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
        let ip = pool.address(buffer) + FrameFormat.ipv4Offset
        while true {
            switch read(into: ip, account: account, control: control) {
            case .empty:
                pool.keep(buffer)
                return .empty
            case .failed:
                pool.keep(buffer)
                return .stopped
            case .packet(let n, let received):
                guard case .ok = FrameFormat.inspect(ipv4: ip, length: n) else {
                    foreignPackets += 1
                    continue
                }
                account.stamp(.hostDriverReceipt, seq, tsc: received)
                echoRequests?.note(ip, length: n, at: received)
                return queue(buffer: buffer, ipLength: n, seq: seq, account: account, since: received) ? .queued : .stopped
            }
        }
    }
}

// The access point's wired side when a real program is the traffic: what the station sends goes
// on to the peer namespace's TUN interface (the peer's kernel and the server there receive it),
// and what the peer's kernel sends comes back off that TUN as the access point's next frame. The
// device thread does both (the access point and the peer stand for the network, never host
// CPU); a watcher thread of the device's (`AccessPointWire`) only notices that the wire has a
// packet and rings the device, as an access point's own hardware would.
import CVWiFiShim
import Measurement
import Platform
import Synchronization

final class PeerBridge: @unchecked Sendable {
    // SAFETY: `tun` and the atomics are shared with the wire watcher; every counter is touched only
    // by the device thread after start, and read by the executor after joining it.
    let tun: Int32
    /// The wire has a packet the device has not read yet (set by the watcher, cleared by the device
    /// when its read finds the TUN empty).
    let pending = Atomic<Bool>(false)
    /// Signalled by the device when it emptied the TUN, so the watcher polls again.
    let drained = Notifier()

    /// Frames from the station handed to the peer, and their transport payload.
    private(set) var toPeer = PayloadSpan()
    /// Packets the peer's kernel sent, carried as the access point's frames.
    private(set) var fromPeer = 0
    /// Packets on the peer's TUN that are not IPv4 (skipped: the run's namespaces have IPv6 off).
    private(set) var foreign = 0

    init(tun: Int32) {
        self.tun = tun
    }

    /// Hands a station frame's IPv4 packet (at `ip`, `packet` as checked) to the peer's kernel.
    /// False when the write failed (the run fails: the peer's interface is gone).
    func deliver(_ ip: UnsafeRawPointer, _ packet: CarriedPacket, nowNs: Int64) -> Bool {
        let n = vw_write(tun, ip, packet.ipLength)
        guard n == packet.ipLength else { return false }
        toPeer.countPacket()
        if packet.payloadBytes > 0 { toPeer.countPayload(packet.payloadBytes, atNs: nowNs) }
        return true
    }

    /// Reads the peer's next IPv4 packet into `ip` (room for `capacity` bytes): its length, nil
    /// when the wire is empty (the watcher is told to look again) or the read failed (`failure`).
    func take(into ip: UnsafeMutableRawPointer, capacity: Int, failure: inout String?) -> Int? {
        while true {
            let n = vw_read(tun, ip, capacity)
            if SocketCalls.wouldBlock(n) {
                pending.store(false, ordering: .releasing)
                _ = drained.signal()
                return nil
            }
            guard n > 0 else {
                failure = "the access point's read from the peer's TUN failed: \(SystemCall.errno(of: n)?.named ?? "end of file")"
                return nil
            }
            if case .ok = FrameFormat.inspect(ipv4: ip, length: n) {
                fromPeer += 1
                return n
            }
            foreign += 1
        }
    }
}

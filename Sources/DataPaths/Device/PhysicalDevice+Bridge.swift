// A real program's traffic through the access point: a station frame that came off the air is
// checked and its IPv4 packet goes to the peer's kernel; the peer's next packet becomes the access
// point's frame to the station (see PeerBridge).
import CVWiFiShim
import Measurement
import Platform

extension PhysicalDevice {
    /// The station's frame reached the access point: checked (FCS, LLC/SNAP, IPv4 header), handed
    /// to the peer, and its descriptor completed.
    func deliverToPeer(_ d: Descriptor, onAir: Int, vmID: UInt8, bridge: PeerBridge, nowNs: Int64) {
        switch FrameFormat.verifyCarried(frame: staging, length: onAir) {
        case .corrupt(let reason):
            control.fail("frame seq \(d.seq) reached the access point corrupted: \(reason)")
            return
        case .ok(let packet):
            guard bridge.deliver(staging + FrameFormat.ipv4Offset, packet, nowNs: nowNs) else {
                control.fail("the access point's write to the peer's TUN failed (the peer's interface is gone)")
                return
            }
            deliveredBySender[Int(vmID)] += 1
        }
        complete(d, dropped: .none)
    }

    /// The peer's next packet as the access point's frame in `rxStaging`: its seq (the access
    /// point numbers its frames) and length on the air; nil when the wire is empty.
    func stagePeerFrame(_ bridge: PeerBridge) -> (seq: UInt32, mpdu: Int)? {
        let room = Self.stagingBytes - FrameFormat.ipv4Offset - FrameFormat.fcsBytes
        var failure: String?
        guard let n = bridge.take(into: rxStaging + FrameFormat.ipv4Offset, capacity: room, failure: &failure) else {
            if let failure { control.fail(failure) }
            return nil
        }
        tally.add(tally.peerTaken)
        let seq = rxSeq
        rxSeq &+= 1
        let mpdu = FrameFormat.wrapCarried(frame: rxStaging, ipLength: n, seq: seq, source: Stations.peer,
                                           destination: station, bssid: bssid, direction: .fromAP)
        return (seq, mpdu)
    }
}

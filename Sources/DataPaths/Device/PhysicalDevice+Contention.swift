// Both directions at once (`--direction bidir`): the station's radio and the access point each
// hold a head-of-line frame, and DCF decides every round between them: the one whose backoff
// ends first sends while the other freezes its count; equal counts collide and both retry with
// their windows doubled. A real program's traffic contends the same way: the access point's
// head-of-line frame is then the peer's next packet (TCP acks against the data, echo replies). Each round is one exchange on the medium; the device thread sleeps
// through it (the radio) and then finishes whatever the round delivered or dropped.
import CVWiFiShim
import Measurement
import Platform

/// Each end's frame while it contends (the device thread's state).
struct BidirHeads {
    var station = Descriptor()
    var stationHeld = false
    var stationMpdu = 0
    var stationReadyNs: Int64 = 0
    var apSeq: UInt32 = 0
    var apHeld = false
    var apMpdu = 0
    var apReadyNs: Int64 = 0
}

extension PhysicalDevice {
    /// One round of contention when either end has a frame; false when neither has one.
    func contendBothWays() -> Bool {
        var newFrames = 0
        if !bidir.stationHeld && nextTX(into: &bidir.station) {
            // A descriptor the device refuses completes at once and never reaches the air.
            guard let onAir = stageTX(bidir.station) else { return true }
            bidir.stationHeld = true
            bidir.stationMpdu = onAir
            bidir.stationReadyNs = backToBack ? pacer.mediumFreeNs : vw_monotonic_ns()
            newFrames += 1
        }
        if !bidir.apHeld, let bridge {
            if bridge.pending.load(ordering: .acquiring), let (seq, mpdu) = stagePeerFrame(bridge) {
                bidir.apSeq = seq
                bidir.apMpdu = mpdu
                bidir.apReadyNs = vw_monotonic_ns()
                bidir.apHeld = true
                newFrames += 1
            }
        } else if !bidir.apHeld && rxRemaining > 0 && rxStreamStarted() && rxDue() {
            let (seq, ready) = takeStreamFrame()
            bidir.apSeq = seq
            bidir.apMpdu = stageRX(seq: seq, payload: config.size, kind: .udp)
            bidir.apReadyNs = ready
            bidir.apHeld = true
            newFrames += 1
        }
        guard bidir.stationHeld || bidir.apHeld else { return false }
        let e = pacer.contend(
            station: bidir.stationHeld ? PendingFrame(mpduBytes: bidir.stationMpdu, readySinceNs: bidir.stationReadyNs) : nil,
            accessPoint: bidir.apHeld ? PendingFrame(mpduBytes: bidir.apMpdu, readySinceNs: bidir.apReadyNs) : nil,
            newFrames: newFrames)
        backToBack = true
        switch e.station {
        case .none: break
        case .retry: bidir.stationReadyNs = e.endNs
        case .delivered, .dropped:
            bidir.stationHeld = false
            finishTX(bidir.station, onAir: bidir.stationMpdu, fate: e.station)
        }
        switch e.accessPoint {
        case .none: break
        case .retry: bidir.apReadyNs = e.endNs
        case .delivered, .dropped:
            bidir.apHeld = false
            finishRX(seq: bidir.apSeq, length: bidir.apMpdu, fate: e.accessPoint)
        }
        return true
    }
}

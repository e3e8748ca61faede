// What the guest program reports about the frames it received and the echoes it timed. Every
// word comes from guest RAM: counts are clamped (GuestDriverRunner.guestCount), byte counts and
// spans bounded by what the counts and the run's own length allow, RTT indices bounded by the
// area the host allocated.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension KVMGuest {
    /// RX and ping: publish the guest's receive counters; a corrupt or repeated frame fails the
    /// run, as it does on the thread trap.
    func publishReceived() {
        guard mode == .udpRX || mode == .ping || mode == .udpBidir || mode == .carry else { return }
        let echoes = runner.guestCount(GuestMailbox.echoes)
        let delivered = max(0, runner.guestCount(GuestMailbox.rxDelivered) - echoes)
        publish(tally.rxDelivered, delivered, &published.rxDelivered)
        publish(tally.echoes, echoes, &published.echoes)
        let corrupt = runner.guestCount(GuestMailbox.rxCorrupt)
        let duplicate = runner.guestCount(GuestMailbox.rxDuplicate)
        if corrupt > 0 && !reportedCorruption {
            reportedCorruption = true
            control.fail("the KVM guest received \(corrupt) corrupted frames (bad length, payload stamp or CRC-32C, unknown ports or buffer)")
        }
        if duplicate > 0 && !reportedCorruption {
            reportedCorruption = true
            control.fail("the KVM guest received \(duplicate) frames whose seq it had already seen")
        }
        scanReceived()
    }

    /// Stage stamps of delivered frames (the ISR's delivery TSC in each frame's stamp record;
    /// for an echo reply, the request's fill TSC plus the RTT the ISR wrote).
    func scanReceived() {
        if mode == .ping { scanEchoes(); return }
        guard mode == .udpRX else { return }
        let delivered = runner.guestCount(GuestMailbox.rxDelivered)
        let capacity = layout.stampCapacity
        if delivered - scannedDelivered > capacity { scannedDelivered = delivered - capacity }
        while scannedDelivered < delivered {
            let seq = scannedDelivered
            scannedDelivered += 1
            let t = stamps.stamp(seq: seq, .reclaimed)
            if t != 0 { account.stamp(.rxDelivery, seqBase &+ UInt32(truncatingIfNeeded: seq), tsc: t) }
        }
    }

    /// Ping: one echo outstanding, so replies arrive in order; reply k was delivered at request
    /// k's fill TSC plus its RTT. Both words are guest input: a reply later than the run's own
    /// length or a zero is not stamped.
    func scanEchoes() {
        let parameters = runner.parameters
        let echoes = min(runner.guestCount(GuestMailbox.echoes), parameters.rttCapacity)
        let limit = report?.hostCycles ?? UInt64.max
        let capacity = layout.stampCapacity
        if echoes - scannedDelivered > capacity { scannedDelivered = echoes - capacity }
        while scannedDelivered < echoes {
            let seq = scannedDelivered
            scannedDelivered += 1
            let rtt = ram.loadU64(parameters.rttArea + UInt64(seq) * 8)
            let sent = stamps.stamp(seq: seq, .fill)
            guard rtt != 0, rtt <= limit, sent != 0, sent <= UInt64.max - rtt else { continue }
            // The ISR takes the reply and verifies it in one go: its entry and the delivery are
            // the one guest TSC reading the ISR made.
            let frame = seqBase &+ UInt32(truncatingIfNeeded: seq)
            account.stamp(.guestISR, frame, tsc: sent &+ rtt)
            account.stamp(.rxDelivery, frame, tsc: sent &+ rtt)
        }
    }

    /// The measured frames (seq >= warm-up): count, payload bytes (at most the largest payload
    /// per frame) and the span between the first and last (at most the run's length).
    var receivedDelivery: ResultReadings.Delivery? {
        guard mode == .udpRX || mode == .udpBidir, let runner else { return nil }
        let echoes = runner.guestCount(GuestMailbox.echoes)
        let delivered = max(0, runner.guestCount(GuestMailbox.rxDelivered) - echoes)
        let count = runner.guestCount(GuestMailbox.rxMeasured)
        let bytes = Int(min(runner.mailbox(GuestMailbox.rxMeasuredBytes), UInt64(count) * UInt64(FrameFormat.maximumPayload)))
        let first = runner.mailbox(GuestMailbox.rxFirstTSC), last = runner.mailbox(GuestMailbox.rxLastTSC)
        let runCycles = report?.hostCycles ?? 0
        let spanCycles = last >= first ? min(last - first, runCycles) : 0
        let spanNs = Int64(Double(spanCycles) / TSCClock.shared.hz * 1e9)
        return .init(delivered: delivered, count: count, bytes: bytes, spanNs: spanNs)
    }

    /// Ping: the guest's RTTs (TSC cycles, rdtsc at send to rdtsc at the reply), in seq order;
    /// entries it left 0 or that exceed the run's own length are not round trips.
    var guestRTTs: [UInt64]? {
        guard mode == .ping, let runner else { return nil }
        let parameters = runner.parameters
        // Every request's slot: a lost one stays 0 (so the first `echoes` slots are not the answered ones).
        let n = min(runner.guestCount(GuestMailbox.sent), parameters.rttCapacity)
        let limit = report?.hostCycles ?? UInt64.max
        var rtts: [UInt64] = []
        rtts.reserveCapacity(n)
        for seq in 0..<n {
            let rtt = ram.loadU64(parameters.rttArea + UInt64(seq) * 8)
            if rtt != 0 && rtt <= limit { rtts.append(rtt) }
        }
        return rtts
    }
}

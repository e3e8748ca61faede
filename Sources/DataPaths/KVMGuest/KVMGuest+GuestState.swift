// What the guest program keeps in its own RAM: its stamps and counters, read by the vCPU
// thread between exits. Every word there is guest input.
import CVWiFiShim
import Synchronization
import Measurement
import Platform
import VMM

extension KVMGuest {
    /// Records the guest ISR's reclaim stamps (the interrupt path's last stage) and, with
    /// ioeventfd, the absorbed doorbell stores' round trips. A record is reused every
    /// `stampCapacity` packets; older ones are skipped.
    func scanGuest(final: Bool) {
        let sent = runner.guestCount(GuestMailbox.sent)
        let reclaimed = runner.guestCount(GuestMailbox.reclaimed)
        let capacity = layout.stampCapacity
        // The counts are guest input: records older than one stamp area were reused anyway, so
        // a guest that jumps its counter costs at most `capacity` iterations.
        if reclaimed - scannedReclaimed > capacity { scannedReclaimed = reclaimed - capacity }
        while scannedReclaimed < reclaimed {
            let seq = scannedReclaimed
            scannedReclaimed += 1
            // Ping: the ISR that matters is the reply's (scanEchoes stamps it), not the request's reclaim.
            guard sent - seq < capacity, mode != .ping else { continue }
            let t = stamps.stamp(seq: seq, .reclaimed)
            if t != 0 { account.stamp(.guestISR, seqBase &+ UInt32(truncatingIfNeeded: seq), tsc: t) }
        }
        guard doorbell == .ioeventfd else { return }
        // Packets before the last one sent have returned from their doorbell store (the guest
        // may be stopped inside the last one's).
        let returned = final ? sent : sent - 1
        if returned - scannedStores > capacity { scannedStores = returned - capacity }
        while scannedStores < returned {
            let seq = scannedStores
            scannedStores += 1
            guard seq >= warmup, sent - seq < capacity else { continue }
            let stored = stamps.stamp(seq: seq, .doorbell), resumed = stamps.stamp(seq: seq, .resumed)
            if stored != 0 && resumed > stored { doorbellRoundTrips.record(resumed &- stored) }
        }
    }

    func publishProgress() {
        let sent = runner.guestCount(GuestMailbox.sent), reclaimed = runner.guestCount(GuestMailbox.reclaimed)
        account.progress.store(sent + reclaimed + runner.guestCount(GuestMailbox.rxDelivered), ordering: .relaxed)
        publish(tally.sent, runner.guestCount(GuestMailbox.sent), &published.sent)
        publish(tally.txReclaimed, runner.guestCount(GuestMailbox.reclaimed), &published.reclaimed)
        // Every TX frame the device or device model dropped completes with a non-done status
        // (RX drops the device model counts itself).
        // A program's traffic: packets the guest dropped with its stack's receive queue full too.
        let stackDrops = mode == .carry ? runner.guestCount(GuestMailbox.outboxFull) : 0
        if mode != .udpRX && mode != .idle {
            publish(tally.dropped, min(Int(Int32.max), runner.guestCount(GuestMailbox.badStatus) + stackDrops), &published.dropped)
        }
        publishReceived()
        if mode == .udpBidir {
            // The program posts its RX buffers before its first packet: the receiver listens.
            if sent > 0 { tally.receiverReady.store(true, ordering: .releasing) }
            // Its own stream is done while it goes on taking the access point's.
            // (The count the guest re-reads: a time-bounded run lowers it.)
            if sent >= runner.guestCount(GuestMailbox.packetCount) && reclaimed >= sent { markSenderDone() }
        }
    }

    /// Several VMs share the run's tally: each adds what its own counter moved since it last
    /// published (a guest that lowers its counter takes back only what it had added).
    func publish(_ counter: borrowing Atomic<Int>, _ value: Int, _ last: inout Int) {
        guard value != last else { return }
        counter.add(value &- last, ordering: .relaxed)
        last = value
    }
}

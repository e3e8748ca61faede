// What the guest driver received, on its way to the program: the guest ISR copies each frame's IP
// packet into the outbox, the guest stack's receive queue in guest RAM, and the vCPU thread hands
// the queued packets to the station's kernel (a write to its TUN, where the kernel's IP receive
// runs and wakes the program) at its next exit, before the guest runs again: the guest's delivery
// to its own stack, on its own vCPU. The writes are charged to the guest (deliveryAccount), not to
// the hypervisor whose run loop they sit in. Every outbox word is guest input (see GuestOutbox).
import CVWiFiShim
import Measurement
import Platform
import VMM

extension GuestStack {
    /// Hands every packet the guest queued since the last drain to the station's kernel, stamping
    /// each as delivered on `guestAccount` (the vCPU thread's guest context). vCPU thread only.
    func drainOutbox(stampingOn guestAccount: ThreadAccount) {
        var mark = TSC.now()
        var failure: String?
        let outcome = outbox.take { entry in
            guard case .packet(let ip, let length, let seq) = entry else {
                malformed += 1
                return true
            }
            // A reply is timed as it is handed over: the kernel stamps the packet on entry to the
            // write (a program's receive time), and the write may return only after it ran.
            let handed = mark
            let n = vw_write(tun, ip, length)
            mark = deliveryAccount.charge(.networkStack, since: mark)
            guard n == length else {
                failure = "the guest stack's write to the station's TUN failed: \(SystemCall.errno(of: n)?.named ?? "short write")"
                return false
            }
            guestAccount.stamp(.rxDelivery, seq, tsc: mark)
            delivery.countCarried(ip, length: length, atNs: vw_monotonic_ns())
            echoReplies?.note(ip, length: length, at: handed)
            return true
        }
        if case .overclaimed(let produced) = outcome {
            failure = "the KVM guest claims \(produced &- UInt64(outbox.consumed)) packets in its outbox of \(outbox.slots) slots"
        }
        if let failure { control.fail(failure) }
    }

    /// Wakes the stack when the guest reclaimed TX buffers since the last look (vCPU thread).
    func noteReclaimed() {
        let reclaimed = Int(min(ram.loadU64(mailbox + GuestMailbox.reclaimed), UInt64(Int32.max)))
        guard reclaimed != lastReclaimed else { return }
        lastReclaimed = reclaimed
        _ = room.signal()
    }
}

extension GuestStack: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.received = delivery.delivery
        if let replies = echoReplies, let requests = echoRequests {
            readings.rttCycles = EchoTimes.roundTrips(requests: requests, replies: replies)
        }
        let overruns = Int(min(ram.loadU64(mailbox + GuestMailbox.outboxFull), UInt64(Int32.max)))
        if overruns > 0 { readings.drop("guest_stack_queue_full", overruns) }
        readings.notes.append("the guest's stack: a thread woken \(wakeups) times by the station's TUN put \(packetsQueued) packets in the guest's TX buffers (waiting \(roomWaits) times for a free one); the vCPU thread handed \(delivery.packets) received packets from the guest's outbox to the station's kernel")
        if foreign > 0 { readings.notes.append("\(foreign) non-IPv4 packets on the station's TUN skipped") }
        if malformed > 0 {
            readings.warnings.append("the KVM guest queued \(malformed) outbox entries with a length outside \(FrameFormat.minimumCarriedIPv4)...\(GuestOutbox.room) bytes; they were skipped")
        }
    }
}

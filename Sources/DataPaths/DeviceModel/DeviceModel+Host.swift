// What comes back from the augmented host driver: TX statuses and RX frames for the guest,
// written into its rings, and the (coalesced) virtual interrupts that announce them.
import CVWiFiShim
import Measurement
import Platform

extension DeviceModel {
    // MARK: completions and RX: host driver -> guest

    func drainHost() {
        while true {
            let start = TSC.now()
            let n = vw_recv(socket, message, Self.messageBytes, 1)
            let received = account.charge(.systemCalls, since: start)
            if n < MemoryLayout<Descriptor>.size { return }
            account.advance()
            // SAFETY: bounds: recv returned n >= sizeof(Descriptor) bytes into `message`; unaligned load.
            let d = message.loadUnaligned(as: Descriptor.self)
            if d.kind == DescriptorKind.txStatus.rawValue {
                inFlight = max(0, inFlight - 1)
                var c = d
                // Give the guest its own GPA back, not the host's view of it.
                c.addr = rings.txBuffers[Int(d.bufferID) % rings.txBuffers.count]
                complete(c)
            } else if d.kind == DescriptorKind.rxFrame.rawValue {
                deliverRX(d, frame: message + MemoryLayout<Descriptor>.size,
                          length: n - MemoryLayout<Descriptor>.size, since: received)
            }
        }
    }

    package func deliverRX(_ d: Descriptor, frame: UnsafeRawPointer, length: Int, since start: UInt64) {
        var buffer = Descriptor()
        guard hasCompletionRoom() else {
            rejections[Int(DropReason.guestStoppedConsumingCompletions.rawValue)] += 1
            tally.add(tally.dropped)
            return
        }
        guard rings.rxFree.tryPop(into: &buffer) else {
            rxDropped += 1
            tally.add(tally.dropped)
            return
        }
        // The guest posted this buffer: its length and address are guest input.
        guard length > 0, Int(buffer.length) >= length else {
            rejections[Int(DropReason.descriptorBadLength.rawValue)] += 1
            tally.add(tally.dropped)
            return
        }
        guard let target = rings.memory.hostAddress(gpa: buffer.addr, length: length) else {
            rejections[Int(DropReason.descriptorOutsideGuestMemory.rawValue)] += 1
            tally.add(tally.dropped)
            return
        }
        // SAFETY: bounds: hostAddress checked [addr, +length) is guest RAM, and the caller's frame holds
        // `length` bytes (recv'd into `message`, after the descriptor); host memory never overlaps guest RAM.
        target.copyMemory(from: frame, byteCount: length)
        let copied = account.charge(.packetCopies, since: start)
        account.stamp(.rxGuestCopy, d.seq, tsc: copied)
        var c = buffer
        c.kind = DescriptorKind.rxFrame.rawValue
        c.seq = d.seq
        c.length = UInt32(length)
        c.vmID = 0
        complete(c)
    }

    /// Room in the guest's completion ring for one more completion beyond those reserved.
    @inline(__always) func hasCompletionRoom() -> Bool {
        if knownFree > inFlight { return true }
        knownFree = completions.freeSlots
        return knownFree > inFlight
    }

    func complete(_ c: Descriptor) {
        knownFree -= 1
        guard completions.post(c) else {
            control.fail("the guest driver could not take a completion (kind \(c.kind), seq \(c.seq)): its completion ring overflowed or it has no such path")
            return
        }
        lastCompletionSeq = c.seq
        control.bump()
        if policy.completion(nowNs: vw_monotonic_ns()) { inject() }
    }

    /// The coalescing hold-off timer fired: its handling is timer management (Table 1).
    func flushCoalesced() {
        let start = TSC.now()
        let fire = policy.timerExpired(nowNs: vw_monotonic_ns())
        account.charge(.timers, since: start)
        if fire { inject() }
    }

    func inject() {
        let start = TSC.now()
        account.stamp(.virtualIRQInjection, lastCompletionSeq, tsc: start)
        line.inject(seq: lastCompletionSeq)
        injections += 1
        account.charge(.virtualIRQDelivery, since: start)
    }
}

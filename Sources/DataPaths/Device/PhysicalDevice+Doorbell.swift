// How the device learns of new TX descriptors. On the host driver's rings (native, vwifi) the
// driver publishes and signals the doorbell notifier. On passthrough the guest driver writes the
// ring's new tail into the device's register page; the device takes descriptors up to that tail
// and no further. Where nothing wakes the device (KVM: the guest's store lands in the mapped
// page, and a guest cannot make a system call), its firmware samples the register: after every
// frame it finishes, and when idle a short bounded spin, then once every `samplingPeriodNs`.
import CVWiFiShim
import Measurement
import Platform

extension PhysicalDevice {
    /// How often an idle device samples its doorbell register when nothing wakes it: a tenth of
    /// an 802.11g frame exchange (~500 us), so at most that much is added to a packet that finds
    /// the device idle. Each sample is a timed futex wait (the device thread's CPU, reported as
    /// `device`), never a busy poll.
    static let samplingPeriodNs: Int64 = 50_000
    /// Pause iterations the idle device spins on the register before its first timed sample.
    static let samplingSpinIterations = 100

    /// The next TX descriptor the device may take, if any.
    @inline(__always)
    func nextTX(into d: inout Descriptor) -> Bool {
        guard let registers = wiring.registers else { return txQueues.pop(into: &d) }
        let tail = registers.txTail
        let capacity = UInt32(wiring.txRing.capacity)
        if tail != sampledTail {
            sampledTail = tail
            // Guest input: a tail more than a ring beyond what the device took is refused (each
            // value once); nothing is read on its word.
            if tail &- txConsumed > capacity { tailsRefused += 1 }
        }
        // The ring's producer index (guest RAM) must have published the slot too: the device
        // reads no slot the guest did not fill.
        guard tail != txConsumed, tail &- txConsumed <= capacity, wiring.txRing.tryPop(into: &d) else { return false }
        txConsumed &+= 1
        if wiring.samplesDoorbell && d.aux != 0 && d.aux <= TSC.now() {
            // The guest program puts its TSC at publication in `aux`, just before its doorbell
            // store: the start of the device's doorbell latency (guest input: it only moves a
            // stamp, and one from the future is ignored).
            account.stamp(.doorbell, d.seq, tsc: d.aux)
            account.stamp(.queuedToDevice, d.seq, tsc: d.aux)
        }
        return true
    }

    /// Nothing to do: sleep until the doorbell (or the next deadline), or, where nothing rings
    /// it, sample the register.
    func idle(now: Int64) {
        backToBack = false
        let token = wiring.doorbell.prepare()
        if hasTXWork || control.isStopping || bridge?.pending.load(ordering: .acquiring) == true { return }
        var timeout: Int64 = 100_000_000
        if policy.pending > 0, let deadline = policy.deadlineNs { timeout = min(timeout, max(0, deadline - now)) }
        // Nothing signals the receiver's readiness to the device: look again within a millisecond.
        if rxRemaining > 0 && !rxStarted { timeout = min(timeout, 1_000_000) }
        if rxRemaining > 0, rxStarted, let due = streamDueNs(rxSeq) { timeout = min(timeout, max(0, due - now)) }
        if timeout == 0 { return }
        guard wiring.samplesDoorbell, let registers = wiring.registers else {
            _ = wiring.doorbell.wait(after: token, spinIterations: 100, timeoutNs: timeout)
            return
        }
        for _ in 0..<Self.samplingSpinIterations {
            if registers.txTail != sampledTail { return }
            vw_cpu_relax()
        }
        doorbellSamples += 1
        // The notifier is signalled only to stop the device; the timeout is the sampling period.
        _ = wiring.doorbell.wait(after: token, spinIterations: 0, timeoutNs: min(timeout, Self.samplingPeriodNs))
    }

    /// TX work the device can see without taking it. With a register page only a new tail is
    /// news: `nextTX` just took everything the last one allowed (a hostile producer index or
    /// tail makes the device wait for the next store, never spin).
    var hasTXWork: Bool {
        guard let registers = wiring.registers else { return !txQueues.isEmpty }
        return registers.txTail != sampledTail
    }
}

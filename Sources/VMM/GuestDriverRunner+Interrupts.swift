// Interrupts into the guest: blocking at its wait port, and entering its ISR when one is pending.
import CVWiFiShim

extension GuestDriverRunner {
    /// The guest is at the wait port having seen `observedISRCount`: block until an interrupt is
    /// pending, unless an ISR already ran since (then the guest just re-checks), or until the
    /// guest's TSC deadline (mailbox.waitDeadline, when not 0) passes.
    func waitForInterrupt(observedISRCount: UInt32?, timeoutNanoseconds: Int64) throws(VMMError) {
        if let observed = observedISRCount,
           UInt32(truncatingIfNeeded: mailbox(GuestMailbox.isrCount)) != observed { return }
        let guestDeadline = observedISRCount == nil ? 0 : mailbox(GuestMailbox.waitDeadline)
        let start = vw_rdtsc()
        if guestDeadline != 0 && start >= guestDeadline { return }
        beforeWait?()
        interruptLine.setState(.waiting)
        defer { interruptLine.markInHost() }
        var deadline = vw_monotonic_ns() + timeoutNanoseconds
        var timed = false
        if guestDeadline != 0 && tscHz > 0 {
            let ns = Int64(Double(guestDeadline &- start) / tscHz * 1e9)
            if ns < timeoutNanoseconds {
                deadline = vw_monotonic_ns() + ns
                timed = true
            }
        }
        while !interruptLine.isPending && !interruptLine.stopRequested {
            let sequence = vw_load_acquire_u32(interruptLine.sequencePointer)
            if interruptLine.isPending || interruptLine.stopRequested { break }
            let remaining = deadline - vw_monotonic_ns()
            if timed && remaining <= 0 { break }
            guard remaining > 0, interruptLine.wait(sequence: sequence, timeoutNanoseconds: remaining) || interruptLine.isPending || timed else {
                throw VMMError("guest waited \(timeoutNanoseconds / 1_000_000) ms for an interrupt that never came (sent \(mailbox(GuestMailbox.sent)), reclaimed \(mailbox(GuestMailbox.reclaimed)) of \(parameters.packetCount)); the device model must complete descriptors and call interruptLine.raise()")
            }
        }
        waitCycles.record(vw_rdtsc() &- start)
    }

    /// Enters the guest ISR for a pending interrupt (unless the ISR is already running; then the
    /// guest's main loop polls the cause itself).
    func deliverInterrupt(needsCompletion: inout Bool) throws(VMMError) {
        let start = vw_rdtsc()
        if needsCompletion {
            try vcpu.completePendingIO()
            needsCompletion = false
        }
        if try vcpu.enterISR(isrStart, unlessRIPIn: isrRange, ram: ram) {
            isrEntryCycles.record(vw_rdtsc() &- start)
        } else {
            deferredInterrupts += 1
        }
    }
}

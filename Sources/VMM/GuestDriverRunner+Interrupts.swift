// Interrupts into the guest: blocking at its wait port, and entering its ISR when one is pending.
import CVWiFiShim

extension GuestDriverRunner {
    /// The guest is at the wait port having seen `observedISRCount`: block until an interrupt is
    /// pending, unless an ISR already ran since (then the guest just re-checks), or until the
    /// guest's TSC deadline (mailbox.waitDeadline, when not 0) passes.
    func waitForInterrupt(observedISRCount: UInt32?, timeoutNanoseconds: Int64) throws(VMMError) {
        if let observed = observedISRCount,
           UInt32(truncatingIfNeeded: mailbox(GuestMailbox.isrCount)) != observed { return }
        var guestDeadline = observedISRCount == nil ? 0 : mailbox(GuestMailbox.waitDeadline)
        // The armed timer ends the wait too (its tick is injected at the loop's top).
        if timerDeadline != 0 && (guestDeadline == 0 || timerDeadline < guestDeadline) { guestDeadline = timerDeadline }
        let start = vw_rdtsc()
        if guestDeadline != 0 && start >= guestDeadline { return }
        beforeWait?()
        interruptLine.setState(.waiting)
        defer { interruptLine.markInHost() }
        var deadline = vw_monotonic_ns() + timeoutNanoseconds
        var timed = false
        if guestDeadline != 0 && tscHz > 0 {
            // The deadline is guest input: compared as a Double, so one far away cannot overflow.
            let ns = Double(guestDeadline &- start) / tscHz * 1e9
            if ns < Double(timeoutNanoseconds) {
                deadline = vw_monotonic_ns() + Int64(ns)
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

extension GuestDriverRunner {
    /// The guest's trapping timer register: an 8-byte store of a TSC deadline (idle mode only).
    func isTimer(_ address: UInt64, _ length: Int) -> Bool {
        parameters.mode == .idle && length == 8 && address == parameters.timerAddress
    }

    /// The timer the guest armed has expired: inject its tick through the interrupt line, as
    /// KVM's LAPIC timer would. Runs on the vCPU thread outside KVM_RUN (no kick needed).
    func fireTimerIfDue() {
        guard timerDeadline != 0, vw_rdtsc() >= timerDeadline else { return }
        timerDeadline = 0
        timerInterrupts += 1
        interruptLine.raise(cause: GuestMailbox.causeTimer)
    }
}

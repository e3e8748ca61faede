// The run loop: enters the guest until its done port and handles every exit on the calling thread.
import CVWiFiShim

extension GuestDriverRunner {
    /// Runs the guest on the calling thread (which becomes the vCPU thread) until it reports
    /// done. `waitTimeoutNanoseconds` bounds each wait for an interrupt, so a device model that
    /// never completes is an error, not a hang. With `summarizing` false the report leaves the
    /// cycle summaries out (they sort copies of the samples: allocations a caller that measures
    /// its own thread may not want before it closed its books; `statistics` keeps them).
    public func run(waitTimeoutNanoseconds: Int64 = 10_000_000_000, summarizing: Bool = true) throws(VMMError) -> GuestRunReport {
        guard !started else { throw VMMError("GuestDriverRunner.run: the guest already ran; call prepareNextRun() first") }
        started = true
        raisedAtStart = interruptLine.raisedCount
        kicksAtStart = interruptLine.kickCount
        _ = vw_unblock_signal(interruptLine.signal)
        interruptLine.attach(thread: vw_gettid())
        defer { interruptLine.setState(.idle) }
        let portBase = parameters.portBase
        let stampMask = layout.stampCapacity - 1
        var needsCompletion = false
        var stopped = false
        let startTSC = vw_rdtsc()
        if (parameters.txIntervalTicks != 0 || parameters.mode == .idle) && !(tscHz > 0) {
            throw .config("GuestDriverRunner.tscHz", "set the TSC frequency when parameters.txIntervalTicks is not 0 (the guest waits for TSC deadlines)")
        }

        writeInterruptMode()
        runLoop: while true {
            fireTimerIfDue()
            interruptLine.setState(.running)
            if interruptLine.stopRequested {
                stopped = true
                break runLoop
            }
            // With the irqchip the kernel injects through the guest IDT; the cause word is the
            // guest's own (its device entry sets it), so the host never enters the ISR.
            if interruptLine.mechanism == .pendingFlag && interruptLine.isPending {
                try deliverInterrupt(needsCompletion: &needsCompletion)
            }
            let before = vw_rdtsc()
            let exit = vcpu.run()
            let after = vw_rdtsc()
            interruptLine.markInHost()
            lastExitTSC = after
            vcpu.setImmediateExit(false)
            let reason = ExitReason(exit)
            statistics.record(reason, cycles: after &- before)

            switch exit {
            case let .mmio(address, length, isWrite):
                needsCompletion = true
                let data = vcpu.mmioData
                if isWrite && isTimer(address, length) {
                    // SAFETY: bounds: an 8-byte MMIO write (isTimer checked), so mmioData holds 8 bytes.
                    timerDeadline = data.loadUnaligned(as: UInt64.self)
                } else if isWrite {
                    let isDoorbell = address == parameters.doorbellAddress
                    // SAFETY: bounds: `& stampMask` keeps the index < stampCapacity (a power of two); vCPU thread only.
                    if isDoorbell { hostDoorbellExitStamps[doorbellExits & stampMask] = after }
                    bus.write(address: address, data: UnsafeRawBufferPointer(rebasing: data[0..<min(length, 8)]))
                    if isDoorbell {
                        // SAFETY: bounds: same index as above.
                        hostDoorbellHandledStamps[doorbellExits & stampMask] = vw_rdtsc()
                        doorbellExits += 1
                    }
                } else {
                    bus.read(address: address, data: UnsafeMutableRawBufferPointer(rebasing: data[0..<min(length, 8)]))
                }
            case let .io(port, isOut, size, _):
                needsCompletion = true
                let data = vcpu.ioData
                if isOut && port >= portBase && port - portBase <= GuestMailbox.errorPort {
                    var value: UInt32 = 0
                    for i in 0..<min(size, 4) { value |= UInt32(data[i]) << (8 * UInt32(i)) }
                    switch port - portBase {
                    case GuestMailbox.waitPort:
                        try waitForInterrupt(observedISRCount: value, timeoutNanoseconds: waitTimeoutNanoseconds)
                    case GuestMailbox.donePort:
                        break runLoop
                    default:
                        throw VMMError("guest driver reported error \(value): \(GuestMailbox.guestErrorText(value))")
                    }
                } else if isOut {
                    portBus.write(address: UInt64(port), data: UnsafeRawBufferPointer(data))
                } else {
                    portBus.read(address: UInt64(port), data: data)
                }
            case .interrupted:
                needsCompletion = false   // KVM completes pending I/O before it honours immediate_exit
                let kick = interruptLine.takeKickStamp()
                if kick != 0 && kick < after { kickLatencyCycles.record(after &- kick) }
            case .hlt:
                try waitForInterrupt(observedISRCount: nil, timeoutNanoseconds: waitTimeoutNanoseconds)
            case .shutdown, .failEntry, .internalError, .other, .failed:
                let rip = (try? vcpu.registers().rip).map { "0x" + String($0, radix: 16) } ?? "unknown"
                throw VMMError("guest stopped unexpectedly: \(exit) at RIP \(rip) (guest code at 0x\(String(layout.code, radix: 16)))")
            }
            if let observer = exitObserver, !observer(reason) {
                stopped = true
                break runLoop
            }
        }
        return report(hostCycles: vw_rdtsc() &- startTSC, stopped: stopped, summarizing: summarizing)
    }

    private func report(hostCycles: UInt64, stopped: Bool, summarizing: Bool) -> GuestRunReport {
        var report = GuestRunReport(
            stopped: stopped,
            packetsSent: guestCount(GuestMailbox.sent),
            packetsReclaimed: guestCount(GuestMailbox.reclaimed),
            doorbellExits: doorbellExits,
            doorbellMode: doorbellMode,
            interruptMechanism: interruptLine.mechanism,
            interruptsRaised: Int(interruptLine.raisedCount &- raisedAtStart),
            interruptKicks: Int(interruptLine.kickCount &- kicksAtStart),
            isrEntriesByHost: guestCount(GuestMailbox.hostISR),
            isrPolledByGuest: guestCount(GuestMailbox.polledISR),
            isrDeferred: deferredInterrupts,
            guestWaits: guestCount(GuestMailbox.waitCount),
            badCompletionStatus: guestCount(GuestMailbox.badStatus),
            unknownMMIOAccesses: bus.unknownAccesses,
            exits: summarizing ? statistics.summaries() : [],
            isrEntry: summarizing ? isrEntryCycles.summary() : nil,
            kickLatency: summarizing ? kickLatencyCycles.summary() : nil,
            wait: summarizing ? waitCycles.summary() : nil,
            hostCycles: hostCycles)
        if interruptLine.mechanism == .irqchip { report.isrEntriesThroughIDT = guestCount(GuestMailbox.idtISR) }
        return report
    }
}

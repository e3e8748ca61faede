// What the KVM guest reports once its thread was joined.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension KVMGuest {
    /// Exits of the measured region by reason. Cycles: `mmio_write` = the guest-observed round
    /// trip of the doorbell store (exit to KVM, to user space, the device model's kick, back);
    /// `intr` = raise() on the device-model thread until KVM_RUN returned on this one; the other
    /// reasons = the host-observed KVM_RUN duration (guest run up to the exit, plus the exit).
    /// With ioeventfd, `mmio_write_in_kernel` is the doorbell stores KVM absorbed (guest round trip).
    func exitStatistics() -> [ExitStatistic] {
        guard let runner else { return [] }
        var rows: [ExitStatistic] = []
        for summary in runner.statistics.summaries(since: exitMark) {
            var cycles = summary.cycles
            if summary.reason == ExitReason.mmioWrite.name, let trips = doorbellRoundTrips.summary() {
                cycles = trips
            } else if summary.reason == ExitReason.interrupted.name,
                      let kicks = runner.kickLatencyCycles.summary(from: kickMark) {
                cycles = kicks
            }
            rows.append(ExitStatistic(reason: summary.reason, count: summary.cycles.count, cyclesMin: Double(cycles.min),
                                      cyclesMedian: Double(cycles.median), cyclesP99: Double(cycles.p99)))
        }
        if doorbell == .ioeventfd, let trips = doorbellRoundTrips.summary() {
            rows.append(ExitStatistic(reason: "mmio_write_in_kernel (ioeventfd)", count: trips.count,
                                      cyclesMin: Double(trips.min), cyclesMedian: Double(trips.median),
                                      cyclesP99: Double(trips.p99)))
        }
        return rows
    }

    /// What the trap backend did, for PathResult.trapReason.
    var notes: String {
        var parts = ["vCPU thread \(threadName): its time in KVM guest mode (the kernel's tick-sampled guest_time) is reported as guest, the rest (KVM in the kernel, the user-space run loop) as hypervisor"]
        if model == nil {
            parts.append(passthroughDoorbellNote)
        } else if doorbell == .ioeventfd {
            parts.append("doorbell absorbed in the kernel by ioeventfd: no user-space exit, so the trap_exit and decode stages are absent and doorbell -> device_model_receipt covers the in-kernel exit and the eventfd wake-up")
        } else {
            parts.append("doorbell = MMIO exit to user space, handled on the vCPU thread (trap_exit = guest publication to KVM_RUN returning)")
        }
        switch mode {
        case .udpRX: parts.append("guest program: RX driver (buffers on the RX free ring, frames from the completion ring, verified in the guest ISR)")
        case .ping: parts.append("guest program: ping (one echo outstanding, RTT by rdtsc in the guest)")
        case .idle: parts.append("guest program: idle (one-shot timer armed by a trapping store; \(runner?.timerInterrupts ?? 0) ticks injected through the KVM line)")
        case .udpBidir: parts.append("guest program: TX and RX drivers at once (both streams' frames in the one completion ring; RX frames carry no per-frame stamps, their seq's stamp record is the TX packet's)")
        case .carry: parts.append("guest program: carry (a real program's packets both ways: the stack puts them in TX buffers, the ISR queues received ones in the outbox; interrupts by the pending flag, since the stack's cause is raised by the host; \(runner.map { $0.guestCount(GuestMailbox.stackWakes) } ?? 0) ISRs for the stack's cause)")
        case .udpTX: break
        }
        if let r = report {
            parts.append("interrupts \(r.interruptMechanism.rawValue): raised \(r.interruptsRaised), kicks \(r.interruptKicks), ISR entered by host \(r.isrEntriesByHost), polled by guest \(r.isrPolledByGuest), guest waits \(r.guestWaits)")
            if let isr = r.isrEntry { parts.append("ISR entry median \(isr.median) cycles") }
        }
        return parts.joined(separator: "; ")
    }
}

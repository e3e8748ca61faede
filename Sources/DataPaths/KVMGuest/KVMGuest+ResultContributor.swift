// The KVM vCPU reports its own exits (by reason), what the backend did, and what went wrong.
import VMM
extension KVMGuest: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        let rows = exitStatistics()
        readings.exits += rows.reduce(0) { $0 + $1.count }
        if readings.kvmExits == nil { readings.kvmExits = rows }   // VM 1's, as a path's single-VM figures
        readings.notes.append(notes)
        if readings.received == nil, let received = receivedDelivery { readings.received = received }
        if readings.rttCycles == nil, let rtts = guestRTTs {
            readings.rttCycles = rtts
            // Guest-written: clamped to the requests it could have sent.
            if mode == .ping, let runner { readings.pingTimeouts = min(runner.guestCount(GuestMailbox.pingTimeouts), config.pingCount) }
        }
        if mode == .idle, readings.idleInterruptsVirtual == nil, let runner { readings.idleInterruptsVirtual = runner.timerInterrupts }
        if let report {
            if report.unknownMMIOAccesses > 0 {
                readings.warnings.append("the KVM guest made \(report.unknownMMIOAccesses) MMIO accesses no device covers")
            }
            if report.packetsSent != report.packetsReclaimed && !report.stopped {
                readings.warnings.append("the KVM guest finished with \(report.packetsSent - report.packetsReclaimed) packets unreclaimed")
            }
        }
    }
}

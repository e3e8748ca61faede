/// What one guest run did.
public struct GuestRunReport: Sendable {
    /// The run ended early: `requestStop()` or the exit observer asked for it.
    public let stopped: Bool
    public let packetsSent: Int
    public let packetsReclaimed: Int
    /// Doorbell writes that exited to user space (0 with ioeventfd).
    public let doorbellExits: Int
    public let doorbellMode: DoorbellMode
    public let interruptMechanism: InterruptMechanism
    public let interruptsRaised: Int
    /// Raises that had to force the vCPU out of guest mode (immediate_exit + signal).
    public let interruptKicks: Int
    public let isrEntriesByHost: Int
    /// irqchip mechanism: ISRs the guest entered through its IDT's device vector (the kernel
    /// injected them; the host never saw them). 0 with the pending flag.
    public var isrEntriesThroughIDT: Int = 0
    /// Interrupts the guest picked up by polling the cause (raised while its ISR ran).
    public let isrPolledByGuest: Int
    /// Times the host found RIP inside the ISR and left the interrupt to the guest's poll.
    public let isrDeferred: Int
    public let guestWaits: Int
    public let badCompletionStatus: Int
    public let unknownMMIOAccesses: Int
    public let exits: [ExitSummary]
    public let isrEntry: CycleSummary?
    public let kickLatency: CycleSummary?
    public let wait: CycleSummary?
    public let hostCycles: UInt64
}

extension GuestRunReport: CustomStringConvertible {
    public var description: String {
        var lines = ["guest run: sent \(packetsSent), reclaimed \(packetsReclaimed), doorbell \(doorbellMode.rawValue) (\(doorbellExits) user-space doorbell exits), interrupts \(interruptMechanism.rawValue): raised \(interruptsRaised), kicks \(interruptKicks), ISR entered by host \(isrEntriesByHost)\(interruptMechanism == .irqchip ? ", through the IDT \(isrEntriesThroughIDT)" : ""), polled by guest \(isrPolledByGuest), deferred \(isrDeferred); waits \(guestWaits)"]
        for exit in exits { lines.append("  exit \(exit.reason): \(exit.cycles)") }
        if let isrEntry { lines.append("  ISR entry (host): \(isrEntry)") }
        if let kickLatency { lines.append("  kick raise->EINTR: \(kickLatency)") }
        if let wait { lines.append("  blocked in wait: \(wait)") }
        return lines.joined(separator: "\n")
    }
}

/// Ordered chains of stages; each path stamps the subset it really has.
public enum StageChain: String, CaseIterable, Sendable {
    case txExtraPath = "tx_extra_path"
    /// Per packet: from the device TX queue until the frame is off the air.
    case completionPath = "completion_path"
    /// Per interrupt, keyed by the sequence number in the interrupt-cause register.
    case interruptPath = "interrupt_path"
    case rxPath = "rx_path"

    public var stages: [Stage] {
        switch self {
        case .txExtraPath:
            [.doorbell, .trapExit, .decode, .deviceModelReceipt, .translation,
             .handoffToHostDriver, .hostDriverReceipt, .queuedToDevice]
        case .completionPath:
            [.queuedToDevice, .deviceDequeue, .air]
        case .interruptPath:
            [.irqRaise, .physicalIRQ, .virtualIRQInjection, .guestISR]
        case .rxPath:
            [.rxAir, .rxDMA, .rxPhysicalIRQ, .rxForward, .rxGuestCopy, .rxDelivery]
        }
    }
}

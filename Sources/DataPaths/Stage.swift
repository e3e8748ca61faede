// The stamped points along each path. A stage's duration is the cycles from the previous
// stage of the same chain to this one, for the same packet (sequence number).

public enum Stage: UInt8, CaseIterable, Sendable {
    // TX: from the sender's doorbell until the command sits in the device's TX queue
    // (the paper's "virtualization extra path", Figure 6), then the device's part.
    case senderDoorbell = 0     // guest writes the doorbell / app enters send()
    case exitEntered            // hypervisor holds the trapped access (vwifi)
    case exitDecoded            // access decoded and routed to the device model (vwifi)
    case deviceModelReceived    // device model popped the descriptor from the guest ring
    case translated             // GPA turned into HPA (software) or tagged (IOMMU)
    case handedToHostDriver     // command crossed the system-call boundary (send returned)
    case hostDriverReceived     // host driver holds the command / packet
    case queuedToDevice         // descriptor published on the device TX ring + doorbell
    // Device and completion.
    case deviceDequeued         // μCode took the descriptor (DMA starts)
    case airDone                // frame and ACK are off the air
    case irqRaised              // device raised the physical interrupt
    case physicalIRQHandled     // host driver / hypervisor handled it
    case virtualIRQInjected     // virtual interrupt injected into the guest
    case guestISR               // guest ISR (or app) saw the completion
    // RX path.
    case rxOnAir                // frame from the AP finished on the air
    case rxDMADone              // device wrote it into a posted buffer
    case rxIRQHandled           // host driver / hypervisor handled the RX interrupt
    case rxForwarded            // host driver handed it on (device model or app)
    case rxGuestCopied          // device model copied it into the guest's buffer
    case rxDelivered            // application / guest received and verified it

    public var name: String {
        switch self {
        case .senderDoorbell: "doorbell"
        case .exitEntered: "trap_exit"
        case .exitDecoded: "decode"
        case .deviceModelReceived: "device_model_receipt"
        case .translated: "translation"
        case .handedToHostDriver: "handoff_to_host_driver"
        case .hostDriverReceived: "host_driver_receipt"
        case .queuedToDevice: "queued_to_device"
        case .deviceDequeued: "device_dequeue"
        case .airDone: "air"
        case .irqRaised: "irq_raise"
        case .physicalIRQHandled: "physical_irq"
        case .virtualIRQInjected: "virtual_irq_injection"
        case .guestISR: "guest_isr"
        case .rxOnAir: "rx_air"
        case .rxDMADone: "rx_dma"
        case .rxIRQHandled: "rx_physical_irq"
        case .rxForwarded: "rx_forward"
        case .rxGuestCopied: "rx_guest_copy"
        case .rxDelivered: "rx_delivery"
        }
    }
}

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
            [.senderDoorbell, .exitEntered, .exitDecoded, .deviceModelReceived, .translated,
             .handedToHostDriver, .hostDriverReceived, .queuedToDevice]
        case .completionPath:
            [.queuedToDevice, .deviceDequeued, .airDone]
        case .interruptPath:
            [.irqRaised, .physicalIRQHandled, .virtualIRQInjected, .guestISR]
        case .rxPath:
            [.rxOnAir, .rxDMADone, .rxIRQHandled, .rxForwarded, .rxGuestCopied, .rxDelivered]
        }
    }
}

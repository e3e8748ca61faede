// The stamped points along each path. A stage's duration is the cycles from the previous
// stage of the same chain to this one, for the same packet (sequence number).
public enum Stage: UInt8, CaseIterable, Sendable {
    // TX: from the sender's doorbell until the command sits in the device's TX queue
    // (the paper's "virtualization extra path", Figure 6), then the device's part.
    case doorbell = 0           // guest writes the doorbell / app enters send()
    case trapExit               // hypervisor holds the trapped access (vwifi)
    case decode                 // access decoded and routed to the device model (vwifi)
    case deviceModelReceipt     // device model popped the descriptor from the guest ring
    case translation            // GPA turned into HPA (software) or tagged (IOMMU)
    case handoffToHostDriver    // command crossed the system-call boundary (send returned)
    case hostDriverReceipt      // host driver holds the command / packet
    case queuedToDevice         // descriptor published on the device TX ring + doorbell
    // Device and completion.
    case deviceDequeue          // μCode took the descriptor (DMA starts)
    case air                    // frame and ACK are off the air
    case irqRaise               // device raised the physical interrupt
    case physicalIRQ            // host driver / hypervisor handled it
    case virtualIRQInjection    // virtual interrupt injected into the guest
    case guestISR               // guest ISR (or app) saw the completion
    // RX path.
    case rxAir                  // frame from the AP finished on the air
    case rxDMA                  // device wrote it into a posted buffer
    case rxPhysicalIRQ          // host driver / hypervisor handled the RX interrupt
    case rxForward              // host driver handed it on (device model or app)
    case rxGuestCopy            // device model copied it into the guest's buffer
    case rxDelivery             // application / guest received and verified it

    public var name: String {
        switch self {
        case .doorbell: "doorbell"
        case .trapExit: "trap_exit"
        case .decode: "decode"
        case .deviceModelReceipt: "device_model_receipt"
        case .translation: "translation"
        case .handoffToHostDriver: "handoff_to_host_driver"
        case .hostDriverReceipt: "host_driver_receipt"
        case .queuedToDevice: "queued_to_device"
        case .deviceDequeue: "device_dequeue"
        case .air: "air"
        case .irqRaise: "irq_raise"
        case .physicalIRQ: "physical_irq"
        case .virtualIRQInjection: "virtual_irq_injection"
        case .guestISR: "guest_isr"
        case .rxAir: "rx_air"
        case .rxDMA: "rx_dma"
        case .rxPhysicalIRQ: "rx_physical_irq"
        case .rxForward: "rx_forward"
        case .rxGuestCopy: "rx_guest_copy"
        case .rxDelivery: "rx_delivery"
        }
    }
}

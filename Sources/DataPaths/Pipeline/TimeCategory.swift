import Synchronization

/// The categories of the paper's Table 1.
public enum TimeCategory: String, CaseIterable, Sendable, Codable {
    case virtualIRQDelivery = "virtual_irq_delivery"
    case addressTranslation = "address_translation"
    case ioExitHandlingAndForwarding = "io_exit_handling_and_forwarding"
    case decoding = "decoding"
    case interruptHandlingForwarding = "interrupt_handling_forwarding"
    case systemCalls = "system_calls"
    case locking = "locking"
    case schedulingWakeups = "scheduling_wakeups"
    case packetCopies = "packet_copies"
    case timers = "timers"
    case networkStack = "network_stack"
}

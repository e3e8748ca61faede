/// Why a frame did not make it, as `drops` in the results names it.
public enum DropReason: UInt16, CaseIterable, Sendable {
    case none = 0
    case iommuFault = 1
    case translationFault = 2
    case txSourceMACNotVMs = 3
    case rxNoBuffer = 4
    case rxUnmatchedDestination = 5
    case rejectedByHostDriver = 6
    case badDescriptor = 7
    // What the device model and host driver refuse from a hostile or broken guest.
    case descriptorBadLength = 8
    case descriptorOutsideGuestMemory = 9
    case ringIndexOutOfRange = 10
    case commandVMIDNotSenders = 11
    /// An RX frame for a guest whose completion ring is full: it stopped consuming completions.
    case guestStoppedConsumingCompletions = 12
    /// Every attempt the retry limit allows went unacknowledged on the air (collisions, frame errors).
    case retryLimitExceeded = 13

    public var name: String {
        switch self {
        case .none: "none"
        case .iommuFault: "iommu_fault"
        case .translationFault: "translation_fault"
        case .txSourceMACNotVMs: "tx_source_mac_not_vms"
        case .rxNoBuffer: "rx_no_buffer"
        case .rxUnmatchedDestination: "rx_unmatched_destination"
        case .rejectedByHostDriver: "rejected_by_host_driver"
        case .badDescriptor: "bad_descriptor"
        case .descriptorBadLength: "descriptor_bad_length"
        case .descriptorOutsideGuestMemory: "descriptor_outside_guest_memory"
        case .ringIndexOutOfRange: "ring_index_out_of_range"
        case .commandVMIDNotSenders: "command_vm_id_not_senders"
        case .guestStoppedConsumingCompletions: "guest_stopped_consuming_completions"
        case .retryLimitExceeded: "retry_limit_exceeded"
        }
    }
}

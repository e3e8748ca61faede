/// How a device model's interrupt reaches the guest ISR.
public enum InterruptMechanism: String, Sendable {
    /// In-kernel irqchip: the device's eventfd is a KVM_IRQFD on a GSI routed as an MSI to the
    /// guest's device vector; KVM injects it through the guest IDT (kvm_intel, kvm_amd).
    case irqchip = "irqchip"
    /// The cause word in guest RAM is set, the vCPU is forced out (immediate_exit + signal) and
    /// the run loop enters the guest's ISR entry. Works on every KVM, including kvm_pvm.
    case pendingFlag = "pending-flag+immediate_exit"

    /// The mechanism for a host: the irqchip only where the guest's IDT is honoured (kvm_intel,
    /// kvm_amd) and KVM offers both an in-kernel irqchip and irqfd; the pending flag otherwise
    /// (kvm_pvm runs guest code only at CPL3 and ignores the IDT).
    public static func select(module: String?, capabilities: [String: Int]) -> InterruptMechanism {
        guard module == "kvm_intel" || module == "kvm_amd" else { return .pendingFlag }
        return (capabilities["IRQCHIP"] ?? 0) > 0 && (capabilities["IRQFD"] ?? 0) > 0 ? .irqchip : .pendingFlag
    }
}

import CVWiFiShim
import Measurement

/// In-kernel irqchip plumbing (KVM_CREATE_IRQCHIP, KVM_IRQ_LINE, KVM_IRQFD). The guest driver
/// does not take IDT interrupts yet (kvm_pvm ignores the IDT; see InterruptMechanism), so these
/// are building blocks for hosts with kvm_intel/kvm_amd and for measuring injection costs.
extension KVMVirtualMachine {
    /// Creates the in-kernel PIC/IOAPIC/LAPIC. Call before creating any vCPU.
    public func createIRQChip() throws(VMMError) {
        try SystemCall.check("KVM_CREATE_IRQCHIP", vw_ioctl_int(vmFD, VW_KVM_CREATE_IRQCHIP, 0),
                             hint: "call it before creating vCPUs, once per VM", as: VMMError.init)
    }

    /// Drives interrupt line `gsi` (KVM_IRQ_LINE); an edge is assert then deassert.
    public func setIRQLine(_ gsi: UInt32, level: Bool) throws(VMMError) {
        var request = kvm_irq_level()
        request.irq = gsi
        request.level = level ? 1 : 0
        try SystemCall.check("KVM_IRQ_LINE \(gsi)", vw_ioctl_ptr(vmFD, VW_KVM_IRQ_LINE, &request),
                             hint: "needs createIRQChip()", as: VMMError.init)
    }

    /// Makes a write to `eventfd` inject `gsi` inside the kernel (KVM_IRQFD).
    public func addIRQFD(gsi: UInt32, eventfd: Int32) throws(VMMError) {
        var request = kvm_irqfd()
        request.fd = UInt32(bitPattern: eventfd)
        request.gsi = gsi
        try SystemCall.check("KVM_IRQFD gsi \(gsi)", vw_ioctl_ptr(vmFD, VW_KVM_IRQFD, &request),
                             hint: "needs createIRQChip()", as: VMMError.init)
    }
}

// Interrupt injection through an in-kernel irqchip (kvm_intel, kvm_amd): the hypervisor's
// forwarder (standing for the host kernel's VFIO interrupt handler, which signals the eventfd
// VFIO was given) writes an eventfd bound to a GSI with KVM_IRQFD; KVM raises that line of the
// in-kernel IOAPIC, delivers the vector to the vCPU (a posted interrupt, or a kick out of guest
// mode) and the guest takes it through its IDT.
//
// Not used on this machine: kvm_pvm ignores the guest IDT, so the pipeline injects through the
// KVM line's pending flag + immediate_exit instead (KVMInterruptSink). Using it needs the VM's
// irqchip created before its vCPU (KVMVirtualMachine.createIRQChip) and a guest program with an
// IDT whose vector runs its ISR.
import Platform
import VMM

final class IRQFDInterruptSink: VirtualInterruptSink, @unchecked Sendable {
    // SAFETY: an eventfd may be signalled from any thread; nothing else is mutable.
    let gsi: UInt32
    private let channel: EventChannel

    /// Binds a new eventfd to `gsi` of `vm`'s in-kernel irqchip.
    init(vm: KVMVirtualMachine, gsi: UInt32) throws {
        self.gsi = gsi
        channel = try EventChannel()
        do {
            try vm.addIRQFD(gsi: gsi, eventfd: channel.fd)
        } catch {
            channel.close()
            throw PipelineError.setup("irqfd for GSI \(gsi): \(error)")
        }
    }

    deinit { channel.close() }

    /// One eventfd write; the kernel does the injection.
    package func inject(seq: UInt32) { channel.signal(1) }
}

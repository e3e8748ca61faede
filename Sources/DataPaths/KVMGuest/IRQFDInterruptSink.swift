// Interrupt injection through an in-kernel irqchip (kvm_intel, kvm_amd): the hypervisor's
// forwarder (standing for the host kernel's VFIO interrupt handler, which signals the eventfd
// VFIO was given) writes an eventfd bound to a GSI with KVM_IRQFD; KVM raises that line of the
// in-kernel IOAPIC, delivers the vector to the vCPU (a posted interrupt, or a kick out of guest
// mode) and the guest takes it through its IDT.
//
// Used when GuestDriverRunner.interruptMechanism picks .irqchip (kvm_intel/kvm_amd with an
// in-kernel irqchip, irqfd and GSI routing): the runner created the irqchip before its vCPU,
// loaded the guest's IDT and routed deviceGSI as an MSI to the device vector. Never on kvm_pvm
// (it ignores the guest IDT): there KVMInterruptSink raises the pending flag + immediate_exit.
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

    /// Binds a new eventfd to the device GSI of `runner` (irqchip mechanism only).
    init(runner: GuestDriverRunner) throws {
        gsi = GuestDriverRunner.deviceGSI
        channel = try EventChannel()
        do {
            try runner.bindDeviceInterrupt(eventfd: channel.fd)
        } catch {
            channel.close()
            throw PipelineError.setup("irqfd for GSI \(gsi): \(error)")
        }
    }

    deinit { channel.close() }

    /// One eventfd write; the kernel does the injection.
    package func inject(seq: UInt32) { channel.signal(1) }
}

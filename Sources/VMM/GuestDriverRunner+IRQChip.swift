// The irqchip interrupt mechanism (kvm_intel/kvm_amd only; never runs on kvm_pvm, which ignores
// the guest IDT): KVM's in-kernel irqchip, the guest's IDT and TSS.RSP0, the device's GSI routed
// as an MSI to the guest's device vector, and an irqfd per interrupt source. Raising the
// interrupt is then one eventfd write: the kernel injects it (posted interrupt, or a kick out
// of guest mode, or a wake of the vCPU halted in the wait gate), with no user-space step.
import CVWiFiShim
import Measurement

extension GuestDriverRunner {
    /// The GSI the device's interrupt is routed on: past the in-kernel IOAPIC's 24 pins, so
    /// no legacy line shares it.
    public static let deviceGSI: UInt32 = 24

    /// The mechanism this runner can use on `vm` for a guest in `mode`: InterruptMechanism.select
    /// over the loaded module and the VM's own capability answers; idle keeps the pending flag
    /// (its timer is a trapping register the run loop fires, which a halted vCPU never reaches).
    public static func interruptMechanism(vm: KVMVirtualMachine, mode: GuestDriverMode) -> InterruptMechanism {
        // Idle's timer and carry's stack are raised by the host on the line, not by a device's irqfd.
        guard mode != .idle && mode != .carry else { return .pendingFlag }
        let capabilities = ["IRQCHIP": vm.checkExtension(KVM_CAP_IRQCHIP), "IRQFD": vm.checkExtension(KVM_CAP_IRQFD),
                            "IRQ_ROUTING": vm.checkExtension(KVM_CAP_IRQ_ROUTING)]
        guard (capabilities["IRQ_ROUTING"] ?? 0) > 0 else { return .pendingFlag }
        return InterruptMechanism.select(module: KVMProbe.loadedModule(), capabilities: capabilities)
    }

    /// Before the vCPU exists: the in-kernel PIC/IOAPIC/LAPIC (KVM requires it first) and the IDT
    /// and TSS.RSP0 in guest RAM (LongModeSetup.install wrote the GDT and TSS).
    static func prepareIRQChip(vm: KVMVirtualMachine, layout: GuestLayout, ram: GuestRAM, mode: GuestDriverMode) throws(VMMError) {
        guard mode != .idle && mode != .carry else {
            throw .config("interruptMechanism", "irqchip does not carry the idle mode's trapping timer or the carry mode's stack cause; use the pending flag")
        }
        try vm.createIRQChip()
        try InterruptDescriptorTable.install(layout, in: ram)
    }

    /// After the vCPU: its LAPIC enabled (the wake timer's LVT), the device's MSI route.
    static func finishIRQChip(vm: KVMVirtualMachine, vcpu: VirtualCPU) throws(VMMError) {
        try vcpu.enableLocalAPIC(timerVector: GuestMailbox.vectorWake)
        try vm.setGSIRouting([MSIRoute(gsi: deviceGSI, vector: GuestMailbox.vectorDevice)])
    }

    /// The mailbox words the irqchip mode's guest reads (after every load of the mailbox):
    /// the mode and the LAPIC-timer rate for its wait deadlines. Nothing in pending-flag mode.
    func writeInterruptMode() {
        guard interruptLine.mechanism == .irqchip else { return }
        ram.storeU64(layout.mailbox + GuestMailbox.irqMode, GuestMailbox.irqModeIRQChip)
        ram.storeU64(layout.mailbox + GuestMailbox.apicTicksPerTSC, LocalAPICSetup.ticksPerTSC(tscHz: tscHz))
    }

    /// The entry RFLAGS: IF set in irqchip mode (the CPU takes injected vectors), clear otherwise.
    var entryFlags: UInt64 {
        LongModeSetup.userFlags | (interruptLine.mechanism == .irqchip ? LongModeSetup.interruptFlag : 0)
    }

    /// Makes a write to `eventfd` raise the device's interrupt in the kernel (KVM_IRQFD on
    /// deviceGSI). Only in irqchip mode.
    public func bindDeviceInterrupt(eventfd: Int32) throws(VMMError) {
        guard interruptLine.mechanism == .irqchip else {
            throw .config("interruptMechanism", "an irqfd needs the irqchip mechanism (this runner uses \(interruptLine.mechanism.rawValue))")
        }
        try vm.addIRQFD(gsi: Self.deviceGSI, eventfd: eventfd)
    }
}

import CVWiFiShim
import Measurement

/// The in-kernel local APIC's registers the irqchip mode sets before the guest starts (struct
/// kvm_lapic_state is the xAPIC register page's first 1 KiB, each register at its MMIO offset).
/// The guest then only writes EOI and the timer's initial count.
public enum LocalAPICSetup {
    public static let taskPriority = 0x80
    public static let spuriousVector = 0xF0
    public static let lvtTimer = 0x320
    public static let timerDivide = 0x3E0
    /// SVR: APIC software enable (bit 8) and spurious vector 0xFF. KVM accepts no fixed
    /// interrupt while the APIC is software-disabled, which it is after reset.
    public static let spuriousValue: UInt32 = 0x100 | 0xFF
    /// Divide configuration 1011b: divide by 1 (Intel SDM Vol. 3A Figure 11-10).
    public static let divideByOne: UInt32 = 0xB
    /// KVM's APIC bus runs at 1 GHz (one tick per nanosecond) unless KVM_CAP_X86_APIC_BUS_CYCLES_NS
    /// changes it; with divide-by-1 that is the timer's tick rate.
    public static let timerHz: Double = 1e9

    /// Sets the registers in `registers` (a kvm_lapic_state's bytes): software enable, TPR 0,
    /// LVT timer one-shot (mode bits 17-18 = 0), unmasked, at `timerVector`; divide by 1.
    public static func apply(to registers: UnsafeMutableRawBufferPointer, timerVector: UInt8) {
        precondition(registers.count >= 0x400, "kvm_lapic_state holds 1 KiB of registers")
        // SAFETY: bounds: every offset + 4 is at most 0x3E4 <= 0x400 bytes (checked above); the
        // raw-buffer stores are aligned 32-bit register writes, as in the APIC's register page.
        registers.storeBytes(of: 0, toByteOffset: taskPriority, as: UInt32.self)
        registers.storeBytes(of: spuriousValue, toByteOffset: spuriousVector, as: UInt32.self)
        registers.storeBytes(of: UInt32(timerVector), toByteOffset: lvtTimer, as: UInt32.self)
        registers.storeBytes(of: divideByOne, toByteOffset: timerDivide, as: UInt32.self)
    }

    /// The guest's LAPIC-timer ticks per TSC tick in 32.32 fixed point (mailbox.apicTicksPerTSC).
    public static func ticksPerTSC(tscHz: Double) -> UInt64 {
        guard tscHz > 0 else { return 0 }
        return UInt64((timerHz / tscHz * 4_294_967_296).rounded())
    }
}

extension VirtualCPU {
    /// Reads the vCPU's in-kernel LAPIC (KVM_GET_LAPIC), applies LocalAPICSetup and writes it
    /// back (KVM_SET_LAPIC). Needs the VM's in-kernel irqchip.
    public func enableLocalAPIC(timerVector: UInt8) throws(VMMError) {
        var state = kvm_lapic_state()
        try SystemCall.check("KVM_GET_LAPIC", vw_ioctl_ptr(fd, VW_KVM_GET_LAPIC, &state),
                             hint: "needs createIRQChip() before the vCPU", as: VMMError.init)
        withUnsafeMutableBytes(of: &state) { LocalAPICSetup.apply(to: $0, timerVector: timerVector) }
        try SystemCall.check("KVM_SET_LAPIC", vw_ioctl_ptr(fd, VW_KVM_SET_LAPIC, &state), as: VMMError.init)
    }
}

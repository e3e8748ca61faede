/// The irqchip mode's descriptor tables (kvm_intel/kvm_amd only: kvm_pvm ignores the guest IDT):
/// 64-bit interrupt gates for the guest's CPL0 entries, and TSS.RSP0, the stack the CPU switches
/// to when an interrupt (or the wait gate) takes the CPL3 driver to CPL0. The GDT and the TSS
/// descriptor are LongModeSetup's (its kernel code selector is the gates' target).
public enum InterruptDescriptorTable {
    /// 256 gates of 16 bytes: one page; the IDT limit covers all of them (absent gates are zero).
    public static let gateCount = 256
    public static let gateSize = 16
    public static var limit: UInt16 { UInt16(gateCount * gateSize - 1) }
    /// System-descriptor type of a 64-bit interrupt gate (IF cleared on entry).
    public static let interruptGateType: UInt64 = 0xE
    /// Byte offset of RSP0 in the 64-bit TSS.
    public static let tssRSP0Offset = 4

    /// One 64-bit IDT gate (Intel SDM Vol. 3A 6.14.1, Figure 6-8): low quadword = offset[15:0],
    /// selector (bits 16-31), IST (32-34), type (40-43), DPL (45-46), P (47), offset[31:16]
    /// (48-63); high quadword = offset[63:32], reserved zero.
    public static func interruptGate(handler: UInt64, selector: UInt16, dpl: UInt8, ist: UInt8 = 0) -> (low: UInt64, high: UInt64) {
        let low = (handler & 0xFFFF) | UInt64(selector) << 16 | UInt64(ist & 7) << 32
            | interruptGateType << 40 | UInt64(dpl & 3) << 45 | 1 << 47 | ((handler >> 16) & 0xFFFF) << 48
        return (low, handler >> 32)
    }

    /// The gates the guest image needs, vector -> (handler GPA, DPL): the device's MSI and the
    /// wake timer (DPL 0: only hardware raises them), the wait gate (DPL 3: `int` from CPL3).
    public static func gates(codeBase: UInt64) -> [(vector: UInt8, handler: UInt64, dpl: UInt8)] {
        [(GuestMailbox.vectorDevice, codeBase + GuestDriverImage.idtDeviceEntryOffset, 0),
         (GuestMailbox.vectorWake, codeBase + GuestDriverImage.idtWakeEntryOffset, 0),
         (GuestMailbox.vectorWait, codeBase + GuestDriverImage.idtWaitEntryOffset, 3)]
    }

    /// Writes the IDT at `layout.idt` and TSS.RSP0 = `layout.interruptStackTop` (LongModeSetup.install
    /// must have written the TSS first).
    public static func install(_ layout: GuestLayout, in ram: GuestRAM) throws(VMMError) {
        guard let idt = ram.pointer(layout.idt, length: UInt64(gateCount * gateSize)),
              let tss = ram.pointer(layout.tss, length: GuestLayout.tssSize) else {
            throw .config("GuestLayout.idt/tss", "outside guest RAM")
        }
        // SAFETY: bounds: `ram.pointer` checked gateCount * gateSize bytes at the page-aligned idt;
        // every vector is < 256, so each 16-byte gate store is inside.
        idt.initializeMemory(as: UInt8.self, repeating: 0, count: gateCount * gateSize)
        for gate in gates(codeBase: layout.code) {
            let (low, high) = interruptGate(handler: gate.handler, selector: LongModeSetup.kernelCode, dpl: gate.dpl)
            idt.storeBytes(of: low, toByteOffset: Int(gate.vector) * gateSize, as: UInt64.self)
            idt.storeBytes(of: high, toByteOffset: Int(gate.vector) * gateSize + 8, as: UInt64.self)
        }
        // SAFETY: bounds: RSP0 is the 8 bytes at offset 4 of the checked tssSize (> 104) bytes; the
        // TSS is 64-byte aligned, so an unaligned 8-byte store is what the layout defines.
        tss.storeBytes(of: layout.interruptStackTop, toByteOffset: tssRSP0Offset, as: UInt64.self)
    }
}

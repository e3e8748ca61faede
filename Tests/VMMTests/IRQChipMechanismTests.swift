import CVWiFiShim
import Testing
@testable import VMM

/// The irqchip interrupt mechanism's pieces that can be checked on any machine: which hosts
/// get it, the descriptor tables' bytes against the Intel SDM, the routing structures against
/// include/uapi/linux/kvm.h, and the LAPIC registers. The delivery itself (an MSI through the
/// guest IDT) runs only on kvm_intel/kvm_amd.
@Suite struct IRQChipMechanismTests {
    @Test func onlyHardwareKVMWithIrqchipAndIrqfdGetsTheIrqchip() {
        let both = ["IRQCHIP": 1, "IRQFD": 1]
        #expect(InterruptMechanism.select(module: "kvm_pvm", capabilities: both) == .pendingFlag)
        #expect(InterruptMechanism.select(module: nil, capabilities: both) == .pendingFlag)
        #expect(InterruptMechanism.select(module: "kvm_intel", capabilities: both) == .irqchip)
        #expect(InterruptMechanism.select(module: "kvm_amd", capabilities: both) == .irqchip)
        #expect(InterruptMechanism.select(module: "kvm_intel", capabilities: ["IRQCHIP": 1, "IRQFD": 0]) == .pendingFlag)
        #expect(InterruptMechanism.select(module: "kvm_amd", capabilities: ["IRQFD": 1]) == .pendingFlag)
    }

    /// SDM Vol. 3A Figure 6-8 (64-bit IDT gate): offset 15:0 in bytes 0-1, selector in 2-3, IST in
    /// byte 4 bits 0-2, byte 5 = P | DPL << 5 | type (0xE: interrupt gate), offset 31:16 in bytes
    /// 6-7, offset 63:32 in bytes 8-11, bytes 12-15 reserved.
    @Test func interruptGateMatchesTheSDMLayout() {
        let user = InterruptDescriptorTable.interruptGate(handler: 0x1234_5678_9ABC_DEF0, selector: 0x08, dpl: 3)
        let bytes = withUnsafeBytes(of: user.low.littleEndian) { Array($0) } + withUnsafeBytes(of: user.high.littleEndian) { Array($0) }
        #expect(bytes == [0xF0, 0xDE, 0x08, 0x00, 0x00, 0xEE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0])
        let kernel = InterruptDescriptorTable.interruptGate(handler: 0x40720, selector: 0x08, dpl: 0, ist: 1)
        #expect(kernel.low == 0x0004_8E01_0008_0720 && kernel.high == 0)
    }

    @Test func installWritesTheGuestsGatesAndRSP0() throws {
        let memory = try TestRAM(size: 4 << 20)
        let layout = GuestLayout(memorySize: memory.ram.size)
        try layout.validate()
        try LongModeSetup.install(layout, in: memory.ram)
        try InterruptDescriptorTable.install(layout, in: memory.ram)
        func gate(_ vector: UInt8) -> (UInt64, UInt64) {
            (memory.ram.loadU64(layout.idt + UInt64(vector) * 16), memory.ram.loadU64(layout.idt + UInt64(vector) * 16 + 8))
        }
        let device = gate(GuestMailbox.vectorDevice), wait = gate(GuestMailbox.vectorWait), wake = gate(GuestMailbox.vectorWake)
        let deviceHandler = layout.code + GuestDriverImage.idtDeviceEntryOffset
        #expect(device.0 & 0xFFFF == deviceHandler & 0xFFFF && device.0 >> 48 == (deviceHandler >> 16) & 0xFFFF && device.1 == 0)
        #expect((device.0 >> 16) & 0xFFFF == UInt64(LongModeSetup.kernelCode))
        #expect((device.0 >> 40) & 0xFF == 0x8E && (wake.0 >> 40) & 0xFF == 0x8E)   // P, DPL 0, interrupt gate
        #expect((wait.0 >> 40) & 0xFF == 0xEE)                                      // DPL 3: `int` from CPL3
        #expect(gate(0x21) == (0, 0) && gate(0xFF) == (0, 0))                        // everything else absent
        // Every handler is one of the image's CPL0 entries, inside the ISR range.
        for offset in [GuestDriverImage.idtDeviceEntryOffset, GuestDriverImage.idtWakeEntryOffset, GuestDriverImage.idtWaitEntryOffset] {
            #expect((GuestDriverImage.isrStartOffset..<GuestDriverImage.isrEndOffset).contains(offset))
        }
        // TSS: RSP0 at byte 4; the TSS descriptor (SDM Figure 8-4) is GDT entries 5 and 6.
        #expect(memory.ram.loadU64(layout.tss + 4) == layout.interruptStackTop)
        let low = memory.ram.loadU64(layout.gdt + 5 * 8), high = memory.ram.loadU64(layout.gdt + 6 * 8)
        let base = (low >> 16) & 0xFF_FFFF | ((low >> 56) & 0xFF) << 24 | (high & 0xFFFF_FFFF) << 32
        #expect(base == layout.tss)
        #expect(low & 0xFFFF | ((low >> 48) & 0xF) << 16 == GuestLayout.tssSize - 1)
        #expect((low >> 40) & 0xFF == 0x89)   // P, DPL 0, available 64-bit TSS
        // The interrupt stack and the IDT lie in the reserved region, clear of the TSS.
        #expect(layout.interruptStackTop - GuestLayout.interruptStackSize >= layout.tss + GuestLayout.tssSize)
    }

    /// The wake entry, byte for byte: push rax; mov eax, APIC_BASE + APIC_EOI (zero-extended, not a
    /// sign-extended disp32); mov dword [rax], 0; pop rax; iretq (REX.W CF). The device entry ends
    /// with the same EOI and iretq.
    @Test func cpl0EntriesEOITheXAPICAndReturnWithIretq() {
        let image = GuestDriverImage.bytes
        let wake = Int(GuestDriverImage.idtWakeEntryOffset)
        let eoi = GuestMailbox.apicBase + GuestMailbox.apicEOI
        let expected: [UInt8] = [0x50, 0xB8] + withUnsafeBytes(of: UInt32(eoi).littleEndian) { Array($0) }
            + [0xC7, 0x00, 0, 0, 0, 0, 0x58, 0x48, 0xCF]
        #expect(Array(image[wake..<wake + expected.count]) == expected)
        let device = Array(image[Int(GuestDriverImage.idtDeviceEntryOffset)..<wake])
        let eoiStore: [UInt8] = [0xB8] + withUnsafeBytes(of: UInt32(eoi).littleEndian) { Array($0) } + [0xC7, 0x00, 0, 0, 0, 0]
        #expect(device.indices.contains { device[$0...].starts(with: eoiStore) })
        #expect(device.indices.contains { device[$0...].starts(with: [0x48, 0xCF]) })
    }

    @Test func pendingFlagModeLeavesTheIDTEmptyAndInterruptsOff() {
        let layout = GuestLayout(memorySize: 4 << 20)
        var sregs = kvm_sregs()
        LongModeSetup.configure(&sregs, layout: layout)
        #expect(sregs.idt.base == 0 && sregs.idt.limit == 0)
        LongModeSetup.configure(&sregs, layout: layout, idt: true)
        #expect(sregs.idt.base == layout.idt && sregs.idt.limit == 4095)
        #expect(LongModeSetup.userFlags & LongModeSetup.interruptFlag == 0)
    }

    /// include/uapi/linux/kvm.h: struct kvm_irq_routing { u32 nr, flags; entries[] } and
    /// kvm_irq_routing_entry { u32 gsi, type, flags, pad; union u (32 bytes) }, msi = { address_lo,
    /// address_hi, data, pad }.
    @Test func routingTableIsTheKernelsStructure() {
        #expect(MemoryLayout<kvm_irq_routing_entry>.size == MSIRoute.entryBytes)
        #expect(MemoryLayout<kvm_irq_routing>.size == MSIRoute.headerBytes)
        #expect(MemoryLayout<kvm_irq_routing_entry>.offset(of: \.u) == 16)
        #expect(MemoryLayout<kvm_irqfd>.size == 32)
        let routes = [MSIRoute(gsi: 24, vector: 0x20), MSIRoute(gsi: 25, vector: 0x41, destinationAPICID: 3)]
        let table = MSIRoute.routingTable(routes)
        #expect(table.count == 8 + 2 * 48)
        func word(_ offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(table[offset + $1]) << (8 * UInt32($1)) } }
        #expect(word(0) == 2 && word(4) == 0)
        #expect(word(8) == 24 && word(12) == UInt32(KVM_IRQ_ROUTING_MSI) && word(16) == 0)
        #expect(word(24) == 0xFEE0_0000 && word(28) == 0 && word(32) == 0x20)
        #expect(word(56) == 25 && word(72) == 0xFEE0_3000 && word(80) == 0x41)
        // The same bytes read back through the imported C structure.
        table.withUnsafeBytes { buffer in
            let entry = buffer.load(fromByteOffset: 8 + 48, as: kvm_irq_routing_entry.self)
            #expect(entry.gsi == 25 && entry.type == UInt32(KVM_IRQ_ROUTING_MSI))
            #expect(entry.u.msi.address_lo == 0xFEE0_3000 && entry.u.msi.data == 0x41)
        }
    }

    @Test func localAPICIsEnabledWithAOneShotWakeTimer() {
        #expect(MemoryLayout<kvm_lapic_state>.size == 1024)
        var state = kvm_lapic_state()
        withUnsafeMutableBytes(of: &state) { registers in
            registers.storeBytes(of: 0xFF, toByteOffset: 0xF0, as: UInt32.self)          // reset: software-disabled
            registers.storeBytes(of: 0x0001_0000, toByteOffset: 0x320, as: UInt32.self)  // reset: masked
            LocalAPICSetup.apply(to: registers, timerVector: GuestMailbox.vectorWake)
            #expect(registers.load(fromByteOffset: 0xF0, as: UInt32.self) == 0x1FF)
            #expect(registers.load(fromByteOffset: 0x320, as: UInt32.self) == UInt32(GuestMailbox.vectorWake))
            #expect(registers.load(fromByteOffset: 0x3E0, as: UInt32.self) == 0xB)
        }
        #expect(LocalAPICSetup.ticksPerTSC(tscHz: 2e9) == 1 << 31)
        #expect(LocalAPICSetup.ticksPerTSC(tscHz: 0) == 0)
    }
}

/// The setup ioctls against this machine's kernel. On kvm_pvm the kernel accepts the irqchip,
/// LAPIC state, GSI routing and irqfd (delivery through the IDT is what it cannot do), so the
/// runner's irqchip setup runs here up to, not including, the guest.
@Suite(.serialized, .enabled(if: KVMHere.usable && KVMHere.availability.capabilities["IRQCHIP", default: 0] > 0, "no usable KVM with KVM_CAP_IRQCHIP here"))
struct IRQChipSetupTests {
    @Test func runnerSetsUpTheIrqchipMechanismThroughTheKernelsAPI() throws {
        let memory = try TestRAM()
        let layout = GuestLayout(memorySize: memory.ram.size)
        let parameters = GuestDriverParameters.standard(layout: layout, packetCount: 4, payloadLength: 64, bufferCount: 4, ringCapacity: 32)
        let vm = try KVMVirtualMachine(ram: memory.ram)
        let bus = MMIOBus()
        let device = FakeTXDevice(ram: memory.ram, parameters: parameters, mode: .exit)
        try bus.insert(device, base: parameters.doorbellAddress, length: 4)
        let runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus, interruptMechanism: .irqchip)
        #expect(runner.interruptLine.mechanism == .irqchip)
        #expect(memory.ram.loadU64(layout.tss + 4) == layout.interruptStackTop)
        let fd = vw_eventfd(0, 0)
        defer { _ = vw_close(fd) }
        try runner.bindDeviceInterrupt(eventfd: fd)
        #expect(vw_eventfd_signal(fd, 1) == 0)
        let registers = try runner.vcpu.registers()
        #expect(registers.rflags & LongModeSetup.interruptFlag != 0)
        // Selection on this machine: kvm_pvm keeps the pending flag whatever its VM answers.
        if KVMProbe.loadedModule() == "kvm_pvm" {
            #expect(GuestDriverRunner.interruptMechanism(vm: vm, mode: .udpTX) == .pendingFlag)
        }
        #expect(GuestDriverRunner.interruptMechanism(vm: vm, mode: .idle) == .pendingFlag)
    }

    @Test func pendingFlagRunnerRefusesAnIrqfdAndIdleRefusesTheIrqchip() throws {
        let memory = try TestRAM()
        let layout = GuestLayout(memorySize: memory.ram.size)
        let parameters = GuestDriverParameters.standard(layout: layout, packetCount: 4, payloadLength: 64, bufferCount: 4, ringCapacity: 32)
        let bus = MMIOBus()
        let device = FakeTXDevice(ram: memory.ram, parameters: parameters, mode: .exit)
        try bus.insert(device, base: parameters.doorbellAddress, length: 4)
        let runner = try GuestDriverRunner(vm: try KVMVirtualMachine(ram: memory.ram), layout: layout, parameters: parameters, bus: bus)
        #expect(runner.interruptLine.mechanism == .pendingFlag)
        #expect(throws: VMMError.self) { try runner.bindDeviceInterrupt(eventfd: 0) }
        #expect(memory.ram.loadU64(layout.mailbox + GuestMailbox.irqMode) == 0)
    }
}

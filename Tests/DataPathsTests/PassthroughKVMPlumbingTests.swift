import Testing
@testable import DataPaths
import Platform
import VMM

/// The KVM pieces passthrough stands on: the device's register page as a memory slot of its own,
/// and irqfd injection into an in-kernel irqchip (the kvm_intel/kvm_amd path; the pipeline does not
/// use it on kvm_pvm, but the kernel API accepts it there too).
@Suite(.serialized, .enabled(if: KVMBackendHere.usable, "the kvm trap backend cannot run here: \(KVMBackendHere.why)"))
struct PassthroughKVMPlumbingTests {
    @Test func registerPageMapsOutsideRAMOnlyAsASlotOfItsOwn() throws {
        let memory = try GuestMemory(size: 4 << 20, vmID: 1)
        let vm = try KVMVirtualMachine(ram: GuestRAM(base: memory.hostBase, size: UInt64(memory.size)))
        let page = DeviceRegisterPage()
        let size = UInt64(DeviceRegisterPage.bytes)
        #expect(throws: VMMError.self) { try vm.mapDeviceMemory(slot: 0, address: DeviceRegisterPage.guestPhysicalAddress, host: page.base, size: size) }
        #expect(throws: VMMError.self) { try vm.mapDeviceMemory(slot: 1, address: 0x1000, host: page.base, size: size) }
        #expect(throws: VMMError.self) { try vm.mapDeviceMemory(slot: 1, address: DeviceRegisterPage.guestPhysicalAddress + 8, host: page.base, size: size) }
        try vm.mapDeviceMemory(slot: 1, address: DeviceRegisterPage.guestPhysicalAddress, host: page.base, size: size)
    }

    @Test func irqfdSinkNeedsTheIrqchipAndThenInjectsByOneEventfdWrite() throws {
        let memory = try GuestMemory(size: 4 << 20, vmID: 1)
        let vm = try KVMVirtualMachine(ram: GuestRAM(base: memory.hostBase, size: UInt64(memory.size)))
        #expect(throws: PipelineError.self) { _ = try IRQFDInterruptSink(vm: vm, gsi: 5) }
        try vm.createIRQChip()
        let sink = try IRQFDInterruptSink(vm: vm, gsi: 5)
        #expect(sink.gsi == 5)
        sink.inject(seq: 1)
    }
}

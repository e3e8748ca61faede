// The KVM guest on passthrough: the same guest driver program, with its doorbell at the
// assigned device's register page, which is mapped into the VM as memory slot 1. The store is
// an ordinary guest store into memory the device owns: no exit, nothing in the host is told
// (the device samples its register). Nothing else differs: TX buffers, ring, completion
// format and interrupt line are the vwifi KVM guest's.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension KVMGuest {
    /// Memory slot of the device's register page (slot 0 is guest RAM).
    static let deviceRegisterSlot: UInt32 = 1

    /// Maps `page` at its BAR address (where the guest program's doorbell points), replacing the
    /// MMIO exit there with memory. The page must outlive the VM (the pipeline holds both).
    func mapDeviceRegisters(_ page: DeviceRegisterPage) throws {
        do {
            try runner.vm.mapDeviceMemory(slot: Self.deviceRegisterSlot, address: DeviceRegisterPage.guestPhysicalAddress,
                                          host: page.base, size: UInt64(DeviceRegisterPage.bytes))
        } catch {
            throw PipelineError.setup("KVM guest: the device's register page: \(error)")
        }
    }

    var passthroughDoorbellNote: String {
        "doorbell = a store to the assigned device's register page, mapped into the guest as memory slot \(Self.deviceRegisterSlot) at 0x\(String(DeviceRegisterPage.guestPhysicalAddress, radix: 16)): no exit; the device samples the register (every \(PhysicalDevice.samplingPeriodNs / 1000) us when idle)"
    }
}

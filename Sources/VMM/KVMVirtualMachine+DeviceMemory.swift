// Device memory mapped into the guest as a memory slot of its own: what QEMU does with an
// assigned device's BAR that VFIO lets it mmap. Guest loads and stores there are ordinary
// memory accesses (no exit); the device that owns the page sees them as posted writes.
import CVWiFiShim
import Measurement

extension KVMVirtualMachine {
    /// Maps `size` bytes of host memory at `host` (page-aligned, a whole number of pages) at
    /// guest-physical `address` as memory slot `slot` (1 and up; slot 0 is RAM). The range must
    /// not overlap RAM; the guest's page tables must cover it (GuestLayout.identityMapSize).
    public func mapDeviceMemory(slot: UInt32, address: UInt64, host: UnsafeMutableRawPointer, size: UInt64) throws(VMMError) {
        guard slot > 0 else { throw .config("slot", "0 is guest RAM; give 1 or above") }
        guard size > 0, size % 4096 == 0, address % 4096 == 0, UInt(bitPattern: host) % 4096 == 0 else {
            throw .config("device memory", "address 0x\(String(address, radix: 16)), \(size) bytes: page-align both and the host mapping")
        }
        guard address >= ram.guestPhysicalBase + ram.size || address + size <= ram.guestPhysicalBase else {
            throw .config("device memory", "0x\(String(address, radix: 16)) overlaps guest RAM")
        }
        var region = kvm_userspace_memory_region()
        region.slot = slot
        region.flags = 0
        region.guest_phys_addr = address
        region.memory_size = size
        region.userspace_addr = UInt64(UInt(bitPattern: host))
        try SystemCall.check("KVM_SET_USER_MEMORY_REGION slot \(slot) (device memory)",
                             vw_ioctl_ptr(vmFD, VW_KVM_SET_USER_MEMORY_REGION, &region),
                             hint: "the host range must stay mapped while the VM runs", as: VMMError.init)
    }
}

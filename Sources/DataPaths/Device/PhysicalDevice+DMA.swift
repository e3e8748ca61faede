// Where the device's DMA engine reaches: decided by who wrote the ring (RingOwner), never by
// what a descriptor says.
import CVWiFiShim
import Measurement
import Platform

extension PhysicalDevice {
    /// The host address the device's DMA engine reaches for `d`'s buffer, or nil (a fault).
    /// A guest-written descriptor is a GPA of its VM and goes through that VM's IOMMU domain:
    /// its flags are guest input and select nothing. An address at or past the VM's 32 GiB
    /// window faults (tagging keeps only the low 35 bits, which would alias into the VM's RAM).
    func dmaAddress(_ d: Descriptor, length: Int, write: Bool) -> UnsafeMutableRawPointer? {
        let tagged: UInt64
        switch wiring.owner {
        case .guest(let vmID):
            guard d.addr < IOMMU.windowBytes, IOMMU.windowBytes - d.addr >= UInt64(length) else {
                wiring.iommu?.recordFault()
                return nil
            }
            tagged = IOMMU.tag(gpa: d.addr, vmID: vmID)
        case .hostDriver:
            // SAFETY: the host driver put this address in its own ring: one of its DMA buffers,
            // or a guest buffer the device model translated and bounds-checked for this length.
            if d.flags & DescriptorFlag.hostAddress != 0 { return UnsafeMutableRawPointer(bitPattern: UInt(d.addr)) }
            guard d.flags & DescriptorFlag.tagged != 0 else { return nil }
            tagged = d.addr
        }
        guard let iommu = wiring.iommu else { return nil }
        return iommu.translate(taggedAddress: tagged, length: length, write: write)
    }
}

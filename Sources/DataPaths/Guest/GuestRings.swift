// The driver-visible layout of one VM's WiFi device in guest RAM: the TX ring, the completion
// ring, the RX free ring and the packet buffers, all addressed by GPA. Passthrough hands these
// GPAs to the real device (through the IOMMU); vwifi to the device model.
import Platform

package struct GuestRings {
    static package let bufferBytes = 4096

    package let memory: GuestMemory
    package let tx: DescriptorRing
    package let completions: DescriptorRing
    package let rxFree: DescriptorRing
    package let txBuffers: [UInt64]
    package let rxBuffers: [UInt64]
    package let txRingGPA: UInt64
    package let completionRingGPA: UInt64
    package let rxFreeRingGPA: UInt64

    package init(memory: GuestMemory, ringSize: Int, rxBuffers rxCount: Int) throws {
        self.memory = memory
        func ring(_ capacity: Int) throws -> (DescriptorRing, UInt64) {
            let bytes = DescriptorRing.bytesNeeded(capacity: capacity)
            let gpa = try memory.allocate(bytes: bytes, alignment: 4096)
            guard let host = memory.hostAddress(gpa: gpa, length: bytes) else {
                throw PipelineError.setup("ring at GPA \(gpa) is not backed by guest memory")
            }
            // SAFETY: lifetime: the ring views bytesNeeded bytes of guest RAM, page-aligned; GuestRings holds
            // `memory`, so the mapping outlives its rings.
            return (DescriptorRing(memory: host, capacity: capacity), gpa)
        }
        (tx, txRingGPA) = try ring(ringSize)
        (completions, completionRingGPA) = try ring(ringSize * 2)
        (rxFree, rxFreeRingGPA) = try ring(ringSize)
        txBuffers = try (0..<ringSize).map { _ in try memory.allocate(bytes: Self.bufferBytes, alignment: 4096) }
        rxBuffers = try (0..<rxCount).map { _ in try memory.allocate(bytes: Self.bufferBytes, alignment: 4096) }
    }
}

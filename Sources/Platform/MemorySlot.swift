/// One guest-physical range backed by host memory, like a KVM memslot.
public struct MemorySlot: @unchecked Sendable {
    // SAFETY: the host pointer refers to the guest RAM mapping, shared by design.
    public let gpa: UInt64
    public let size: Int
    public let hostAddress: UnsafeMutableRawPointer

    public init(gpa: UInt64, size: Int, hostAddress: UnsafeMutableRawPointer) {
        self.gpa = gpa
        self.size = size
        self.hostAddress = hostAddress
    }

    @inline(__always)
    public func contains(gpa address: UInt64) -> Bool {
        address >= gpa && address - gpa < UInt64(size)
    }
}

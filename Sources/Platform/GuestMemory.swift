import CVWiFiShim
import Measurement
import Synchronization

/// A VM's RAM: one anonymous mapping split into memslots at guest-physical address 0.
public final class GuestMemory: @unchecked Sendable {
    // SAFETY: the region is shared by design, as a VM's RAM is shared between vCPU threads, device
    // models and DMA. Only the allocator's cursor is mutable; a Mutex guards it (set-up only).
    /// Page size used by every translation structure in this module.
    public static let pageSize = 4096
    /// VM-IDs are 4 bits (the merged VT-d table has 16 windows of 32 GiB, paper section 4.4).
    public static let maxVMID: UInt8 = 15
    public static let maxSize = 32 << 30

    public let vmID: UInt8
    public let size: Int
    public let hostBase: UnsafeMutableRawPointer
    public let slotSize: Int
    public let slots: [MemorySlot]
    private let cursor = Mutex<UInt64>(0)

    public init(size: Int, vmID: UInt8, slotSize: Int = 32 << 20) throws {
        guard size > 0, size % GuestMemory.pageSize == 0 else {
            throw PlatformError.invalidArgument("guest memory size \(size) must be a positive multiple of 4096")
        }
        guard size <= GuestMemory.maxSize else {
            throw PlatformError.invalidArgument("guest memory size \(size) exceeds the 32 GiB VT-d window of one VM")
        }
        guard vmID <= GuestMemory.maxVMID else {
            throw PlatformError.invalidArgument("vmID \(vmID) must be 0...15 (4-bit VM-ID in GPA bits 35-38)")
        }
        guard slotSize > 0, slotSize % GuestMemory.pageSize == 0 else {
            throw PlatformError.invalidArgument("slotSize \(slotSize) must be a positive multiple of 4096")
        }
        var err: Int32 = 0
        // SAFETY: ownership: the mapping belongs to this object and is unmapped once in deinit; rings,
        // translators and vCPUs that point into it keep the GuestMemory alive.
        guard let base = vw_mmap_anonymous(size, 0, &err) else {
            throw PlatformError.system(SystemCall.failure("mmap of \(size) bytes of guest memory", errno: err))
        }
        self.vmID = vmID
        self.size = size
        self.hostBase = base
        self.slotSize = slotSize
        var slots: [MemorySlot] = []
        var gpa = 0
        while gpa < size {
            let length = min(slotSize, size - gpa)
            slots.append(MemorySlot(gpa: UInt64(gpa), size: length, hostAddress: base + gpa))
            gpa += length
        }
        self.slots = slots
    }

    deinit {
        // SAFETY: the mapping from init, unmapped once; no holder of a host address outlives this object.
        _ = vw_munmap(hostBase, size)
    }

    /// Host address of guest-physical [gpa, gpa+length), or nil when the range leaves guest
    /// memory, crosses the end of its memslot, or is empty.
    @inline(__always)
    public func hostAddress(gpa: UInt64, length: Int) -> UnsafeMutableRawPointer? {
        guard length > 0, gpa < UInt64(size) else { return nil }
        // Slots are equal-sized from GPA 0, so the slot index is a division (KVM searches a
        // sorted array; with uniform slots this is the same answer).
        let index = Int(gpa / UInt64(slotSize))
        let slot = slots[index]
        let offset = gpa - slot.gpa
        guard offset + UInt64(length) <= UInt64(slot.size) else { return nil }
        // SAFETY: bounds: offset + length <= slot.size (checked above), so the range is inside the mapping.
        return slot.hostAddress + Int(offset)
    }

    /// Memslot holding `gpa`, or nil outside guest memory.
    public func slot(containing gpa: UInt64) -> MemorySlot? {
        guard gpa < UInt64(size) else { return nil }
        return slots[Int(gpa / UInt64(slotSize))]
    }

    /// Reserves `bytes` of guest-physical space (bump allocator) and returns its GPA. An
    /// allocation that fits in one memslot never straddles a slot end, so it stays translatable.
    public func allocate(bytes: Int, alignment: Int = 4096) throws -> UInt64 {
        guard bytes > 0 else {
            throw PlatformError.invalidArgument("allocation of \(bytes) bytes: size must be positive")
        }
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw PlatformError.invalidArgument("alignment \(alignment) must be a power of two")
        }
        let total = UInt64(size)
        let slotBytes = UInt64(slotSize)
        let result: UInt64? = cursor.withLock { next in
            let mask = UInt64(alignment - 1)
            var start = (next + mask) & ~mask
            let slotEnd = (start / slotBytes + 1) * slotBytes
            if UInt64(bytes) <= slotBytes, start + UInt64(bytes) > slotEnd {
                start = (slotEnd + mask) & ~mask
            }
            guard start <= total, UInt64(bytes) <= total - start else { return nil }
            next = start + UInt64(bytes)
            return start
        }
        guard let gpa = result else {
            throw PlatformError.outOfMemory(
                "guest memory of VM \(vmID) (\(size) bytes) cannot fit \(bytes) more bytes; give the VM more memory")
        }
        return gpa
    }

    /// Alias of `allocate(bytes:alignment:)`.
    public func reserve(bytes: Int, alignment: Int = 4096) throws -> UInt64 {
        try allocate(bytes: bytes, alignment: alignment)
    }

    /// Bytes handed out so far by the allocator (including alignment padding).
    public var allocatedBytes: Int { Int(cursor.withLock { $0 }) }

    /// GPA of a host address inside guest memory, or nil.
    @inline(__always)
    public func gpa(of host: UnsafeRawPointer) -> UInt64? {
        let offset = UnsafeRawPointer(hostBase).distance(to: host)
        guard offset >= 0, offset < size else { return nil }
        return UInt64(offset)
    }
}

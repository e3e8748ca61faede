/// The host mapping of a VM's guest-physical memory: `size` bytes at `base`, seen by the guest at
/// `guestPhysicalBase`. The caller owns the mapping and keeps it alive while any VM uses it.
public struct GuestRAM: @unchecked Sendable {
    // SAFETY: it is only an address range. Threads that share guest RAM (vCPU and device model) order
    // their accesses themselves, with acquire/release accesses on the words they hand over (ring
    // indices, the interrupt cause), as hardware and a guest driver would.
    public let base: UnsafeMutableRawPointer
    public let size: UInt64
    public let guestPhysicalBase: UInt64

    public init(base: UnsafeMutableRawPointer, size: UInt64, guestPhysicalBase: UInt64 = 0) {
        self.base = base
        self.size = size
        self.guestPhysicalBase = guestPhysicalBase
    }

    /// Host address of `length` bytes at guest-physical `address`, or nil if they are not all RAM.
    public func pointer(_ address: UInt64, length: UInt64 = 1) -> UnsafeMutableRawPointer? {
        guard address >= guestPhysicalBase, length <= size,
              address - guestPhysicalBase <= size - length else { return nil }
        // SAFETY: bounds: address - guestPhysicalBase <= size - length, so [p, p+length) is inside RAM.
        return base + Int(address - guestPhysicalBase)
    }

    /// Whether `[address, address+length)` lies inside RAM.
    public func contains(_ address: UInt64, length: UInt64) -> Bool {
        pointer(address, length: length) != nil
    }

    public func loadU32(_ address: UInt64) -> UInt32 {
        guard let p = pointer(address, length: 4) else { return 0 }
        return vwLoadAcquire32(p)
    }

    public func loadU64(_ address: UInt64) -> UInt64 {
        guard let p = pointer(address, length: 8) else { return 0 }
        return vwLoadAcquire64(p)
    }

    public func storeU32(_ address: UInt64, _ value: UInt32) {
        guard let p = pointer(address, length: 4) else { return }
        vwStoreRelease32(p, value)
    }

    public func storeU64(_ address: UInt64, _ value: UInt64) {
        guard let p = pointer(address, length: 8) else { return }
        vwStoreRelease64(p, value)
    }

    /// Zeroes `[address, address+length)` (clamped to RAM).
    public func zero(_ address: UInt64, length: UInt64) {
        guard let p = pointer(address, length: length) else { return }
        // SAFETY: bounds: `pointer` checked all `length` bytes lie inside RAM.
        p.initializeMemory(as: UInt8.self, repeating: 0, count: Int(length))
    }
}

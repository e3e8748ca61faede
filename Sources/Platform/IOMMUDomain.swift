/// One VM's own second-level (VT-d style) table: a 3-level, 39-bit table whose first 32 root
/// entries cover the VM's 32 GiB of guest-physical space. `IOMMU.attach` builds it and copies
/// those root entries into the merged table.
final class IOMMUDomain {
    let memory: GuestMemory
    let arena: UnsafeMutableRawPointer
    let root: UnsafeMutablePointer<UInt64>
    let tableBytes: Int

    init(memory: GuestMemory, entryFlags: UInt64) {
        self.memory = memory
        let pages = memory.size / GuestMemory.pageSize
        let leaves = (pages + 511) / 512
        let level2 = (leaves + 511) / 512
        let tables = 1 + level2 + leaves
        tableBytes = tables * 4096
        arena = UnsafeMutableRawPointer.allocate(byteCount: tableBytes, alignment: 4096)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: tableBytes)
        let entries = arena.bindMemory(to: UInt64.self, capacity: tables * 512)
        root = entries
        let level2Base = 1, leafBase = 1 + level2
        func address(ofTable t: Int) -> UInt64 { UInt64(UInt(bitPattern: entries + t * 512)) }
        // Non-leaf entries grant R and W; the leaf decides.
        let rw = IOMMU.read | IOMMU.write
        for i in 0..<level2 { entries[i] = address(ofTable: level2Base + i) | rw }
        for i in 0..<leaves { entries[(level2Base + i / 512) * 512 + i % 512] = address(ofTable: leafBase + i) | rw }
        let base = UInt64(UInt(bitPattern: memory.hostBase))
        for p in 0..<pages {
            entries[(leafBase + p / 512) * 512 + p % 512] = (base + UInt64(p) * 4096) | entryFlags
        }
    }

    deinit { arena.deallocate() }

    /// The leaf entry slot of `gpa` (untagged), or nil when an upper level is not present.
    func leafEntry(gpa: UInt64) -> UnsafeMutablePointer<UInt64>? {
        guard gpa >> 35 == 0 else { return nil }
        var entry = root[Int((gpa >> 30) & 511)]
        guard entry & IOMMU.read != 0 else { return nil }
        let level2 = UnsafeMutablePointer<UInt64>(bitPattern: UInt(entry & IOMMU.addressMask))!
        entry = level2[Int((gpa >> 21) & 511)]
        guard entry & IOMMU.read != 0 else { return nil }
        let leaf = UnsafeMutablePointer<UInt64>(bitPattern: UInt(entry & IOMMU.addressMask))!
        return leaf + Int((gpa >> 12) & 511)
    }
}

/// One VM's own second-level (VT-d style) table: a 3-level, 39-bit table whose first 32 root
/// entries cover the VM's 32 GiB of guest-physical space. `IOMMU.attach` builds it and copies
/// those root entries into the merged table.
final class IOMMUDomain {
    let memory: GuestMemory
    private let table: RadixTable
    // The root's own copy, so a lookup starts from this object (no hop through `table`).
    let root: UnsafeMutablePointer<UInt64>

    init(memory: GuestMemory, entryFlags: UInt64) {
        self.memory = memory
        // Non-leaf entries grant R and W; the leaf decides.
        table = RadixTable(memory: memory, levels: 3, tableFlags: IOMMU.read | IOMMU.write, leafFlags: entryFlags)
        root = table.root
    }

    /// The leaf entry slot of `gpa` (untagged), or nil when an upper level is not present.
    func leafEntry(gpa: UInt64) -> UnsafeMutablePointer<UInt64>? {
        guard gpa >> 35 == 0 else { return nil }
        var entry = root[Int((gpa >> 30) & 511)]
        guard entry & IOMMU.read != 0 else { return nil }
        // SAFETY: a present entry holds the address of a live page of `table`'s arena, which this domain
        // keeps alive; every index is masked with 511 and each table page holds 512 entries.
        let level2 = UnsafeMutablePointer<UInt64>(bitPattern: UInt(entry & IOMMU.addressMask))!
        entry = level2[Int((gpa >> 21) & 511)]
        guard entry & IOMMU.read != 0 else { return nil }
        // SAFETY: same: a present level-2 entry holds the address of a live leaf table page of the arena.
        let leaf = UnsafeMutablePointer<UInt64>(bitPattern: UInt(entry & IOMMU.addressMask))!
        return leaf + Int((gpa >> 12) & 511)
    }
}

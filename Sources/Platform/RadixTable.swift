/// Table pages of a radix table mapping every 4 KiB page of a `GuestMemory` to its host address:
/// 512 x 8-byte entries per 4 KiB table page, 9 bits per level, all pages allocated up front,
/// page-aligned and zeroed (like table pages a kernel hands out; allocation failure traps, as
/// every Swift allocation does). The x86-64 guest table and the VT-d domain table differ only in
/// depth and entry flags.
///
/// Arena order: the root, then each level's tables top-down, leaves last; table t starts at
/// entry t * 512. An entry holds the host address of the next table (or, in a leaf, of the guest
/// page) ORed with its flags.
final class RadixTable {
    let arena: UnsafeMutableRawPointer
    let root: UnsafeMutablePointer<UInt64>
    /// Bytes of table pages (root + all levels).
    let tableBytes: Int

    /// `levels` counts the root; `tableFlags` go on entries that point at tables, `leafFlags` on
    /// the entries that point at guest pages.
    init(memory: GuestMemory, levels: Int, tableFlags: UInt64, leafFlags: UInt64) {
        precondition(levels >= 2, "a radix table has a root and leaves")
        let pages = memory.size / GuestMemory.pageSize
        // Tables per level below the root, from the leaves up.
        var counts = [(pages + 511) / 512]
        while counts.count < levels - 1 { counts.append((counts[counts.count - 1] + 511) / 512) }
        counts.reverse()
        let tables = 1 + counts.reduce(0, +)
        tableBytes = tables * 4096
        // SAFETY: the arena is owned by this table and freed in deinit; the owners of `root` (GuestPageTable,
        // IOMMUDomain) retain the table. Indices below are < tables * 512 by construction of `counts`.
        arena = UnsafeMutableRawPointer.allocate(byteCount: tableBytes, alignment: 4096)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: tableBytes)
        let entries = arena.bindMemory(to: UInt64.self, capacity: tables * 512)
        root = entries
        func address(ofTable t: Int) -> UInt64 { UInt64(UInt(bitPattern: entries + t * 512)) }
        // Entry i of a level lives in table parentBase + i / 512 of the level above.
        var parentBase = 0, base = 1
        for count in counts {
            for i in 0..<count { entries[(parentBase + i / 512) * 512 + i % 512] = address(ofTable: base + i) | tableFlags }
            parentBase = base
            base += count
        }
        let hostBase = UInt64(UInt(bitPattern: memory.hostBase))
        for p in 0..<pages {
            entries[(parentBase + p / 512) * 512 + p % 512] = (hostBase + UInt64(p) * 4096) | leafFlags
        }
    }

    // SAFETY: frees the arena once; the table's owners drop it only when no walk can run.
    deinit { arena.deallocate() }
}

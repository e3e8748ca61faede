/// A 4-level radix table (x86-64 style: 512 x 8-byte entries per 4 KiB table page, 9 bits per
/// level) mapping every 4 KiB guest page of a `GuestMemory` to its host address. All table
/// pages are allocated up front. An entry holds the host address of the next table (or, in a
/// leaf, of the guest page) with bit 0 = present. `walk` makes the four dependent loads an
/// EPT or shadow-table walk makes.
///
/// `@unchecked Sendable`: immutable after `init` (only read by walks).
public final class GuestPageTable: @unchecked Sendable {
    public static let present: UInt64 = 1
    public static let addressMask: UInt64 = ~0xFFF

    public let memory: GuestMemory
    /// Bytes of table pages (root + all levels).
    public let tableBytes: Int
    private let arena: UnsafeMutableRawPointer
    private let root: UnsafeMutablePointer<UInt64>

    public init(memory: GuestMemory) {
        self.memory = memory
        let pages = memory.size / GuestMemory.pageSize
        let leaves = (pages + 511) / 512
        let level2 = (leaves + 511) / 512
        let level3 = (level2 + 511) / 512
        let tables = 1 + level3 + level2 + leaves
        tableBytes = tables * 4096
        // Page-aligned and zeroed, like table pages a kernel hands out (allocation failure traps,
        // as every Swift allocation does).
        let arena = UnsafeMutableRawPointer.allocate(byteCount: tableBytes, alignment: 4096)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: tableBytes)
        self.arena = arena
        let entries = arena.bindMemory(to: UInt64.self, capacity: tables * 512)
        root = entries
        // Table t (in arena order) starts at entry t * 512.
        let level3Base = 1, level2Base = 1 + level3, leafBase = 1 + level3 + level2
        func address(ofTable t: Int) -> UInt64 { UInt64(UInt(bitPattern: entries + t * 512)) }
        for i in 0..<level3 { entries[i] = address(ofTable: level3Base + i) | GuestPageTable.present }
        for i in 0..<level2 { entries[(level3Base + i / 512) * 512 + i % 512] = address(ofTable: level2Base + i) | GuestPageTable.present }
        for i in 0..<leaves { entries[(level2Base + i / 512) * 512 + i % 512] = address(ofTable: leafBase + i) | GuestPageTable.present }
        let base = UInt64(UInt(bitPattern: memory.hostBase))
        for p in 0..<pages {
            entries[(leafBase + p / 512) * 512 + p % 512] = (base + UInt64(p) * 4096) | GuestPageTable.present
        }
    }

    deinit { arena.deallocate() }

    /// Host address of `gpa` through four dependent table loads; nil when not present.
    @inline(__always)
    public func walk(gpa: UInt64) -> UnsafeMutableRawPointer? {
        guard gpa >> 48 == 0 else { return nil }
        // Sound: every present entry was written by init with the address of a live table page
        // (or guest page) owned by this object or by `memory`, which it retains.
        var entry = root[Int((gpa >> 39) & 511)]
        guard entry & GuestPageTable.present != 0 else { return nil }
        var table = UnsafePointer<UInt64>(bitPattern: UInt(entry & GuestPageTable.addressMask))!
        entry = table[Int((gpa >> 30) & 511)]
        guard entry & GuestPageTable.present != 0 else { return nil }
        table = UnsafePointer<UInt64>(bitPattern: UInt(entry & GuestPageTable.addressMask))!
        entry = table[Int((gpa >> 21) & 511)]
        guard entry & GuestPageTable.present != 0 else { return nil }
        table = UnsafePointer<UInt64>(bitPattern: UInt(entry & GuestPageTable.addressMask))!
        entry = table[Int((gpa >> 12) & 511)]
        guard entry & GuestPageTable.present != 0 else { return nil }
        return UnsafeMutableRawPointer(bitPattern: UInt(entry & GuestPageTable.addressMask))! + Int(gpa & 0xFFF)
    }

    /// Host address of any table page, e.g. to look one up in /proc/self/pagemap.
    public var rootAddress: UnsafeRawPointer { UnsafeRawPointer(root) }
}

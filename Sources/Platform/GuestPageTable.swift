/// A 4-level radix table (x86-64 style: 512 x 8-byte entries per 4 KiB table page, 9 bits per
/// level) mapping every 4 KiB guest page of a `GuestMemory` to its host address. All table
/// pages are allocated up front. An entry holds the host address of the next table (or, in a
/// leaf, of the guest page) with bit 0 = present. `walk` makes the four dependent loads an
/// EPT or shadow-table walk makes.
public final class GuestPageTable: @unchecked Sendable {
    // SAFETY: immutable after `init` (only read by walks, from any thread).
    public static let present: UInt64 = 1
    public static let addressMask: UInt64 = ~0xFFF

    public let memory: GuestMemory
    /// Bytes of table pages (root + all levels).
    public var tableBytes: Int { table.tableBytes }
    private let table: RadixTable
    // The root's own copy, so a walk starts from this object (no hop through `table`).
    private let root: UnsafeMutablePointer<UInt64>

    public init(memory: GuestMemory) {
        self.memory = memory
        table = RadixTable(memory: memory, levels: 4, tableFlags: GuestPageTable.present,
                           leafFlags: GuestPageTable.present)
        root = table.root
    }

    /// Host address of `gpa` through four dependent table loads; nil when not present.
    @inline(__always)
    public func walk(gpa: UInt64) -> UnsafeMutableRawPointer? {
        guard gpa >> 48 == 0 else { return nil }
        // SAFETY: every present entry was written by init with the address of a live table page
        // (or guest page) owned by `table` or by `memory`, both retained.
        var entry = root[Int((gpa >> 39) & 511)]
        guard entry & GuestPageTable.present != 0 else { return nil }
        var table = UnsafePointer<UInt64>(bitPattern: UInt(entry & GuestPageTable.addressMask))!
        entry = table[Int((gpa >> 30) & 511)]
        guard entry & GuestPageTable.present != 0 else { return nil }
        // SAFETY: same for levels 3 and 2: present entries point at live pages of `table`'s arena; every
        // index is masked with 511 and each table page holds 512 entries.
        table = UnsafePointer<UInt64>(bitPattern: UInt(entry & GuestPageTable.addressMask))!
        entry = table[Int((gpa >> 21) & 511)]
        guard entry & GuestPageTable.present != 0 else { return nil }
        table = UnsafePointer<UInt64>(bitPattern: UInt(entry & GuestPageTable.addressMask))!
        entry = table[Int((gpa >> 12) & 511)]
        guard entry & GuestPageTable.present != 0 else { return nil }
        // SAFETY: a present leaf entry holds the host address of a guest page inside `memory`'s mapping.
        return UnsafeMutableRawPointer(bitPattern: UInt(entry & GuestPageTable.addressMask))! + Int(gpa & 0xFFF)
    }

    /// Host address of any table page, e.g. to look one up in /proc/self/pagemap.
    public var rootAddress: UnsafeRawPointer { UnsafeRawPointer(root) }
}

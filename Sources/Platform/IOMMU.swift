/// The paper's merged VT-d remapping table (section 4.4): one second-level table shared by the
/// device, partitioned into 16 windows of 32 GiB, one per VM-ID carried in GPA bits 35-38.
///
/// A real 3-level (39-bit) table with 4 KiB pages and 9 bits per level; an entry holds R (bit 0),
/// W (bit 1) and, from bit 12, the host virtual address of the next table or of the page (it
/// plays the HPA). `attach` builds the VM's own sub-table and copies its 32 top-level entries
/// into the merged root at the VM's chunk. An IOTLB (4-way set-associative, keyed by the tagged
/// page number, round-robin replacement) caches leaf entries; a miss costs a 3-level walk.
public final class IOMMU: @unchecked Sendable {
    // SAFETY: `attach`/`detach` happen at set-up; `translate` and the counters belong to one thread
    // at a time (the device's, i.e. the μCode thread).
    public static let read: UInt64 = 1 << 0
    public static let write: UInt64 = 1 << 1
    public static let addressMask: UInt64 = 0x000F_FFFF_FFFF_F000
    public static let addressBits = 39
    public static let vmIDShift = 35
    public static let windowBytes: UInt64 = 1 << 35
    public static let rootEntriesPerVM = 32
    public static let ways = 4

    /// GPA with the VM-ID in bits 35-38.
    @inline(__always)
    public static func tag(gpa: UInt64, vmID: UInt8) -> UInt64 {
        (gpa & (windowBytes - 1)) | UInt64(vmID & 0xF) << UInt64(vmIDShift)
    }

    @inline(__always)
    public static func vmID(ofTagged tagged: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: (tagged >> UInt64(vmIDShift)) & 0xF)
    }

    /// The untagged GPA of a tagged address.
    @inline(__always)
    public static func gpa(ofTagged tagged: UInt64) -> UInt64 { tagged & (windowBytes - 1) }

    public let iotlbEntries: Int
    private let root: UnsafeMutablePointer<UInt64>
    private var domains: [IOMMUDomain?] = Array(repeating: nil, count: 16)
    // IOTLB: key = tagged page number + 1 (0 = empty), value = leaf entry; victim = next way per set.
    private let tlbKeys: UnsafeMutablePointer<UInt64>
    private let tlbValues: UnsafeMutablePointer<UInt64>
    private let tlbVictim: UnsafeMutablePointer<UInt8>
    private let setMask: UInt64
    // [0] translations, [1] hits, [2] misses, [3] invalidations, [4] faults.
    private let counters: UnsafeMutablePointer<Int>

    /// `iotlbEntries` is rounded up to a power of two >= 4; 0 disables the IOTLB (every access walks).
    public init(iotlbEntries: Int = 64) {
        var size = 0
        if iotlbEntries > 0 {
            size = IOMMU.ways
            while size < iotlbEntries { size <<= 1 }
        }
        self.iotlbEntries = size
        setMask = size > 0 ? UInt64(size / IOMMU.ways - 1) : 0
        // SAFETY: the IOTLB arrays, root page and counters are owned by this IOMMU and freed once in deinit;
        // every index used below is masked or bounded by these capacities.
        tlbKeys = .allocate(capacity: max(size, 1))
        tlbKeys.initialize(repeating: 0, count: max(size, 1))
        tlbValues = .allocate(capacity: max(size, 1))
        tlbValues.initialize(repeating: 0, count: max(size, 1))
        tlbVictim = .allocate(capacity: max(size / IOMMU.ways, 1))
        tlbVictim.initialize(repeating: 0, count: max(size / IOMMU.ways, 1))
        // SAFETY: the root page: 4096 zeroed bytes bound once to its 512 UInt64 entries; freed in deinit.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 4096)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: 4096)
        root = raw.bindMemory(to: UInt64.self, capacity: 512)
        // SAFETY: eight counters, indexed only by the constants 0...4 below; freed in deinit.
        counters = .allocate(capacity: 8)
        counters.initialize(repeating: 0, count: 8)
    }

    deinit {
        // SAFETY: frees exactly the blocks allocated in init; no translation can run during deinit.
        tlbKeys.deallocate()
        tlbValues.deallocate()
        tlbVictim.deallocate()
        UnsafeMutableRawPointer(root).deallocate()
        counters.deallocate()
    }

    public var translations: Int { counters[0] }
    public var hits: Int { counters[1] }
    public var misses: Int { counters[2] }
    public var invalidations: Int { counters[3] }
    public var faults: Int { counters[4] }

    /// Maps every page of the VM's memory into its window (R+W, or R only when `writable` is
    /// false). Re-attaching a VM-ID replaces its previous mapping. GuestMemory guarantees the
    /// VM-ID fits 4 bits and the size fits the 32 GiB window.
    public func attach(memory: GuestMemory, writable: Bool = true) {
        if domains[Int(memory.vmID)] != nil { detach(vmID: memory.vmID) }
        let domain = IOMMUDomain(memory: memory, entryFlags: writable ? IOMMU.read | IOMMU.write : IOMMU.read)
        domains[Int(memory.vmID)] = domain
        let chunk = Int(memory.vmID) * IOMMU.rootEntriesPerVM
        // SAFETY: bounds: vmID <= 15 (GuestMemory), so chunk + i < 16 * 32 = 512 root entries.
        for i in 0..<IOMMU.rootEntriesPerVM { root[chunk + i] = domain.root[i] }
    }

    /// Removes the VM's window from the merged table and invalidates its IOTLB entries.
    public func detach(vmID: UInt8) {
        guard vmID <= GuestMemory.maxVMID else { return }
        let chunk = Int(vmID) * IOMMU.rootEntriesPerVM
        // SAFETY: bounds: vmID <= maxVMID (checked above), so chunk + i < 512.
        for i in 0..<IOMMU.rootEntriesPerVM { root[chunk + i] = 0 }
        invalidate(vmID: vmID)
        domains[Int(vmID)] = nil
    }

    public func isAttached(vmID: UInt8) -> Bool {
        vmID <= GuestMemory.maxVMID && domains[Int(vmID)] != nil
    }

    /// Changes the write permission of one page of a VM and invalidates its IOTLB entry.
    /// Returns false when the page is not mapped.
    @discardableResult
    public func protect(vmID: UInt8, gpa: UInt64, writable: Bool) -> Bool {
        guard vmID <= GuestMemory.maxVMID, let domain = domains[Int(vmID)],
              // SAFETY: `leaf` points into the live domain's table arena (the domain is held in `domains`).
              let leaf = domain.leafEntry(gpa: gpa), leaf.pointee & IOMMU.read != 0 else { return false }
        leaf.pointee = writable ? leaf.pointee | IOMMU.write : leaf.pointee & ~IOMMU.write
        invalidate(taggedPage: IOMMU.tag(gpa: gpa, vmID: vmID) >> 12)
        return true
    }

    /// Host address of the DMA buffer at tagged [taggedAddress, +length), checking R (device
    /// reads, TX) or W (device writes, RX) on every page; nil = fault (outside the 39-bit space,
    /// crossing into another VM's window, unmapped, not permitted, or not host-contiguous).
    @inline(__always)
    public func translate(taggedAddress: UInt64, length: Int, write: Bool) -> UnsafeMutableRawPointer? {
        counters[0] &+= 1
        guard length > 0, taggedAddress >> UInt64(IOMMU.addressBits) == 0 else { return fault() }
        let end = taggedAddress &+ UInt64(length) &- 1
        guard end >> UInt64(IOMMU.vmIDShift) == taggedAddress >> UInt64(IOMMU.vmIDShift) else { return fault() }
        let needed = write ? IOMMU.write : IOMMU.read
        let firstPage = taggedAddress >> 12
        let lastPage = end >> 12
        var base: UInt64 = 0
        var page = firstPage
        while page <= lastPage {
            guard let entry = lookup(taggedPage: page), entry & needed != 0 else { return fault() }
            let host = entry & IOMMU.addressMask
            if page == firstPage {
                base = host
            } else if host != base &+ (page - firstPage) << 12 {
                return fault()
            }
            page += 1
        }
        // SAFETY: `base` comes from present leaf entries, which hold host addresses of attached guest RAM
        // pages; the loop checked every page of [taggedAddress, +length) is mapped and host-contiguous.
        return UnsafeMutableRawPointer(bitPattern: UInt(base | (taggedAddress & 0xFFF)))
    }

    /// Drops every IOTLB entry of one VM (one invalidation).
    public func invalidate(vmID: UInt8) {
        counters[3] &+= 1
        for i in 0..<iotlbEntries where tlbKeys[i] != 0 {
            if IOMMU.vmID(ofTagged: (tlbKeys[i] - 1) << 12) == vmID & 0xF { tlbKeys[i] = 0 }
        }
    }

    /// Drops the whole IOTLB (one invalidation).
    public func invalidateAll() {
        counters[3] &+= 1
        if iotlbEntries > 0 { tlbKeys.update(repeating: 0, count: iotlbEntries) }
    }

    /// Drops the IOTLB entry of one tagged page (one invalidation).
    public func invalidate(taggedPage: UInt64) {
        counters[3] &+= 1
        guard iotlbEntries > 0 else { return }
        let set = Int(taggedPage & setMask) * IOMMU.ways
        // SAFETY: bounds: set = (page & setMask) * ways, so set + way < iotlbEntries.
        for way in 0..<IOMMU.ways where tlbKeys[set + way] == taggedPage &+ 1 { tlbKeys[set + way] = 0 }
    }

    // MARK: internals

    @inline(__always)
    private func fault() -> UnsafeMutableRawPointer? {
        counters[4] &+= 1
        return nil
    }

    /// Counts a DMA the device refused before it could be tagged (a GPA past the VM's window):
    /// to the VM it is the same fault as one the table walk finds.
    @inline(__always)
    public func recordFault() { counters[4] &+= 1 }

    /// Leaf entry of a tagged page: IOTLB hit, or walk and fill. nil when not mapped.
    @inline(__always)
    private func lookup(taggedPage: UInt64) -> UInt64? {
        if iotlbEntries > 0 {
            let set = Int(taggedPage & setMask) * IOMMU.ways
            let key = taggedPage &+ 1
            // SAFETY: bounds: set + way < iotlbEntries and set >> 2 < iotlbEntries / ways (setMask).
            for way in 0..<IOMMU.ways where tlbKeys[set + way] == key {
                counters[1] &+= 1
                return tlbValues[set + way]
            }
            counters[2] &+= 1
            guard let entry = walk(taggedPage: taggedPage) else { return nil }
            let victim = Int(tlbVictim[set >> 2])
            tlbKeys[set + victim] = key
            tlbValues[set + victim] = entry
            tlbVictim[set >> 2] = UInt8((victim + 1) & (IOMMU.ways - 1))
            return entry
        }
        counters[2] &+= 1
        return walk(taggedPage: taggedPage)
    }

    /// Three dependent loads through the merged table.
    @inline(__always)
    private func walk(taggedPage: UInt64) -> UInt64? {
        // SAFETY: present entries hold addresses of live table pages owned by attached domains;
        // detach clears the root entries before the domain's arena is freed.
        var entry = root[Int((taggedPage >> 18) & 511)]
        guard entry & (IOMMU.read | IOMMU.write) != 0 else { return nil }
        var table = UnsafePointer<UInt64>(bitPattern: UInt(entry & IOMMU.addressMask))!
        // SAFETY: bounds: every index is masked with 511 and each table page holds 512 entries.
        entry = table[Int((taggedPage >> 9) & 511)]
        guard entry & (IOMMU.read | IOMMU.write) != 0 else { return nil }
        // SAFETY: same as above: a present level-2 entry holds the address of a live leaf table page.
        table = UnsafePointer<UInt64>(bitPattern: UInt(entry & IOMMU.addressMask))!
        entry = table[Int(taggedPage & 511)]
        guard entry & (IOMMU.read | IOMMU.write) != 0 else { return nil }
        return entry
    }
}

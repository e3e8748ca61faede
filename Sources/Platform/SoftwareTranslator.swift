import CVWiFiShim
import Glibc
import Measurement

/// The VMM's software GPA -> HPA translation (paper section 4.4, software path): a memslot
/// lookup, then a page-table walk for every 4 KiB page the buffer spans (checking the pages are
/// contiguous on the host side), plus, when asked, a real /proc/self/pagemap read per page for
/// the host physical frame. An optional direct-mapped cache of page translations stands for a
/// VMM that memoizes them.
public final class SoftwareTranslator: @unchecked Sendable {
    // SAFETY: used by one thread at a time (its counters are plain words).
    public let memory: GuestMemory
    public let pageTable: GuestPageTable
    public let usesPagemap: Bool
    public let cacheEntries: Int
    /// Why host physical addresses read as 0, when they do (e.g. not root), or nil.
    public let pagemapNote: String?
    private let pagemapFD: Int32
    // Cache: key = guest page number + 1 (0 = empty), host page address, host physical page.
    private let cacheKeys: UnsafeMutablePointer<UInt64>
    private let cacheHost: UnsafeMutablePointer<UInt64>
    private let cachePhysical: UnsafeMutablePointer<UInt64>
    private let cacheMask: UInt64
    // [0] translations, [1] page walks, [2] pagemap reads, [3] cache hits, [4] faults.
    private let counters: UnsafeMutablePointer<Int>

    public init(memory: GuestMemory, pageTable: GuestPageTable, pagemap: Bool, cacheEntries: Int = 0) throws {
        guard pageTable.memory === memory else {
            throw PlatformError.invalidArgument("pageTable was built for another GuestMemory (VM \(pageTable.memory.vmID))")
        }
        guard cacheEntries >= 0, cacheEntries <= 1 << 20 else {
            throw PlatformError.invalidArgument("cacheEntries \(cacheEntries) must be 0...1048576")
        }
        self.memory = memory
        self.pageTable = pageTable
        self.usesPagemap = pagemap
        var size = 0
        if cacheEntries > 0 {
            size = 1
            while size < cacheEntries { size <<= 1 }
        }
        self.cacheEntries = size
        cacheMask = size > 0 ? UInt64(size - 1) : 0
        // SAFETY: the three cache arrays (max(size, 1) words each) are owned by this translator and freed
        // once, in deinit or on the throw below; cache slots are masked with cacheMask < size.
        cacheKeys = .allocate(capacity: max(size, 1))
        cacheKeys.initialize(repeating: 0, count: max(size, 1))
        cacheHost = .allocate(capacity: max(size, 1))
        cacheHost.initialize(repeating: 0, count: max(size, 1))
        cachePhysical = .allocate(capacity: max(size, 1))
        cachePhysical.initialize(repeating: 0, count: max(size, 1))
        // SAFETY: eight counters, indexed only by the constants 0...4 below; freed with the cache arrays.
        counters = .allocate(capacity: 8)
        counters.initialize(repeating: 0, count: 8)
        if pagemap {
            let fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                // SAFETY: init fails here, so deinit will not run; these are the only frees of the blocks above.
                cacheKeys.deallocate(); cacheHost.deallocate(); cachePhysical.deallocate(); counters.deallocate()
                throw PlatformError.system(SystemCall.failure("open /proc/self/pagemap", errno: code))
            }
            pagemapFD = fd
            // Probe a page we know is populated (the page-table root) to learn whether PFNs show.
            var entry: UInt64 = 0
            let vpn = UInt64(UInt(bitPattern: pageTable.rootAddress)) >> 12
            let n = vw_pagemap_read(fd, vpn, &entry, 1)
            if n != 1 {
                let why = SystemCall.errno(of: n).map { $0.named } ?? "\(n) entries"
                pagemapNote = "pagemap read failed (\(why)); host physical addresses will be 0"
            } else if entry & (1 << 63) != 0 && entry & SoftwareTranslator.pfnMask == 0 {
                pagemapNote = "pagemap PFNs read as 0 (needs CAP_SYS_ADMIN); the per-page pread still happens, hostPhysical is 0"
            } else {
                pagemapNote = nil
            }
        } else {
            pagemapFD = -1
            pagemapNote = nil
        }
    }

    deinit {
        if pagemapFD >= 0 { _ = vw_close(pagemapFD) }
        // SAFETY: frees the blocks allocated in init, once; nothing else holds them.
        cacheKeys.deallocate()
        cacheHost.deallocate()
        cachePhysical.deallocate()
        counters.deallocate()
    }

    static let pfnMask: UInt64 = (1 << 55) - 1

    public var translations: Int { counters[0] }
    public var pageWalks: Int { counters[1] }
    public var pagemapReads: Int { counters[2] }
    public var cacheHits: Int { counters[3] }
    public var faults: Int { counters[4] }

    /// Translates guest-physical [gpa, gpa+length); nil = fault (outside guest memory, across a
    /// memslot end, unmapped page, or pages not contiguous on the host).
    @inline(__always)
    public func translate(gpa: UInt64, length: Int) -> Translation? {
        counters[0] &+= 1
        guard let host = memory.hostAddress(gpa: gpa, length: length) else {
            counters[4] &+= 1
            return nil
        }
        let offset = Int(gpa & 0xFFF)
        let firstPage = gpa >> 12
        let lastPage = (gpa + UInt64(length) - 1) >> 12
        let expectedBase = UInt64(UInt(bitPattern: host - offset))
        var physical: UInt64 = 0
        var page = firstPage
        while page <= lastPage {
            var hostPage: UInt64
            var physicalPage: UInt64 = 0
            let slot = Int(page & cacheMask)
            if cacheEntries > 0 && cacheKeys[slot] == page &+ 1 {
                hostPage = cacheHost[slot]
                physicalPage = cachePhysical[slot]
                counters[3] &+= 1
            } else {
                counters[1] &+= 1
                guard let walked = pageTable.walk(gpa: page << 12) else {
                    counters[4] &+= 1
                    return nil
                }
                hostPage = UInt64(UInt(bitPattern: walked))
                if usesPagemap {
                    var entry: UInt64 = 0
                    counters[2] &+= 1
                    if vw_pagemap_read(pagemapFD, hostPage >> 12, &entry, 1) == 1, entry & (1 << 63) != 0 {
                        physicalPage = entry & SoftwareTranslator.pfnMask
                    }
                }
                if cacheEntries > 0 {
                    cacheKeys[slot] = page &+ 1
                    cacheHost[slot] = hostPage
                    cachePhysical[slot] = physicalPage
                }
            }
            guard hostPage == expectedBase &+ (page - firstPage) << 12 else {
                counters[4] &+= 1
                return nil
            }
            if page == firstPage && physicalPage != 0 { physical = physicalPage << 12 | UInt64(offset) }
            page += 1
        }
        return Translation(host: host, hostPhysical: physical, pages: Int(lastPage - firstPage + 1))
    }

    /// Forgets every cached page translation.
    public func flushCache() {
        if cacheEntries > 0 { cacheKeys.update(repeating: 0, count: cacheEntries) }
    }
}

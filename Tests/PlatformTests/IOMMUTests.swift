import Testing
@testable import Platform

@Suite struct IOMMUTests {
    @Test func tagsPutTheVMIDInBits35To38() {
        let t = IOMMU.tag(gpa: 0x1234_5000, vmID: 5)
        #expect(t == 0x1234_5000 | 5 << 35)
        #expect(IOMMU.vmID(ofTagged: t) == 5)
        #expect(IOMMU.gpa(ofTagged: t) == 0x1234_5000)
    }

    @Test func twoVMsMapToTheirOwnMemory() throws {
        let a = try GuestMemory(size: 4 << 20, vmID: 1)
        let b = try GuestMemory(size: 4 << 20, vmID: 2)
        let iommu = IOMMU()
        iommu.attach(memory: a)
        iommu.attach(memory: b)
        for gpa: UInt64 in [0, 0x1000, 0x20_0008, (4 << 20) - 0x100] {
            #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: gpa, vmID: 1), length: 0x100, write: false)
                    == a.hostAddress(gpa: gpa, length: 0x100))
            #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: gpa, vmID: 2), length: 0x100, write: true)
                    == b.hostAddress(gpa: gpa, length: 0x100))
        }
        // A buffer spanning two pages translates when both are mapped.
        #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: 0xFF0, vmID: 1), length: 0x20, write: true)
                == a.hostBase + 0xFF0)
        #expect(iommu.faults == 0)
    }

    @Test func dmaOutsideTheWindowFaultsAndIsCounted() throws {
        let a = try GuestMemory(size: 4 << 20, vmID: 1)
        let iommu = IOMMU()
        iommu.attach(memory: a)
        // Past the VM's memory, inside its window.
        #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: 4 << 20, vmID: 1), length: 64, write: false) == nil)
        #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: 1 << 34, vmID: 1), length: 64, write: false) == nil)
        // Another VM's window, not attached.
        #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: 0x1000, vmID: 3), length: 64, write: false) == nil)
        // Beyond the 39-bit address space.
        #expect(iommu.translate(taggedAddress: 1 << 39, length: 64, write: false) == nil)
        // The last mapped bytes plus one byte past the memory.
        #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: (4 << 20) - 32, vmID: 1), length: 33, write: false) == nil)
        // Crossing the end of the window into the next VM's.
        #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: (1 << 35) - 16, vmID: 1), length: 32, write: false) == nil)
        #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: 0, vmID: 1), length: 0, write: false) == nil)
        #expect(iommu.faults == 7)
        #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: 0, vmID: 1), length: 64, write: false) != nil)
        #expect(iommu.faults == 7)
    }

    @Test func iotlbHitsAfterAMissAndInvalidationForcesAMiss() throws {
        let a = try GuestMemory(size: 4 << 20, vmID: 1)
        let iommu = IOMMU(iotlbEntries: 64)
        iommu.attach(memory: a)
        let t = IOMMU.tag(gpa: 0x3000, vmID: 1)
        #expect(iommu.translate(taggedAddress: t, length: 100, write: false) != nil)
        #expect(iommu.misses == 1 && iommu.hits == 0)
        #expect(iommu.translate(taggedAddress: t + 8, length: 100, write: true) != nil)
        #expect(iommu.misses == 1 && iommu.hits == 1)
        iommu.invalidate(vmID: 1)
        #expect(iommu.invalidations == 1)
        #expect(iommu.translate(taggedAddress: t, length: 100, write: false) != nil)
        #expect(iommu.misses == 2 && iommu.hits == 1)
        iommu.invalidateAll()
        #expect(iommu.invalidations == 2)
        #expect(iommu.translate(taggedAddress: t, length: 100, write: false) != nil)
        #expect(iommu.misses == 3)
    }

    @Test func invalidatingOneVMKeepsTheOthersEntries() throws {
        let a = try GuestMemory(size: 1 << 20, vmID: 1)
        let b = try GuestMemory(size: 1 << 20, vmID: 2)
        let iommu = IOMMU()
        iommu.attach(memory: a)
        iommu.attach(memory: b)
        _ = iommu.translate(taggedAddress: IOMMU.tag(gpa: 0, vmID: 1), length: 8, write: false)
        _ = iommu.translate(taggedAddress: IOMMU.tag(gpa: 0, vmID: 2), length: 8, write: false)
        #expect(iommu.misses == 2)
        iommu.invalidate(vmID: 1)
        _ = iommu.translate(taggedAddress: IOMMU.tag(gpa: 0, vmID: 2), length: 8, write: false)
        #expect(iommu.hits == 1)
        _ = iommu.translate(taggedAddress: IOMMU.tag(gpa: 0, vmID: 1), length: 8, write: false)
        #expect(iommu.misses == 3)
    }

    @Test func aFullSetEvictsItsOldestWay() throws {
        let a = try GuestMemory(size: 1 << 20, vmID: 0)
        let iommu = IOMMU(iotlbEntries: 4)  // one set of four ways
        iommu.attach(memory: a)
        for page: UInt64 in 0..<5 { _ = iommu.translate(taggedAddress: page << 12, length: 8, write: false) }
        #expect(iommu.misses == 5)
        _ = iommu.translate(taggedAddress: 4 << 12, length: 8, write: false)
        #expect(iommu.hits == 1)
        _ = iommu.translate(taggedAddress: 0, length: 8, write: false)  // evicted by page 4
        #expect(iommu.misses == 6)
    }

    @Test func writesThroughReadOnlyEntriesFault() throws {
        let a = try GuestMemory(size: 1 << 20, vmID: 4)
        let iommu = IOMMU()
        iommu.attach(memory: a, writable: false)
        let t = IOMMU.tag(gpa: 0x2000, vmID: 4)
        #expect(iommu.translate(taggedAddress: t, length: 64, write: false) != nil)
        #expect(iommu.translate(taggedAddress: t, length: 64, write: true) == nil)
        #expect(iommu.faults == 1)
        // Re-protecting a page invalidates its cached entry.
        iommu.attach(memory: a)
        #expect(iommu.translate(taggedAddress: t, length: 64, write: true) != nil)
        #expect(iommu.protect(vmID: 4, gpa: 0x2000, writable: false))
        #expect(iommu.translate(taggedAddress: t, length: 64, write: true) == nil)
        #expect(iommu.translate(taggedAddress: t + 0x1000, length: 64, write: true) != nil)
        #expect(!iommu.protect(vmID: 4, gpa: 4 << 20, writable: false))
    }

    @Test func detachRemovesTheWindow() throws {
        let a = try GuestMemory(size: 1 << 20, vmID: 7)
        let iommu = IOMMU()
        iommu.attach(memory: a)
        let t = IOMMU.tag(gpa: 0x5000, vmID: 7)
        #expect(iommu.translate(taggedAddress: t, length: 8, write: false) != nil)
        iommu.detach(vmID: 7)
        #expect(!iommu.isAttached(vmID: 7))
        #expect(iommu.translate(taggedAddress: t, length: 8, write: false) == nil)
        #expect(iommu.invalidations == 1)
    }

    @Test func worksWithoutAnIOTLB() throws {
        let a = try GuestMemory(size: 1 << 20, vmID: 1)
        let iommu = IOMMU(iotlbEntries: 0)
        iommu.attach(memory: a)
        for _ in 0..<3 { #expect(iommu.translate(taggedAddress: IOMMU.tag(gpa: 0, vmID: 1), length: 8, write: false) == a.hostBase) }
        #expect(iommu.misses == 3 && iommu.hits == 0)
    }
}

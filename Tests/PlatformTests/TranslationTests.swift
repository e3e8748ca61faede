import Testing
@testable import Platform

@Suite struct TranslationTests {
    @Test func pageTableWalkMatchesTheMemslots() throws {
        let m = try GuestMemory(size: 6 << 20, vmID: 1, slotSize: 2 << 20)
        let table = GuestPageTable(memory: m)
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<2_000 {
            let gpa = UInt64.random(in: 0..<UInt64(m.size), using: &rng)
            #expect(table.walk(gpa: gpa) == m.hostBase + Int(gpa))
        }
        #expect(table.walk(gpa: UInt64(m.size)) == nil)
        #expect(table.walk(gpa: 1 << 40) == nil)
        #expect(table.walk(gpa: 1 << 50) == nil)
    }

    @Test func softwareTranslationMatchesHostAddressForRandomBuffers() throws {
        let m = try GuestMemory(size: 8 << 20, vmID: 2, slotSize: 2 << 20)
        let t = try SoftwareTranslator(memory: m, pageTable: GuestPageTable(memory: m), pagemap: false)
        var rng = SeededGenerator(seed: 7)
        var expectedFaults = 0
        for i in 0..<5_000 {
            let gpa = UInt64.random(in: 0..<UInt64(m.size + 8192), using: &rng)
            let length = Int.random(in: 1...3_000, using: &rng)
            let expected = m.hostAddress(gpa: gpa, length: length)
            let got = t.translate(gpa: gpa, length: length)
            #expect(got?.host == expected, "buffer \(i): gpa \(gpa) length \(length)")
            if expected == nil { expectedFaults += 1 }
            if let got {
                #expect(got.pages == Int((gpa + UInt64(length) - 1) >> 12 - gpa >> 12) + 1)
                #expect(got.hostPhysical == 0)
            }
        }
        #expect(expectedFaults > 0)
        #expect(t.faults == expectedFaults)
        #expect(t.translations == 5_000)
        #expect(t.pagemapReads == 0)
    }

    @Test func faultsOutsideMemoryAndAcrossASlotEnd() throws {
        let m = try GuestMemory(size: 4 << 20, vmID: 0, slotSize: 2 << 20)
        let t = try SoftwareTranslator(memory: m, pageTable: GuestPageTable(memory: m), pagemap: false)
        #expect(t.translate(gpa: 4 << 20, length: 64) == nil)
        #expect(t.translate(gpa: (2 << 20) - 32, length: 64) == nil)
        #expect(t.translate(gpa: 0, length: 0) == nil)
        #expect(t.faults == 3)
        let ok = t.translate(gpa: 0xFF0, length: 0x20)
        #expect(ok?.host == m.hostBase + 0xFF0 && ok?.pages == 2)
        #expect(t.pageWalks == 2)
    }

    @Test func cacheSkipsTheWalk() throws {
        let m = try GuestMemory(size: 1 << 20, vmID: 0)
        let t = try SoftwareTranslator(memory: m, pageTable: GuestPageTable(memory: m), pagemap: false, cacheEntries: 16)
        #expect(t.translate(gpa: 0x3010, length: 100)?.host == m.hostBase + 0x3010)
        #expect(t.translate(gpa: 0x3020, length: 100)?.host == m.hostBase + 0x3020)
        #expect(t.pageWalks == 1 && t.cacheHits == 1)
        t.flushCache()
        _ = t.translate(gpa: 0x3020, length: 100)
        #expect(t.pageWalks == 2)
    }

    @Test func pagemapIsReadOncePerPage() throws {
        let m = try GuestMemory(size: 1 << 20, vmID: 0)
        let t = try SoftwareTranslator(memory: m, pageTable: GuestPageTable(memory: m), pagemap: true)
        // Populate the pages so they have frames.
        m.hostBase.storeBytes(of: 1, toByteOffset: 0x5000, as: UInt8.self)
        m.hostBase.storeBytes(of: 1, toByteOffset: 0x6000, as: UInt8.self)
        let r = t.translate(gpa: 0x5F00, length: 0x200)
        #expect(r?.host == m.hostBase + 0x5F00)
        #expect(t.pagemapReads == 2)
        if t.pagemapNote == nil {
            #expect(r.map { $0.hostPhysical != 0 && $0.hostPhysical & 0xFFF == 0xF00 } == true)
        } else {
            #expect(r?.hostPhysical == 0)
        }
    }

    @Test func rejectsAPageTableOfAnotherMemory() throws {
        let a = try GuestMemory(size: 1 << 20, vmID: 0)
        let b = try GuestMemory(size: 1 << 20, vmID: 1)
        #expect(throws: PlatformError.self) { try SoftwareTranslator(memory: a, pageTable: GuestPageTable(memory: b), pagemap: false) }
    }
}

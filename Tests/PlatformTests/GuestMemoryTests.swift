import Testing
@testable import Platform

@Suite struct GuestMemoryTests {
    @Test func slotsCoverTheMemoryFromGPAZero() throws {
        let m = try GuestMemory(size: 5 << 20, vmID: 3, slotSize: 2 << 20)
        #expect(m.slots.count == 3)
        #expect(m.slots.map(\.gpa) == [0, 2 << 20, 4 << 20])
        #expect(m.slots.map(\.size) == [2 << 20, 2 << 20, 1 << 20])
        #expect(m.slots[1].hostAddress == m.hostBase + (2 << 20))
        #expect(m.hostAddress(gpa: 0x1234, length: 16) == m.hostBase + 0x1234)
        #expect(m.hostAddress(gpa: (2 << 20) - 8, length: 8) != nil)
        #expect(m.hostAddress(gpa: (2 << 20) - 8, length: 9) == nil)  // across a slot end
        #expect(m.hostAddress(gpa: 5 << 20, length: 1) == nil)        // outside
        #expect(m.hostAddress(gpa: 0, length: 0) == nil)
        #expect(m.gpa(of: m.hostBase + 0x4321) == 0x4321)
        #expect(m.gpa(of: m.hostBase + (5 << 20)) == nil)
    }

    @Test func memoryIsZeroedAndWritable() throws {
        let m = try GuestMemory(size: 1 << 20, vmID: 0)
        let p = m.hostAddress(gpa: 0x8000, length: 4096)!
        #expect((0..<4096).allSatisfy { p.load(fromByteOffset: $0, as: UInt8.self) == 0 })
        p.storeBytes(of: 0xDEAD_BEEF, as: UInt32.self)
        #expect(m.hostBase.load(fromByteOffset: 0x8000, as: UInt32.self) == 0xDEAD_BEEF)
    }

    @Test func allocatorAlignsStaysInsideSlotsAndRunsOut() throws {
        let m = try GuestMemory(size: 64 << 10, vmID: 0, slotSize: 16 << 10)
        let a = try m.allocate(bytes: 100, alignment: 64)
        let b = try m.allocate(bytes: 100, alignment: 64)
        #expect(a == 0 && b == 128)
        let c = try m.allocate(bytes: 14 << 10)  // would straddle the first slot's end
        #expect(c == 16 << 10)
        #expect(m.hostAddress(gpa: c, length: 14 << 10) != nil)
        _ = try m.reserve(bytes: 16 << 10)
        _ = try m.allocate(bytes: 16 << 10)
        #expect(throws: PlatformError.self) { try m.allocate(bytes: 4096) }
        #expect(throws: PlatformError.self) { try m.allocate(bytes: 8, alignment: 3) }
    }

    @Test func rejectsBadShapes() {
        #expect(throws: PlatformError.self) { try GuestMemory(size: 1000, vmID: 0) }
        #expect(throws: PlatformError.self) { try GuestMemory(size: 1 << 20, vmID: 16) }
        #expect(throws: PlatformError.self) { try GuestMemory(size: 1 << 20, vmID: 0, slotSize: 100) }
    }
}

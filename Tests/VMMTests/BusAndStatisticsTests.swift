import Platform
import Testing
@testable import VMM

final class RecordingDevice: BusDevice {
    var writes: [(UInt64, [UInt8])] = []
    func read(offset: UInt64, data: UnsafeMutableRawBufferPointer) {
        for i in data.indices { data[i] = UInt8(truncatingIfNeeded: offset) &+ UInt8(i) }
    }
    func write(offset: UInt64, data: UnsafeRawBufferPointer) { writes.append((offset, Array(data))) }
}

@Suite struct BusAndStatisticsTests {
    @Test func busDispatchesByRangeWithOffsetsAndCountsUnknownAddresses() throws {
        let bus = MMIOBus()
        let a = RecordingDevice(), b = RecordingDevice()
        try bus.insert(a, base: 0x1000, length: 0x100)
        try bus.insert(b, base: 0x2000, length: 8)
        #expect(throws: VMMError.self) { try bus.insert(b, base: 0x10F0, length: 0x20) }
        let bytes: [UInt8] = [1, 2, 3, 4]
        bytes.withUnsafeBytes { #expect(bus.write(address: 0x1010, data: $0)) }
        bytes.withUnsafeBytes { #expect(bus.write(address: 0x2004, data: $0)) }
        bytes.withUnsafeBytes { #expect(!bus.write(address: 0x3000, data: $0)) }
        #expect(a.writes.map(\.0) == [0x10])
        #expect(b.writes.map(\.0) == [4])
        #expect(b.writes.first?.1 == bytes)
        var out = [UInt8](repeating: 0xFF, count: 4)
        out.withUnsafeMutableBytes { #expect(!bus.read(address: 0x2008, data: $0)) }
        #expect(out == [0, 0, 0, 0])
        out.withUnsafeMutableBytes { #expect(bus.read(address: 0x1002, data: $0)) }
        #expect(out == [2, 3, 4, 5])
        #expect(bus.unknownAccesses == 2)
        #expect(bus.lastUnknownAddress == 0x2008)
    }

    @Test func exitStatisticsKeepCountsAndOrderStatisticsPerReason() {
        let stats = ExitStatistics(capacityPerReason: 8)
        for cycles in [50, 10, 40, 30, 20] as [UInt64] { stats.record(.mmioWrite, cycles: cycles) }
        for _ in 0..<12 { stats.record(.pioOut, cycles: 7) }
        #expect(stats.count(.mmioWrite) == 5)
        let mmio = stats.summary(.mmioWrite)
        #expect(mmio?.min == 10 && mmio?.median == 30 && mmio?.max == 50 && mmio?.p99 == 50)
        #expect(stats.summary(.pioOut)?.count == 12)
        #expect(stats.summary(.pioOut)?.kept == 8)
        #expect(stats.summary(.hlt) == nil)
        #expect(stats.summaries().map(\.reason) == ["mmio_write", "pio_out"])
    }

    @Test func layoutValidationNamesTheField() {
        var layout = GuestLayout(memorySize: 16 << 20)
        #expect(throws: Never.self) { try layout.validate() }
        layout.stampCapacity = 1000
        #expect(throws: VMMError.config("GuestLayout.stampCapacity", "1000 is not a power of two")) { try layout.validate() }
        layout = GuestLayout(memorySize: 16 << 20)
        layout.code = layout.mailbox
        #expect { try layout.validate() } throws: { ($0 as? VMMError)?.message.contains("overlaps") == true }
        layout = GuestLayout(memorySize: 8 << 30, identityMapSize: 4 << 30)
        #expect { try layout.validate() } throws: { ($0 as? VMMError)?.message.contains("identityMapSize") == true }
    }

    @Test func payloadVerifierCatchesCorruption() {
        var bytes = [UInt8](repeating: 0, count: 64)
        let seq: UInt32 = 9
        bytes.withUnsafeMutableBytes { _ = FrameFormat.writePayload(into: $0.baseAddress!, length: 64, seq: seq) }
        bytes.withUnsafeBytes { #expect(GuestPayload.verify($0.baseAddress!, length: 64, seq: seq) == nil) }
        bytes.withUnsafeBytes { #expect(GuestPayload.verify($0.baseAddress!, length: 64, seq: seq + 1) != nil) }
        bytes[40] ^= 1
        bytes.withUnsafeBytes { #expect(GuestPayload.verify($0.baseAddress!, length: 64, seq: seq)?.contains("byte 40") == true) }
    }
}

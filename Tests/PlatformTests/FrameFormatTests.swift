import CVWiFiShim
import Testing
@testable import Platform

@Suite struct FrameFormatTests {
    let station = MACAddress.virtualMAC(vmID: 1)
    let peer = MACAddress(0x02, 0, 0, 0, 0, 0x63)
    let ap = MACAddress(0x02, 0xAA, 0, 0, 0, 0x01)

    func withBuffer<R>(_ bytes: Int = 4096, _ body: (UnsafeMutableRawPointer) -> R) -> R {
        let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { p.deallocate() }
        return body(p)
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        let text = Array("123456789".utf8)
        #expect(text.withUnsafeBytes { CRC32.checksum($0.baseAddress!, length: 9) } == 0xCBF4_3926)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var bitwise: UInt32 = 0xFFFF_FFFF
        for byte in long {
            bitwise ^= UInt32(byte)
            for _ in 0..<8 { bitwise = bitwise & 1 != 0 ? (bitwise >> 1) ^ 0xEDB8_8320 : bitwise >> 1 }
        }
        #expect(long.withUnsafeBytes { CRC32.checksum($0.baseAddress!, length: 1000) } == ~bitwise)
    }

    @Test func crc32cMatchesTheStandardCheckValueInHardwareAndTable() {
        let text = Array("123456789".utf8)
        #expect(text.withUnsafeBytes { CRC32C.checksum($0.baseAddress!, length: 9) } == 0xE306_9283)
        #expect(text.withUnsafeBytes { vw_crc32c_table(0, $0.baseAddress!, 9) } == 0xE306_9283)
        // Every length and alignment: the SSE4.2 path (8-byte steps, then bytes) equals the table
        // and a bitwise reference; continuing a CRC equals one pass.
        let long = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
        long.withUnsafeBytes { raw in
            for start in 0..<9 {
                for length in [0, 1, 7, 8, 9, 63, 64, 65, 200, 300 - start] {
                    var bitwise: UInt32 = 0xFFFF_FFFF
                    for byte in raw[start..<(start + length)] {
                        bitwise ^= UInt32(byte)
                        for _ in 0..<8 { bitwise = bitwise & 1 != 0 ? (bitwise >> 1) ^ 0x82F6_3B78 : bitwise >> 1 }
                    }
                    let p = raw.baseAddress! + start
                    #expect(CRC32C.checksum(p, length: length) == ~bitwise, "start \(start) length \(length)")
                    #expect(vw_crc32c_table(0, p, length) == ~bitwise)
                    let half = length / 2
                    #expect(CRC32C.update(CRC32C.checksum(p, length: half), p + half, length: length - half) == ~bitwise)
                }
            }
        }
    }

    @Test func payloadPatternIsTheWordHashAndMismatchesAreFound() {
        withBuffer { p in
            #expect(FrameFormat.writePayload(into: p, length: 1450, seq: 9))
            #expect(FrameFormat.firstPatternMismatch(p, length: 1450, seq: 9) == nil)
            #expect(FrameFormat.firstPatternMismatch(p, length: 1450, seq: 10) == 12)
            // Byte 100 is byte 4 of word 12.
            let word = (UInt64(9) << 32 | 12) &* FrameFormat.patternMultiplier
            #expect(p.load(fromByteOffset: 100, as: UInt8.self) == UInt8(truncatingIfNeeded: word >> 32))
            p.storeBytes(of: ~p.load(fromByteOffset: 700, as: UInt8.self), toByteOffset: 700, as: UInt8.self)
            #expect(FrameFormat.firstPatternMismatch(p, length: 1450, seq: 9) == 700)
            #expect(!FrameFormat.verifyPayload(p, length: 1450).ok)
        }
    }

    @Test func macAddressPrintsAndParses() {
        #expect(MACAddress.virtualMAC(vmID: 1).description == "02:00:00:00:00:01")
        #expect(MACAddress(string: "02:aa:00:00:00:01") == ap)
        #expect(MACAddress(string: "02:aa:00:00:00") == nil)
        #expect(MACAddress(value: ap.value) == ap)
    }

    @Test func fullSizeFrameRoundTrips() {
        withBuffer { p in
            #expect(FrameFormat.mpduLength(payload: 1450) == 1514)
            let n = FrameFormat.writeFrame(into: p, capacity: 4096, payloadLength: 1450, seq: 77,
                                           source: station, destination: peer, bssid: ap, kind: .udp)
            #expect(n == 1514)
            #expect(FrameFormat.verify(frame: p, length: n) == .ok(seq: 77, payloadLength: 1450, kind: .udp))
            #expect(FrameFormat.sourceMAC(frame: p) == station)
            #expect(FrameFormat.destinationMAC(frame: p) == peer)
            #expect(FrameFormat.receiverMAC(frame: p) == ap)
            #expect(FrameFormat.transmitterMAC(frame: p) == station)
            #expect(FrameFormat.sequenceNumber(frame: p) == 77)
            // Fixed header bytes: data frame, LLC/SNAP, IPv4 with a valid checksum.
            let snap: [UInt8] = [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00]
            #expect((0..<8).allSatisfy { p.load(fromByteOffset: 24 + $0, as: UInt8.self) == snap[$0] })
            #expect(p.load(fromByteOffset: 0, as: UInt8.self) == 0x08)
            #expect(FrameFormat.ipv4Checksum(p + 32) == 0)
        }
    }

    @Test func everyKindAndDirectionRoundTrips() {
        withBuffer { p in
            for kind in FrameKind.allCases {
                for length in [12, 13, 56, 1451] {
                    let n = FrameFormat.writeFrame(into: p, capacity: 4096, payloadLength: length, seq: 5,
                                                   source: peer, destination: station, bssid: ap, kind: kind,
                                                   direction: .fromAP)
                    #expect(FrameFormat.verify(frame: p, length: n) == .ok(seq: 5, payloadLength: length, kind: kind))
                    #expect(FrameFormat.receiverMAC(frame: p) == station)
                    #expect(FrameFormat.destinationMAC(frame: p) == station)
                    #expect(FrameFormat.sourceMAC(frame: p) == peer)
                    #expect(FrameFormat.direction(frame: p) == .fromAP)
                }
            }
        }
    }

    @Test func flippedBytesAreDetected() {
        withBuffer { p in
            let n = FrameFormat.writeFrame(into: p, capacity: 4096, payloadLength: 1450, seq: 1,
                                           source: station, destination: peer, bssid: ap, kind: .udp)
            for offset in [0, 10, 40, 60, 61, 800, n - 5, n - 1] {
                let original = p.load(fromByteOffset: offset, as: UInt8.self)
                p.storeBytes(of: original ^ 0x10, toByteOffset: offset, as: UInt8.self)
                #expect(!FrameFormat.verify(frame: p, length: n).isOK, "flip at \(offset)")
                p.storeBytes(of: original, toByteOffset: offset, as: UInt8.self)
            }
            #expect(FrameFormat.verify(frame: p, length: n).isOK)
            // A payload corruption with a recomputed FCS is caught by the payload checksum.
            let original = p.load(fromByteOffset: 900, as: UInt8.self)
            p.storeBytes(of: original ^ 1, toByteOffset: 900, as: UInt8.self)
            p.storeBytes(of: CRC32.checksum(p, length: n - 4).littleEndian, toByteOffset: n - 4, as: UInt32.self)
            #expect(FrameFormat.verify(frame: p, length: n) == .corrupt(reason: "bad payload checksum"))
            // A truncated frame.
            #expect(!FrameFormat.verify(frame: p, length: n - 1).isOK)
        }
    }

    @Test func refusesImpossibleFrames() {
        withBuffer { p in
            #expect(FrameFormat.writeFrame(into: p, capacity: 1513, payloadLength: 1450, seq: 0,
                                           source: station, destination: peer, bssid: ap, kind: .udp) == 0)
            #expect(FrameFormat.writeFrame(into: p, capacity: 4096, payloadLength: 11, seq: 0,
                                           source: station, destination: peer, bssid: ap, kind: .udp) == 0)
        }
    }

    @Test func payloadsAloneRoundTrip() {
        withBuffer { p in
            for length in [12, 19, 1448, 1450] {
                #expect(FrameFormat.writePayload(into: p, length: length, seq: 9))
                let r = FrameFormat.verifyPayload(p, length: length)
                #expect(r.seq == 9 && r.ok)
                #expect(!FrameFormat.verifyPayload(p, length: length + 1).ok)
            }
            let last = p.load(fromByteOffset: 1449, as: UInt8.self)
            p.storeBytes(of: last ^ 0x80, toByteOffset: 1449, as: UInt8.self)
            #expect(!FrameFormat.verifyPayload(p, length: 1450).ok)
            #expect(!FrameFormat.writePayload(into: p, length: 11, seq: 0))
        }
    }

    /// Frames carry the benchmarking-range addresses the native path's kernel owns, and the RX
    /// stream comes from the peer's discard port to the station's socket.
    @Test func addressesAndPortsMatchTheKernelSocket() {
        withBuffer { p in
            let n = FrameFormat.writeFrame(into: p, capacity: 4096, payloadLength: 100, seq: 3, source: peer,
                                           destination: station, bssid: ap, kind: .udp, direction: .fromAP)
            let ip = p + FrameFormat.ipv4Offset
            #expect(UInt32(bigEndian: ip.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) == 0xC612_0002)
            #expect(UInt32(bigEndian: ip.loadUnaligned(fromByteOffset: 16, as: UInt32.self)) == 0xC612_0001)
            #expect(UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: 20, as: UInt16.self)) == 9)
            #expect(UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: 22, as: UInt16.self)) == 50_000)
            #expect(FrameFormat.verify(frame: p, length: n) == .ok(seq: 3, payloadLength: 100, kind: .udp))
        }
    }

    /// What a kernel writes (another ID and TTL, a UDP checksum) verifies once the IPv4 header
    /// checksum matches it.
    @Test func verifyAcceptsKernelWrittenHeaders() {
        withBuffer { p in
            _ = FrameFormat.writeFrame(into: p, capacity: 4096, payloadLength: 100, seq: 4, source: station,
                                       destination: peer, bssid: ap, kind: .echoRequest)
            let ip = p + FrameFormat.ipv4Offset
            ip.storeBytes(of: UInt16(0xBEEF).bigEndian, toByteOffset: 4, as: UInt16.self)
            ip.storeBytes(of: 17 as UInt8, toByteOffset: 9, as: UInt8.self)
            ip.storeBytes(of: 1 as UInt8, toByteOffset: 8, as: UInt8.self)
            ip.storeBytes(of: 0, toByteOffset: 10, as: UInt16.self)
            ip.storeBytes(of: FrameFormat.ipv4Checksum(ip).bigEndian, toByteOffset: 10, as: UInt16.self)
            ip.storeBytes(of: UInt16(0x1234).bigEndian, toByteOffset: 26, as: UInt16.self)
            let n = FrameFormat.appendFCS(frame: p, length: FrameFormat.payloadOffset + 100)
            #expect(FrameFormat.verify(frame: p, length: n) == .ok(seq: 4, payloadLength: 100, kind: .echoRequest))
        }
    }
}

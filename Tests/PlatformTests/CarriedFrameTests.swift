// Frames that carry a real program's IPv4 packet: what the access point accepts and counts, and
// what it refuses (a corrupted frame must never reach the peer's kernel as if it were good).
import Testing
@testable import Platform

@Suite struct CarriedFrameTests {
    let station = MACAddress.virtualMAC(vmID: 1)
    let peer = MACAddress(0x02, 0, 0, 0, 0, 0x63)
    let ap = MACAddress(0x02, 0xAA, 0, 0, 0, 0x01)

    /// An IPv4 packet as a kernel writes it: header with checksum, then a transport header of
    /// `transportHeader` bytes (TCP data offset in its byte 12) and `payload` bytes.
    func packet(proto: UInt8, transportHeader: Int, payload: Int, headerWords: Int = 5) -> [UInt8] {
        let header = headerWords * 4
        let total = header + transportHeader + payload
        var p = [UInt8](repeating: 0, count: total)
        p[0] = 0x40 | UInt8(headerWords)
        p[2] = UInt8(total >> 8); p[3] = UInt8(total & 0xFF)
        p[8] = 64; p[9] = proto
        p[12] = 198; p[13] = 18; p[14] = 0; p[15] = 1
        p[16] = 198; p[17] = 18; p[18] = 0; p[19] = 2
        if proto == 6 { p[header + 12] = UInt8(transportHeader / 4) << 4 }
        for i in 0..<payload { p[header + transportHeader + i] = UInt8(truncatingIfNeeded: i &* 31) }
        let sum = p.withUnsafeBytes { FrameFormat.headerChecksum($0.baseAddress!, bytes: header) }
        p[10] = UInt8(sum >> 8); p[11] = UInt8(sum & 0xFF)
        return p
    }

    /// The packet wrapped as the access point's frame: headers, packet, FCS.
    func frame(_ ip: [UInt8]) -> [UInt8] {
        var f = [UInt8](repeating: 0, count: FrameFormat.ipv4Offset + ip.count + FrameFormat.fcsBytes)
        let length = f.withUnsafeMutableBytes { raw -> Int in
            let base = raw.baseAddress!
            for (i, b) in ip.enumerated() { base.storeBytes(of: b, toByteOffset: FrameFormat.ipv4Offset + i, as: UInt8.self) }
            return FrameFormat.wrapCarried(frame: base, ipLength: ip.count, seq: 7, source: peer, destination: station,
                                           bssid: ap, direction: .fromAP)
        }
        #expect(length == f.count)
        return f
    }

    func verify(_ f: [UInt8]) -> CarriedCheck {
        f.withUnsafeBytes { FrameFormat.verifyCarried(frame: $0.baseAddress!, length: f.count) }
    }

    @Test("TCP, UDP, ICMP and a header with options: the transport payload is what a tool counts")
    func payloadOfEachTransport() {
        let cases: [(UInt8, Int, Int, Int)] = [(6, 32, 1448, 5), (6, 20, 0, 5), (17, 8, 1450, 5), (1, 8, 56, 5), (17, 8, 100, 6)]
        for (proto, header, payload, words) in cases {
            let ip = packet(proto: proto, transportHeader: header, payload: payload, headerWords: words)
            #expect(verify(frame(ip)) == .ok(CarriedPacket(ipProtocol: proto, ipLength: ip.count, payloadBytes: payload)),
                    "protocol \(proto), \(header)-byte header, \(payload) payload bytes")
        }
    }

    @Test("every corruption is refused with its reason, never passed on")
    func corruptionIsRefused() {
        let good = frame(packet(proto: 6, transportHeader: 32, payload: 200))
        var flipped = good
        flipped[FrameFormat.ipv4Offset + 60] ^= 0x01
        #expect(verify(flipped) == .corrupt(reason: "bad FCS"))
        #expect(verify(Array(good.prefix(40))) == .corrupt(reason: "frame shorter than the link headers plus an IPv4 header"))
        // Bad inner fields behind a correct FCS (a driver bug, not the air): each its own reason.
        func refit(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var ip = Array(good[FrameFormat.ipv4Offset..<(good.count - FrameFormat.fcsBytes)])
            edit(&ip)
            return frame(ip)
        }
        let reasons: [([UInt8], String)] = [
            (refit { $0[0] = 0x65 }, "not IPv4"),
            (refit { $0[10] ^= 0xFF }, "bad IPv4 header checksum"),
            (refit { $0[3] &+= 1 }, "IPv4 length"),
            (refit { $0[0] = 0x44 }, "IPv4 header length 16"),
        ]
        for (f, reason) in reasons {
            guard case .corrupt(let said) = verify(f) else {
                Issue.record("accepted a frame that should fail with \(reason)")
                continue
            }
            #expect(said.hasPrefix(reason), "\(said)")
        }
        var offsets = packet(proto: 6, transportHeader: 32, payload: 10)
        offsets[20 + 12] = 0xF0   // data offset 60 > the 42 transport bytes there are
        guard case .corrupt(let said) = verify(frame(offsets)) else { Issue.record("a TCP data offset past the packet was accepted"); return }
        #expect(said.hasPrefix("TCP data offset"))
    }

    @Test("the header checksum is the one the stamped frames use (one sum, any header length)")
    func oneChecksum() {
        let ip = packet(proto: 17, transportHeader: 8, payload: 20)
        ip.withUnsafeBytes {
            #expect(FrameFormat.ipv4Checksum($0.baseAddress!) == 0)
            #expect(FrameFormat.headerChecksum($0.baseAddress!, bytes: 20) == 0)
        }
    }
}

// The harness's own round trips of a program's probes: which packets count as requests and
// replies (ping's ICMP echoes, sockperf's messages by their sequence number), and how replies are
// matched to the requests before them.
import Testing
@testable import DataPaths

@Suite struct EchoTimesTests {
    /// An IPv4 packet: 20-byte header, then `transport` bytes.
    func packet(proto: UInt8, _ transport: [UInt8]) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 20)
        p[0] = 0x45; p[9] = proto
        let total = 20 + transport.count
        p[2] = UInt8(total >> 8); p[3] = UInt8(total & 0xFF)
        return p + transport
    }

    func icmp(type: UInt8, id: UInt16, seq: UInt16) -> [UInt8] {
        packet(proto: 1, [type, 0, 0, 0, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(seq >> 8), UInt8(seq & 0xFF)] + [UInt8](repeating: 7, count: 56))
    }

    func udp(from source: UInt16, to destination: UInt16, message: UInt64) -> [UInt8] {
        let header: [UInt8] = [UInt8(source >> 8), UInt8(source & 0xFF), UInt8(destination >> 8), UInt8(destination & 0xFF), 0, 30, 0, 0]
        let seq = (0..<8).map { UInt8(truncatingIfNeeded: message >> (56 - 8 * UInt64($0))) }
        return packet(proto: 17, header + seq + [0, 3, 0, 0, 0, 14])
    }

    func note(_ t: EchoTimes, _ p: [UInt8], at tsc: UInt64) {
        p.withUnsafeBytes { t.note($0.baseAddress!, length: p.count, at: tsc) }
    }

    @Test("ping: each reply matched to its request by identifier and sequence; other ICMP ignored")
    func icmpEchoes() {
        let requests = EchoTimes(side: .request, probe: .icmpEcho, capacity: 16)
        let replies = EchoTimes(side: .reply, probe: .icmpEcho, capacity: 16)
        note(requests, icmp(type: 8, id: 9, seq: 1), at: 100)
        note(requests, icmp(type: 8, id: 9, seq: 2), at: 200)
        note(requests, icmp(type: 0, id: 9, seq: 3), at: 250)      // a reply on the request side: not one
        note(replies, icmp(type: 0, id: 9, seq: 2), at: 260)
        note(replies, icmp(type: 0, id: 9, seq: 1), at: 300)
        note(replies, icmp(type: 3, id: 9, seq: 1), at: 310)        // unreachable: not a reply
        note(replies, icmp(type: 0, id: 8, seq: 1), at: 320)        // another identifier: no request
        #expect(requests.count == 2 && replies.count == 3)
        #expect(EchoTimes.roundTrips(requests: requests, replies: replies) == [60, 200])
    }

    @Test("sockperf: UDP to its port are requests, from it replies, keyed by the message's sequence number")
    func sockperfMessages() {
        let requests = EchoTimes(side: .request, probe: .sockperf(port: 11111), capacity: 16)
        let replies = EchoTimes(side: .reply, probe: .sockperf(port: 11111), capacity: 16)
        note(requests, udp(from: 40000, to: 11111, message: 5), at: 1_000)
        note(requests, udp(from: 40000, to: 5201, message: 6), at: 1_100)   // not sockperf's port
        note(requests, udp(from: 40000, to: 11111, message: 5), at: 2_000)  // the same number again later
        note(replies, udp(from: 11111, to: 40000, message: 5), at: 1_500)
        note(replies, udp(from: 11111, to: 40000, message: 5), at: 2_400)
        note(replies, udp(from: 11111, to: 40000, message: 7), at: 2_500)   // never asked
        #expect(EchoTimes.roundTrips(requests: requests, replies: replies) == [500, 400])
    }

    @Test("a reply before any request of its key, or a log that filled, is never timed")
    func unmatched() {
        let requests = EchoTimes(side: .request, probe: .icmpEcho, capacity: 1)
        let replies = EchoTimes(side: .reply, probe: .icmpEcho, capacity: 4)
        note(replies, icmp(type: 0, id: 1, seq: 1), at: 50)
        note(requests, icmp(type: 8, id: 1, seq: 1), at: 100)
        note(requests, icmp(type: 8, id: 1, seq: 2), at: 110)
        #expect(requests.overflow == 1)
        note(replies, icmp(type: 0, id: 1, seq: 2), at: 150)
        #expect(EchoTimes.roundTrips(requests: requests, replies: replies).isEmpty)
        // Cut short: no key is read past the packet's end.
        let short = Array(icmp(type: 8, id: 1, seq: 3).prefix(27))
        note(requests, short, at: 200)
        #expect(requests.count == 1)
    }
}

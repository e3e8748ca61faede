// The harness's tally of a real program's packets at one end of the path (the access point for
// the station's, the host driver for the peer's): every packet, and the transport payload of
// those that carry any, over the span from the first such packet to the last.
import Platform

struct PayloadSpan {
    private(set) var packets = 0
    private var payloadPackets = 0
    private var payloadBytes = 0
    private var firstNs: Int64 = 0
    private var lastNs: Int64 = 0

    /// A packet that reached this end.
    @inline(__always) mutating func countPacket() { packets += 1 }

    /// Its transport payload (`bytes` > 0), at `nowNs`.
    @inline(__always) mutating func countPayload(_ bytes: Int, atNs nowNs: Int64) {
        if payloadPackets == 0 { firstNs = nowNs }
        payloadPackets += 1
        payloadBytes += bytes
        lastNs = nowNs
    }

    /// A carried IPv4 packet (`length` bytes at `ip`) that reached this end, and its transport
    /// payload if it has any, at `nowNs`.
    @inline(__always) mutating func countCarried(_ ip: UnsafeRawPointer, length: Int, atNs nowNs: Int64) {
        countPacket()
        guard case .ok(let packet) = FrameFormat.inspect(ipv4: ip, length: length), packet.payloadBytes > 0 else { return }
        countPayload(packet.payloadBytes, atNs: nowNs)
    }

    /// What the goodput is computed from (see ResultBuilder.rate).
    var delivery: ResultReadings.Delivery {
        .init(delivered: packets, count: payloadPackets, bytes: payloadBytes, spanNs: lastNs - firstNs)
    }
}

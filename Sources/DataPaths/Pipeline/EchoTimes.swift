// When each round-trip probe of a real program crossed one of the harness's TUN interfaces: the
// pump stamps requests as it takes them off the station's queue, the host driver stamps replies
// as it hands them to the station's kernel. A probe is an ICMP echo (ping) or a sockperf message
// (UDP to or from its port, whose first 8 payload bytes are the message's sequence number, echoed
// by the server). Each thread owns its own log (no sharing while the run runs); joined afterwards
// they give the harness's own round trip of every probe, which the cross-check holds against the
// program's.
import CVWiFiShim
import Measurement

final class EchoTimes: @unchecked Sendable {
    // SAFETY: written by one pipeline thread, read by the executor after joining it.
    enum Side { case request, reply }
    enum Probe: Equatable {
        case icmpEcho
        /// sockperf's messages: UDP to `port` (requests) and from it (replies).
        case sockperf(port: UInt16)
    }

    let side: Side
    let probe: Probe
    /// (key, TSC) of every probe seen, in order; preallocated, never grown on the hot path.
    private var keys: [UInt64]
    private var stamps: [UInt64]
    private(set) var count = 0
    /// Probes seen after the log filled (not timed).
    private(set) var overflow = 0

    init(side: Side, probe: Probe, capacity: Int = 1 << 18) {
        self.side = side
        self.probe = probe
        keys = [UInt64](repeating: 0, count: capacity)
        stamps = [UInt64](repeating: 0, count: capacity)
    }

    /// Logs `ip` (an IPv4 packet of `length` bytes) if it is a probe of this side.
    @inline(__always)
    func note(_ ip: UnsafeRawPointer, length: Int, at stamp: UInt64) {
        guard let key = key(ip, length: length) else { return }
        guard count < keys.count else { overflow += 1; return }
        keys[count] = key
        stamps[count] = stamp
        count += 1
    }

    /// The probe's key: the ICMP identifier and sequence number, or sockperf's message sequence
    /// number; nil when the packet is no probe of this side.
    @inline(__always)
    func key(_ ip: UnsafeRawPointer, length: Int) -> UInt64? {
        guard length >= 28 else { return nil }
        // SAFETY: bounds: length >= 28 covers bytes 0 and 9 of the IPv4 header; the transport
        // reads below are checked against `length` first.
        let headerBytes = Int(ip.load(as: UInt8.self) & 0x0F) * 4
        let proto = ip.load(fromByteOffset: 9, as: UInt8.self)
        guard headerBytes >= 20, headerBytes + 8 <= length else { return nil }
        switch probe {
        case .icmpEcho:
            // SAFETY: bounds: headerBytes + 8 <= length (checked above): the 8-byte ICMP header.
            guard proto == 1, ip.load(fromByteOffset: headerBytes, as: UInt8.self) == (side == .request ? 8 : 0) else { return nil }
            return UInt64(UInt32(bigEndian: ip.loadUnaligned(fromByteOffset: headerBytes + 4, as: UInt32.self)))
        case .sockperf(let port):
            guard proto == 17, headerBytes + 16 <= length else { return nil }
            // SAFETY: bounds: headerBytes + 16 <= length: the UDP header and 8 payload bytes.
            let source = UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: headerBytes, as: UInt16.self))
            let destination = UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: headerBytes + 2, as: UInt16.self))
            guard (side == .request ? destination : source) == port else { return nil }
            return UInt64(bigEndian: ip.loadUnaligned(fromByteOffset: headerBytes + 8, as: UInt64.self))
        }
    }

    /// The probes a program's round trips can be timed by (nil: it makes none the harness knows).
    static func probe(for traffic: Traffic) -> Probe? {
        switch traffic {
        case .ping: .icmpEcho
        case .sockperf: .sockperf(port: UInt16(ToolInvocation.sockperfPort))
        case .builtin, .iperf3UDP, .iperf3TCP: nil
        }
    }

    /// The request and reply logs a program's round trips are timed by (nil: none for this traffic).
    static func logs(for traffic: Traffic) -> (requests: EchoTimes, replies: EchoTimes)? {
        probe(for: traffic).map { (EchoTimes(side: .request, probe: $0), EchoTimes(side: .reply, probe: $0)) }
    }

    /// Round trips in cycles: each reply matched with the earliest unanswered request of its key
    /// that went before it.
    static func roundTrips(requests: EchoTimes, replies: EchoTimes) -> [UInt64] {
        var waiting: [UInt64: [UInt64]] = [:]
        for i in 0..<requests.count { waiting[requests.keys[i], default: []].append(requests.stamps[i]) }
        var next: [UInt64: Int] = [:]
        var out: [UInt64] = []
        for i in 0..<replies.count {
            let key = replies.keys[i], at = replies.stamps[i]
            guard let sent = waiting[key] else { continue }
            let j = next[key, default: 0]
            guard j < sent.count, sent[j] < at else { continue }
            out.append(at - sent[j])
            next[key] = j + 1
        }
        return out
    }
}

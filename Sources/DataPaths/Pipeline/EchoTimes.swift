// When each ICMP echo of a real `ping` crossed one of the harness's TUN interfaces: the pump
// stamps requests as it takes them off the station's queue, the host driver stamps replies as it
// hands them to the station's kernel. Each thread owns its own table (no sharing while the run
// runs); joined afterwards they give the harness's own round trip of every echo, which the
// cross-check holds against ping's.
import CVWiFiShim
import Measurement

final class EchoTimes: @unchecked Sendable {
    // SAFETY: written by one pipeline thread, read by the executor after joining it.
    /// TSC by ICMP sequence number (0: not seen); preallocated for every sequence number.
    private(set) var tsc: [UInt64]
    /// The ICMP type this table records (8 echo request, 0 echo reply).
    let type: UInt8

    init(type: UInt8) {
        self.type = type
        tsc = [UInt64](repeating: 0, count: 1 << 16)
    }

    /// Stamps `ip` (an IPv4 packet of `length` bytes) if it is an echo of this table's type;
    /// the first sighting of each sequence number counts.
    @inline(__always)
    func note(_ ip: UnsafeRawPointer, length: Int, at stamp: UInt64) {
        guard length >= 28 else { return }
        // SAFETY: bounds: length >= 28 covers byte 0 and 9 of the IPv4 header and, with IHL 5, the
        // 8-byte ICMP header; a longer header is checked against `length` before the ICMP read.
        let headerBytes = Int(ip.load(as: UInt8.self) & 0x0F) * 4
        guard ip.load(fromByteOffset: 9, as: UInt8.self) == 1, headerBytes >= 20, headerBytes + 8 <= length else { return }
        // SAFETY: bounds: headerBytes + 8 <= length (checked above).
        guard ip.load(fromByteOffset: headerBytes, as: UInt8.self) == type else { return }
        let seq = Int(UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: headerBytes + 6, as: UInt16.self)))
        if tsc[seq] == 0 { tsc[seq] = stamp }
    }

    /// Round trips in cycles: each reply's stamp minus its request's.
    static func roundTrips(requests: EchoTimes, replies: EchoTimes) -> [UInt64] {
        var out: [UInt64] = []
        for seq in 0..<(1 << 16) where requests.tsc[seq] != 0 && replies.tsc[seq] > requests.tsc[seq] {
            out.append(replies.tsc[seq] - requests.tsc[seq])
        }
        return out
    }
}

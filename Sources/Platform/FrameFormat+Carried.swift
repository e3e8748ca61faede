// Frames that carry a real program's IP packet (`--traffic` with a tool): the same MAC and
// LLC/SNAP headers and FCS as the harness's own frames, but the body is whatever IPv4 packet the
// station's or the peer's kernel made (TCP, UDP, ICMP), so there is no payload stamp to check.
// The access point checks what the layout still fixes (FCS, LLC/SNAP, the IPv4 header and its
// length) and counts the transport payload, the bytes a tool reports as goodput.

/// What a carried frame holds, once checked.
public struct CarriedPacket: Sendable, Equatable {
    /// IPv4 protocol number (6 TCP, 17 UDP, 1 ICMP).
    public var ipProtocol: UInt8
    /// The IPv4 packet's length (its total length field).
    public var ipLength: Int
    /// Transport payload bytes: past the TCP or UDP header (ICMP: past its 8-byte header).
    public var payloadBytes: Int
}

public enum CarriedCheck: Sendable, Equatable {
    case ok(CarriedPacket)
    case corrupt(reason: String)
}

extension FrameFormat {
    /// Smallest IPv4 packet: a header without options.
    public static let minimumCarriedIPv4 = ipv4HeaderBytes

    /// Checks a frame that carries a program's IPv4 packet: FCS, data frame, LLC/SNAP, IPv4
    /// version and header length, total length = the frame's body, header checksum.
    public static func verifyCarried(frame: UnsafeRawPointer, length: Int) -> CarriedCheck {
        guard length >= ipv4Offset + minimumCarriedIPv4 + fcsBytes else {
            return .corrupt(reason: "frame shorter than the link headers plus an IPv4 header")
        }
        // SAFETY: bounds: `length` covers the link headers, a 20-byte IPv4 header and the FCS
        // (checked above), so the FCS word and the first 20 IPv4 bytes lie inside the frame.
        let fcs = UInt32(littleEndian: frame.loadUnaligned(fromByteOffset: length - fcsBytes, as: UInt32.self))
        guard CRC32.checksum(frame, length: length - fcsBytes) == fcs else { return .corrupt(reason: "bad FCS") }
        guard isIPv4DataFrame(frame) else { return .corrupt(reason: "not an IPv4 data frame over LLC/SNAP") }
        let body = length - ipv4Offset - fcsBytes
        return inspect(ipv4: frame + ipv4Offset, length: body)
    }

    /// Checks an IPv4 packet of `length` bytes (as the kernel wrote it to a TUN interface) and
    /// finds its transport payload.
    public static func inspect(ipv4 ip: UnsafeRawPointer, length: Int) -> CarriedCheck {
        guard length >= minimumCarriedIPv4 else { return .corrupt(reason: "shorter than an IPv4 header") }
        // SAFETY: bounds: length >= 20 (checked above) covers byte 0 and the total-length field.
        let versionAndLength = ip.load(as: UInt8.self)
        guard versionAndLength >> 4 == 4 else { return .corrupt(reason: "not IPv4") }
        let headerBytes = Int(versionAndLength & 0x0F) * 4
        guard headerBytes >= ipv4HeaderBytes, headerBytes <= length else {
            return .corrupt(reason: "IPv4 header length \(headerBytes) outside 20...\(length)")
        }
        // SAFETY: bounds: the total-length field (bytes 2-3) lies inside the 20 bytes checked.
        let total = Int(UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        guard total == length else { return .corrupt(reason: "IPv4 length \(total) but \(length) bytes carried") }
        guard headerChecksum(ip, bytes: headerBytes) == 0 else { return .corrupt(reason: "bad IPv4 header checksum") }
        // SAFETY: bounds: byte 9 (protocol) lies inside the 20-byte header.
        let proto = ip.load(fromByteOffset: 9, as: UInt8.self)
        let transport = total - headerBytes
        var payload = 0
        switch proto {
        case 6 where transport >= 20:
            // SAFETY: bounds: byte 12 of the TCP header lies inside the `transport` >= 20 bytes.
            let offset = Int(ip.load(fromByteOffset: headerBytes + 12, as: UInt8.self) >> 4) * 4
            guard offset >= 20, offset <= transport else { return .corrupt(reason: "TCP data offset \(offset) outside 20...\(transport)") }
            payload = transport - offset
        case 17 where transport >= udpHeaderBytes, 1 where transport >= 8:
            payload = transport - 8
        case 6, 17, 1:
            return .corrupt(reason: "transport header cut short (\(transport) bytes)")
        default:
            payload = transport
        }
        return .ok(CarriedPacket(ipProtocol: proto, ipLength: total, payloadBytes: payload))
    }

    /// One's-complement sum of an IPv4 header of `bytes` bytes, options included (0 when the
    /// stored checksum is right).
    @inline(__always)
    static func headerChecksum(_ header: UnsafeRawPointer, bytes: Int) -> UInt16 {
        var sum: UInt32 = 0
        for i in stride(from: 0, to: bytes, by: 2) {
            // SAFETY: bounds: i + 1 < bytes, the header length the caller checked lies inside the packet.
            sum &+= UInt32(UInt16(bigEndian: header.loadUnaligned(fromByteOffset: i, as: UInt16.self)))
        }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) &+ (sum >> 16) }
        return ~UInt16(truncatingIfNeeded: sum)
    }

    /// Puts the access point's link headers in front of an IPv4 packet of `ipLength` bytes that
    /// already sits at `ipv4Offset` in `frame`, and appends the FCS; returns the MPDU's length.
    @inline(__always)
    public static func wrapCarried(frame: UnsafeMutableRawPointer, ipLength: Int, seq: UInt32,
                                   source: MACAddress, destination: MACAddress, bssid: MACAddress,
                                   direction: FrameDirection) -> Int {
        writeLinkHeaders(into: frame, seq: seq, source: source, destination: destination, bssid: bssid,
                         direction: direction)
        return appendFCS(frame: frame, length: ipv4Offset + ipLength)
    }
}

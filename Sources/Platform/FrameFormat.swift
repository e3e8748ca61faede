/// Builds and checks the 802.11 data frames (MPDUs) the benchmark moves:
///
///   0  MAC header, 24 bytes: frame control (data; ToDS or FromDS), duration, addr1, addr2,
///      addr3, sequence control
///   24 LLC/SNAP, 8 bytes: AA AA 03 00 00 00 08 00 (IPv4)
///   32 IPv4 header, 20 bytes, with a correct header checksum: station 198.18.0.1, peer
///      198.18.0.2 (RFC 2544 benchmarking range; the native path's kernel owns the station's)
///   52 UDP header, 8 bytes (checksum 0 = none; the payload carries its own CRC)
///   60 payload: `PayloadStamp` (seq, length, CRC-32C of the rest), then a pattern of (seq, index):
///      byte i (i >= 12) is byte i & 7 of the little-endian word `patternWord(seq, i >> 3)`
///   end FCS, 4 bytes: CRC-32 (IEEE) of everything before it, little-endian
///
/// The payload checksum is CRC-32C so that the KVM guest program (Guest/, C behind an assembly entry stub), which
/// writes the same payload with the `crc32` instruction, produces frames that verify here.
///
/// So an MPDU is payload + 64 bytes (1450 -> 1514). No function here allocates.
/// The kind travels in the UDP ports: udp 50000 -> 9 (discard) up, 9 -> 50000 down (the RX
/// stream, addressed to the station's socket connected to the peer's port 9), echo request
/// 50000 -> 7, echo reply 7 -> 50000. `verify` accepts the IPv4/UDP headers a kernel writes
/// (any ID, flags, TTL, UDP checksum): it checks only what the layout fixes.
public enum FrameFormat {
    public static let macHeaderBytes = 24
    public static let llcSnapBytes = 8
    public static let ipv4HeaderBytes = 20
    public static let udpHeaderBytes = 8
    public static let fcsBytes = 4
    /// Offset of the UDP payload in the frame.
    public static let payloadOffset = 60
    /// Bytes an MPDU adds to its UDP payload.
    public static let overheadBytes = 64
    /// Smallest payload: the stamp.
    public static let minimumPayload = PayloadStamp.byteSize
    public static let maximumPayload = 65_535 - 28

    public static let workloadPort: UInt16 = 50_000
    public static let discardPort: UInt16 = 9
    public static let echoPort: UInt16 = 7
    /// The station's IPv4 address (host order); the native path's kernel owns it.
    public static let stationIPv4: UInt32 = 0xC612_0001  // 198.18.0.1
    /// The wired peer beyond the access point.
    public static let peerIPv4: UInt32 = 0xC612_0002  // 198.18.0.2
    /// Offset of the IPv4 header: what follows the MAC and LLC/SNAP headers.
    public static let ipv4Offset = 32

    @inline(__always)
    public static func mpduLength(payload: Int) -> Int { payload + overheadBytes }

    /// Payload length of an MPDU of `mpdu` bytes.
    @inline(__always)
    public static func payloadLength(mpdu: Int) -> Int { mpdu - overheadBytes }

    /// Writes a complete MPDU; returns its length, or 0 when `payloadLength` is outside
    /// `minimumPayload...maximumPayload` or `capacity` is too small.
    @discardableResult
    public static func writeFrame(
        into buffer: UnsafeMutableRawPointer, capacity: Int, payloadLength: Int, seq: UInt32,
        source: MACAddress, destination: MACAddress, bssid: MACAddress, kind: FrameKind,
        direction: FrameDirection = .toAP
    ) -> Int {
        guard payloadLength >= minimumPayload, payloadLength <= maximumPayload else { return 0 }
        let total = mpduLength(payload: payloadLength)
        guard capacity >= total else { return 0 }
        writeHeaders(into: buffer, payloadLength: payloadLength, seq: seq, source: source,
                     destination: destination, bssid: bssid, kind: kind, direction: direction)
        writePayload(into: buffer + payloadOffset, length: payloadLength, seq: seq)
        return appendFCS(frame: buffer, length: total - fcsBytes)
    }

    /// Writes the MAC, LLC/SNAP, IPv4 and UDP headers (what a network stack and driver build in
    /// front of a payload); returns `payloadOffset`. The payload and FCS are not touched.
    @discardableResult
    public static func writeHeaders(
        into buffer: UnsafeMutableRawPointer, payloadLength: Int, seq: UInt32,
        source: MACAddress, destination: MACAddress, bssid: MACAddress, kind: FrameKind,
        direction: FrameDirection = .toAP
    ) -> Int {
        writeLinkHeaders(into: buffer, seq: seq, source: source, destination: destination, bssid: bssid,
                         direction: direction)
        let p = buffer
        // IPv4 header.
        let ip = p + 32
        // SAFETY: bounds: the buffer holds the 60 header bytes in front of the payload (writeFrame checks
        // its capacity; driver buffers are 4 KiB); these stores stay inside the IPv4 (32..<52) and UDP
        // (52..<60) headers.
        ip.storeBytes(of: 0x45, toByteOffset: 0, as: UInt8.self)
        ip.storeBytes(of: 0, toByteOffset: 1, as: UInt8.self)
        ip.storeBytes(of: UInt16(20 + 8 + payloadLength).bigEndian, toByteOffset: 2, as: UInt16.self)
        ip.storeBytes(of: UInt16(truncatingIfNeeded: seq).bigEndian, toByteOffset: 4, as: UInt16.self)
        // SAFETY: bounds: as above.
        ip.storeBytes(of: UInt16(0x4000).bigEndian, toByteOffset: 6, as: UInt16.self)  // DF
        ip.storeBytes(of: 64, toByteOffset: 8, as: UInt8.self)  // TTL
        ip.storeBytes(of: 17, toByteOffset: 9, as: UInt8.self)  // UDP
        ip.storeBytes(of: 0, toByteOffset: 10, as: UInt16.self)
        let (sourceIP, destinationIP) = direction == .toAP ? (stationIPv4, peerIPv4) : (peerIPv4, stationIPv4)
        // SAFETY: bounds: as above.
        ip.storeBytes(of: sourceIP.bigEndian, toByteOffset: 12, as: UInt32.self)
        ip.storeBytes(of: destinationIP.bigEndian, toByteOffset: 16, as: UInt32.self)
        ip.storeBytes(of: ipv4Checksum(ip).bigEndian, toByteOffset: 10, as: UInt16.self)
        // UDP header.
        let (sourcePort, destinationPort) = ports(kind, direction)
        let udp = p + 52
        // SAFETY: bounds: as above.
        udp.storeBytes(of: sourcePort.bigEndian, toByteOffset: 0, as: UInt16.self)
        udp.storeBytes(of: destinationPort.bigEndian, toByteOffset: 2, as: UInt16.self)
        udp.storeBytes(of: UInt16(8 + payloadLength).bigEndian, toByteOffset: 4, as: UInt16.self)
        udp.storeBytes(of: 0, toByteOffset: 6, as: UInt16.self)
        return payloadOffset
    }

    /// Writes the MAC and LLC/SNAP headers (what a WiFi driver puts in front of the IP packet
    /// its network stack made); returns `ipv4Offset`.
    @inline(__always) @discardableResult
    public static func writeLinkHeaders(
        into buffer: UnsafeMutableRawPointer, seq: UInt32, source: MACAddress, destination: MACAddress,
        bssid: MACAddress, direction: FrameDirection = .toAP
    ) -> Int {
        let p = buffer
        // MAC header. Frame control: type data (byte 0 = 0x08), flags ToDS (0x01) or FromDS (0x02).
        // SAFETY: bounds: bytes 0..<32 (MAC and LLC/SNAP headers) of a buffer of at least 60 bytes.
        p.storeBytes(of: 0x08, toByteOffset: 0, as: UInt8.self)
        p.storeBytes(of: direction == .toAP ? 0x01 : 0x02, toByteOffset: 1, as: UInt8.self)
        // Duration/NAV: 0; the medium model charges the ACK itself.
        p.storeBytes(of: 0, toByteOffset: 2, as: UInt16.self)
        switch direction {
        case .toAP:
            bssid.store(to: p + 4)
            source.store(to: p + 10)
            destination.store(to: p + 16)
        case .fromAP:
            destination.store(to: p + 4)
            bssid.store(to: p + 10)
            source.store(to: p + 16)
        }
        // SAFETY: bounds: as above.
        p.storeBytes(of: UInt16(truncatingIfNeeded: (seq & 0xFFF) << 4).littleEndian, toByteOffset: 22, as: UInt16.self)
        // LLC/SNAP: AA AA 03 00 00 00, EtherType 0x0800.
        p.storeBytes(of: llcSnapIPv4.littleEndian, toByteOffset: 24, as: UInt64.self)
        return ipv4Offset
    }

    /// Appends the frame check sequence (CRC-32 of the `length` bytes before it), as the device
    /// hardware does on transmit; returns the length with the FCS.
    @inline(__always) @discardableResult
    public static func appendFCS(frame: UnsafeMutableRawPointer, length: Int) -> Int {
        let fcs = CRC32.checksum(frame, length: length)
        // SAFETY: bounds: callers leave 4 bytes after `length` for the FCS (the device's staging buffer is
        // 8 KiB and lengths are checked against it).
        frame.storeBytes(of: fcs.littleEndian, toByteOffset: length, as: UInt32.self)
        return length + fcsBytes
    }

    /// LLC/SNAP header for IPv4 (AA AA 03 00 00 00, EtherType 0x0800), as one little-endian word.
    public static let llcSnapIPv4: UInt64 = 0x0008_0000_0003_AAAA

    /// A data frame carrying IPv4 over LLC/SNAP. The caller guarantees the 32 header bytes.
    @inline(__always)
    public static func isIPv4DataFrame(_ frame: UnsafeRawPointer) -> Bool {
        // SAFETY: bounds: bytes 0 and 24..<32 of the 32 header bytes the caller guarantees.
        frame.load(fromByteOffset: 0, as: UInt8.self) == 0x08
            && UInt64(littleEndian: frame.loadUnaligned(fromByteOffset: macHeaderBytes, as: UInt64.self)) == llcSnapIPv4
    }

    /// An IPv4 header without options carrying UDP. The caller guarantees its 20 bytes.
    @inline(__always)
    public static func isUDPv4(_ ip: UnsafeRawPointer) -> Bool {
        // SAFETY: bounds: bytes 0 and 9 of the 20-byte header the caller guarantees.
        ip.load(as: UInt8.self) == 0x45 && ip.load(fromByteOffset: 9, as: UInt8.self) == 17
    }

    /// Checks an MPDU end to end: FCS, header fields, lengths, IPv4 checksum, payload CRC.
    public static func verify(frame: UnsafeRawPointer, length: Int) -> FrameCheck {
        guard length >= overheadBytes + minimumPayload else { return .corrupt(reason: "frame shorter than headers plus stamp") }
        // SAFETY: bounds: the first guard checked `length` >= headers + stamp, so every header offset read
        // here lies inside the frame.
        let fcs = UInt32(littleEndian: frame.loadUnaligned(fromByteOffset: length - fcsBytes, as: UInt32.self))
        guard CRC32.checksum(frame, length: length - fcsBytes) == fcs else { return .corrupt(reason: "bad FCS") }
        guard isIPv4DataFrame(frame) else {
            // SAFETY: bounds: byte 0 of the frame, inside the length checked above.
            let data = frame.load(fromByteOffset: 0, as: UInt8.self) == 0x08
            return .corrupt(reason: data ? "bad LLC/SNAP header" : "not a data frame")
        }
        let ip = frame + 32
        guard isUDPv4(ip) else { return .corrupt(reason: "not IPv4/UDP") }
        let payloadLength = length - overheadBytes
        // SAFETY: bounds: the IPv4 and UDP headers lie inside the length checked above.
        let ipTotal = Int(UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        guard ipTotal == 28 + payloadLength else { return .corrupt(reason: "IPv4 length mismatch") }
        guard ipv4Checksum(ip) == 0 else { return .corrupt(reason: "bad IPv4 header checksum") }
        let udp = frame + 52
        // SAFETY: bounds: as above.
        let udpLength = Int(UInt16(bigEndian: udp.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))
        guard udpLength == 8 + payloadLength else { return .corrupt(reason: "UDP length mismatch") }
        let sourcePort = UInt16(bigEndian: udp.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
        let destinationPort = UInt16(bigEndian: udp.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let kind: FrameKind
        switch (sourcePort, destinationPort) {
        case (workloadPort, discardPort), (discardPort, workloadPort): kind = .udp
        case (workloadPort, echoPort): kind = .echoRequest
        case (echoPort, workloadPort): kind = .echoReply
        default: return .corrupt(reason: "unknown UDP ports")
        }
        let stamp = PayloadStamp(loadingFrom: frame + payloadOffset)
        guard Int(stamp.length) == payloadLength else { return .corrupt(reason: "payload length mismatch") }
        let (seq, ok) = verifyPayload(frame + payloadOffset, length: payloadLength)
        guard ok else { return .corrupt(reason: "bad payload checksum") }
        return .ok(seq: seq, payloadLength: payloadLength, kind: kind)
    }

    /// Fills a payload: stamp, then the (seq, index) pattern. Returns false when `length` <
    /// `minimumPayload` (nothing written).
    @discardableResult
    public static func writePayload(into payload: UnsafeMutableRawPointer, length: Int, seq: UInt32) -> Bool {
        guard length >= minimumPayload else { return false }
        var i = PayloadStamp.byteSize
        while i < length && i & 7 != 0 {
            // SAFETY: bounds: i < length (the loop conditions), the payload's size in the caller's buffer.
            payload.storeBytes(of: patternByte(seq: seq, index: i), toByteOffset: i, as: UInt8.self)
            i += 1
        }
        while i + 8 <= length {
            payload.storeBytes(of: patternWord(seq: seq, word: i >> 3).littleEndian, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < length {
            // SAFETY: bounds: as above.
            payload.storeBytes(of: patternByte(seq: seq, index: i), toByteOffset: i, as: UInt8.self)
            i += 1
        }
        let body = CRC32C.checksum(payload + PayloadStamp.byteSize, length: length - PayloadStamp.byteSize)
        PayloadStamp(seq: seq, length: UInt32(length), checksum: body).store(to: payload)
        return true
    }

    /// Checks a payload's stamp (length and CRC of the rest); returns its sequence number.
    public static func verifyPayload(_ payload: UnsafeRawPointer, length: Int) -> (seq: UInt32, ok: Bool) {
        guard length >= minimumPayload else { return (0, false) }
        let stamp = PayloadStamp(loadingFrom: payload)
        guard Int(stamp.length) == length else { return (stamp.seq, false) }
        let body = CRC32C.checksum(payload + PayloadStamp.byteSize, length: length - PayloadStamp.byteSize)
        return (stamp.seq, body == stamp.checksum)
    }

    /// Index of the first payload byte (after the stamp) that differs from the pattern of `seq`,
    /// or nil when the whole pattern is intact. Stricter than the checksum: it also proves the
    /// sender wrote this sequence number's data.
    public static func firstPatternMismatch(_ payload: UnsafeRawPointer, length: Int, seq: UInt32) -> Int? {
        var i = PayloadStamp.byteSize
        while i < length {
            // SAFETY: bounds: i < length, the payload's size.
            if payload.load(fromByteOffset: i, as: UInt8.self) != patternByte(seq: seq, index: i) { return i }
            i += 1
        }
        return nil
    }

    /// Source address (SA): addr2 for ToDS frames, addr3 for FromDS frames.
    @inline(__always)
    public static func sourceMAC(frame: UnsafeRawPointer) -> MACAddress {
        MACAddress(loadingFrom: frame + (isFromDS(frame) ? 16 : 10))
    }

    /// Destination address (DA): addr3 for ToDS frames, addr1 for FromDS frames.
    @inline(__always)
    public static func destinationMAC(frame: UnsafeRawPointer) -> MACAddress {
        MACAddress(loadingFrom: frame + (isFromDS(frame) ? 4 : 16))
    }

    /// Receiver address (addr1): the BSSID on the way up, the station on the way down.
    @inline(__always)
    public static func receiverMAC(frame: UnsafeRawPointer) -> MACAddress {
        MACAddress(loadingFrom: frame + 4)
    }

    /// Transmitter address (addr2): the station on the way up, the BSSID on the way down.
    @inline(__always)
    public static func transmitterMAC(frame: UnsafeRawPointer) -> MACAddress {
        MACAddress(loadingFrom: frame + 10)
    }

    @inline(__always)
    public static func direction(frame: UnsafeRawPointer) -> FrameDirection {
        isFromDS(frame) ? .fromAP : .toAP
    }

    /// Sequence number from the sequence-control field (12 bits).
    @inline(__always)
    public static func sequenceNumber(frame: UnsafeRawPointer) -> UInt16 {
        // SAFETY: bounds: every frame handed here has at least its 24-byte MAC header (written by
        // FrameFormat or length-checked).
        UInt16(littleEndian: frame.loadUnaligned(fromByteOffset: 22, as: UInt16.self)) >> 4
    }

    // MARK: helpers

    @inline(__always)
    static func isFromDS(_ frame: UnsafeRawPointer) -> Bool {
        // SAFETY: bounds: byte 1 of the MAC header; frames handed here have at least 24 bytes.
        frame.load(fromByteOffset: 1, as: UInt8.self) & 0x03 == 0x02
    }

    @inline(__always)
    static func ports(_ kind: FrameKind, _ direction: FrameDirection) -> (UInt16, UInt16) {
        switch kind {
        case .udp: return direction == .toAP ? (workloadPort, discardPort) : (discardPort, workloadPort)
        case .echoRequest: return (workloadPort, echoPort)
        case .echoReply: return (echoPort, workloadPort)
        }
    }

    /// One's-complement sum of the 20-byte header (0 when the stored checksum is right).
    @inline(__always)
    static func ipv4Checksum(_ header: UnsafeRawPointer) -> UInt16 { headerChecksum(header, bytes: ipv4HeaderBytes) }

    /// Multiplier of the pattern hash (the guest program uses the same constant).
    public static let patternMultiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Pattern word `word` of a payload: a multiplicative hash of (seq, word index).
    @inline(__always)
    public static func patternWord(seq: UInt32, word: Int) -> UInt64 {
        (UInt64(seq) << 32 | UInt64(truncatingIfNeeded: word)) &* patternMultiplier
    }

    @inline(__always)
    public static func patternByte(seq: UInt32, index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: patternWord(seq: seq, word: index >> 3) >> UInt64((index & 7) * 8))
    }
}

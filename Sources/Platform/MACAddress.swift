/// A 48-bit IEEE MAC address.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var b0, b1, b2, b3, b4, b5: UInt8

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        (self.b0, self.b1, self.b2, self.b3, self.b4, self.b5) = (b0, b1, b2, b3, b4, b5)
    }

    /// From the low 48 bits of `value`, most significant byte first (0x020000000001 -> 02:00:00:00:00:01).
    public init(value: UInt64) {
        self.init(UInt8(truncatingIfNeeded: value >> 40), UInt8(truncatingIfNeeded: value >> 32),
                  UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value))
    }

    /// Parses "02:00:00:00:00:01"; nil when malformed.
    public init?(string: String) {
        let parts = string.split(separator: ":")
        guard parts.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.init(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5])
    }

    /// Reads six bytes at `pointer` (wire order).
    @inline(__always)
    public init(loadingFrom pointer: UnsafeRawPointer) {
        // SAFETY: bounds: the caller passes at least six readable bytes (a MAC field of a frame).
        self.init(pointer.load(fromByteOffset: 0, as: UInt8.self), pointer.load(fromByteOffset: 1, as: UInt8.self),
                  pointer.load(fromByteOffset: 2, as: UInt8.self), pointer.load(fromByteOffset: 3, as: UInt8.self),
                  pointer.load(fromByteOffset: 4, as: UInt8.self), pointer.load(fromByteOffset: 5, as: UInt8.self))
    }

    /// Locally administered unicast address of a VM's virtual MAC: 02:00:00:00:00:<id>.
    public static func virtualMAC(vmID: UInt8) -> MACAddress { MACAddress(0x02, 0, 0, 0, 0, vmID) }

    public static let broadcast = MACAddress(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)

    /// The 48 bits as an integer (most significant byte first): a cheap comparison key.
    @inline(__always)
    public var value: UInt64 {
        UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24 | UInt64(b3) << 16 | UInt64(b4) << 8 | UInt64(b5)
    }

    public var bytes: [UInt8] { [b0, b1, b2, b3, b4, b5] }

    /// Writes the six bytes at `pointer` (wire order).
    @inline(__always)
    public func store(to pointer: UnsafeMutableRawPointer) {
        // SAFETY: bounds: the caller passes at least six writable bytes (a MAC field of a frame).
        pointer.storeBytes(of: b0, toByteOffset: 0, as: UInt8.self)
        pointer.storeBytes(of: b1, toByteOffset: 1, as: UInt8.self)
        pointer.storeBytes(of: b2, toByteOffset: 2, as: UInt8.self)
        pointer.storeBytes(of: b3, toByteOffset: 3, as: UInt8.self)
        pointer.storeBytes(of: b4, toByteOffset: 4, as: UInt8.self)
        pointer.storeBytes(of: b5, toByteOffset: 5, as: UInt8.self)
    }

    public var description: String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        for (i, byte) in bytes.enumerated() {
            if i > 0 { text.append(":") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }
}

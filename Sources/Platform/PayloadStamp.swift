/// The 12 bytes that open every payload (little-endian): the sender's sequence number, the
/// payload length, and a CRC-32C (Castagnoli) of the payload bytes after the stamp.
public struct PayloadStamp: Sendable, Equatable {
    public static let byteSize = 12

    public var seq: UInt32
    public var length: UInt32
    public var checksum: UInt32

    public init(seq: UInt32, length: UInt32, checksum: UInt32) {
        self.seq = seq
        self.length = length
        self.checksum = checksum
    }

    @inline(__always)
    public init(loadingFrom p: UnsafeRawPointer) {
        // SAFETY: bounds: the caller passes a payload of at least byteSize (12) readable bytes.
        seq = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        length = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        checksum = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    }

    @inline(__always)
    public func store(to p: UnsafeMutableRawPointer) {
        // SAFETY: bounds: the caller passes a payload of at least byteSize (12) writable bytes.
        p.storeBytes(of: seq.littleEndian, toByteOffset: 0, as: UInt32.self)
        p.storeBytes(of: length.littleEndian, toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: checksum.littleEndian, toByteOffset: 8, as: UInt32.self)
    }
}

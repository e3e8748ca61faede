/// Little-endian operands; past the end every read is zero (so every byte string is a program).
struct FuzzByteReader {
    let bytes: UnsafeRawBufferPointer
    var at = 0
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
    var isAtEnd: Bool { at >= bytes.count }
    mutating func u8() -> UInt8 {
        defer { at += 1 }
        return at < bytes.count ? bytes[at] : 0
    }
    mutating func read<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(u8()) << T(8 * i) }
        return v
    }
}

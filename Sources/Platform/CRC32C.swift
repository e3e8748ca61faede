import CVWiFiShim

/// CRC-32C (Castagnoli): the payload stamp's checksum. The KVM guest program computes the same
/// value with the x86 `crc32` instruction, so a payload written in the guest and one written in
/// Swift verify alike. SSE4.2 where the CPU has it, else a table (same results).
public enum CRC32C {
    /// CRC-32C of `length` bytes at `bytes` (standard: "123456789" gives 0xE3069283).
    @inline(__always)
    public static func checksum(_ bytes: UnsafeRawPointer, length: Int) -> UInt32 {
        vw_crc32c(0, bytes, length)
    }

    /// Continues a CRC (`crc` is a previous result; 0 to start).
    @inline(__always)
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawPointer, length: Int) -> UInt32 {
        vw_crc32c(crc, bytes, length)
    }

    /// Whether the CPU computes it in hardware (SSE4.2); the KVM guest program needs that.
    public static var hardware: Bool { vw_crc32c_hardware() != 0 }
}

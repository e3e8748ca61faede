/// IEEE 802.3 CRC-32 (reflected polynomial 0xEDB88320), the 802.11 FCS. Table-driven,
/// slicing-by-8 (eight 256-entry tables built once) so a 1.5 KB frame costs about a cycle a byte.
public enum CRC32 {
    // SAFETY: written once during lazy static initialisation, read-only afterwards.
    nonisolated(unsafe) private static let table: UnsafePointer<UInt32> = {
        // SAFETY: allocated once for the process's lifetime and never freed; filled here before escaping.
        let t = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return UnsafePointer(t)
    }()

    /// Builds the tables now. Their lazy initialisation allocates, so a pipeline calls this
    /// before its threads start: otherwise the first FCS in a measured region counts a heap
    /// allocation against the thread that happened to compute it.
    public static func prepare() { _ = table }

    /// CRC-32 of `length` bytes at `bytes`.
    @inline(__always)
    public static func checksum(_ bytes: UnsafeRawPointer, length: Int) -> UInt32 {
        update(0, bytes, length: length)
    }

    /// Continues a CRC (`crc` is a previous result; 0 to start).
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawPointer, length: Int) -> UInt32 {
        let t = table
        var c = ~crc
        var p = bytes
        var n = length
        while n >= 8 {
            // Little-endian host (x86-64): the low word holds the first four bytes.
            // SAFETY: bounds: n >= 8, so p..p+8 lies inside the caller's `length` bytes; unaligned load.
            let word = p.loadUnaligned(as: UInt64.self)
            let lo = UInt32(truncatingIfNeeded: word) ^ c
            let hi = UInt32(truncatingIfNeeded: word >> 32)
            c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
            p += 8
            n -= 8
        }
        while n > 0 {
            // SAFETY: bounds: n > 0, so p is still inside the caller's `length` bytes.
            c = t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
            p += 1
            n -= 1
        }
        return ~c
    }
}

// Raw time-stamp counter reads. Convert ticks with `TSCClock.shared`.
import CVWiFiShim

public enum TSC {
    /// Unfenced RDTSC: the cheapest stamp; may drift a few instructions against its neighbours.
    @inlinable @inline(__always) public static func now() -> UInt64 { vw_rdtsc() }

    /// LFENCE; RDTSC: opens a region once all earlier instructions have completed.
    @inlinable @inline(__always) public static func fencedStart() -> UInt64 { vw_rdtsc_fenced() }

    /// RDTSCP; LFENCE: closes a region; later instructions cannot start before the read.
    @inlinable @inline(__always) public static func fencedEnd() -> UInt64 { vw_rdtscp_fenced() }
}

import CVWiFiShim

// Acquire/release accesses on words in guest RAM or in host control blocks. The addresses are
// naturally aligned by construction (mailbox and ring fields are at multiples of their size).

@inline(__always) func vwLoadAcquire32(_ p: UnsafeMutableRawPointer) -> UInt32 {
    // SAFETY: callers pass a 4-aligned word of live guest RAM or a control block (see above).
    vw_load_acquire_u32(p.assumingMemoryBound(to: UInt32.self))
}

@inline(__always) func vwStoreRelease32(_ p: UnsafeMutableRawPointer, _ v: UInt32) {
    // SAFETY: callers pass a 4-aligned word of live guest RAM or a control block (see above).
    vw_store_release_u32(p.assumingMemoryBound(to: UInt32.self), v)
}

@inline(__always) func vwLoadAcquire64(_ p: UnsafeMutableRawPointer) -> UInt64 {
    // SAFETY: callers pass an 8-aligned word of live guest RAM or a control block (see above).
    vw_load_acquire_u64(p.assumingMemoryBound(to: UInt64.self))
}

@inline(__always) func vwStoreRelease64(_ p: UnsafeMutableRawPointer, _ v: UInt64) {
    // SAFETY: callers pass an 8-aligned word of live guest RAM or a control block (see above).
    vw_store_release_u64(p.assumingMemoryBound(to: UInt64.self), v)
}

/// Sequence numbers seen so far, for duplicate detection without allocation.
public struct SequenceSet: ~Copyable {
    private let words: UnsafeMutablePointer<UInt64>
    private let count: Int

    public init(capacity: Int) {
        count = max(1, (capacity + 63) / 64)
        // SAFETY: owned by this noncopyable set, freed once in deinit; indices are taken modulo `count`.
        words = .allocate(capacity: count)
        words.initialize(repeating: 0, count: count)
    }

    // SAFETY: ~Copyable, so this is the only owner of `words` and this runs once.
    deinit { words.deallocate() }

    /// Returns false when `seq` was already present.
    public mutating func insert(_ seq: UInt32) -> Bool {
        let w = Int(seq / 64) % count, bit = UInt64(1) << UInt64(seq % 64)
        if words[w] & bit != 0 { return false }
        words[w] |= bit
        return true
    }
}

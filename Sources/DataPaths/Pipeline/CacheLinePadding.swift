// Keeps two hot fields of a class off each other's cache lines. Swift lays out a class's stored
// properties in declaration order, so 128 bytes between two fields put them on different lines
// (and different adjacent-line prefetch pairs): a field one thread writes per packet no longer
// invalidates the line another thread reads on every loop iteration (false sharing).
struct CacheLinePadding {
    private let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    init() { words = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) }
}

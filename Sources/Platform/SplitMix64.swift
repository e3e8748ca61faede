/// SplitMix64: a tiny, well-mixed generator whose sequence is fixed by its seed on every platform
/// and Swift version (the standard library's generator and shuffle are not guaranteed stable).
/// The suite's run order, every run's seed and the radio's backoff draws all come from it.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform in 0...bound without modulo bias (Lemire's multiply-and-reject), allocation-free.
    @inline(__always)
    public mutating func uniform(through bound: UInt64) -> UInt64 {
        if bound == .max { return next() }
        let range = bound &+ 1
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return product.high
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func unitInterval() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Fisher-Yates over 0..<n.
    public mutating func shuffledIndices(_ n: Int) -> [Int] {
        var a = Array(0..<n)
        guard n > 1 else { return a }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
        return a
    }
}

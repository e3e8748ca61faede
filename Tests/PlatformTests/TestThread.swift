import Foundation

/// A thread running `body`, joinable with a bound so a broken wake-up fails the test instead of hanging it.
final class TestThread: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Void) {
        let done = finished
        let thread = Thread {
            body()
            done.signal()
        }
        thread.start()
    }

    /// True when the thread finished within `seconds`.
    func join(seconds: Double = 20) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }
}

/// Polls `condition` (yielding the CPU) for at most `seconds`; returns its last value.
func eventually(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        sched_yield()
    }
    return true
}

/// Deterministic xorshift64* for reproducible "random" addresses.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

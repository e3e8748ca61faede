import CVWiFiShim
import Glibc
import Measurement

/// Futex wake-up for one waiting thread, with a bounded spin before sleeping.
///
/// Protocol (the classic "waiters flag" handshake): the signaller bumps a sequence word, fences,
/// and calls FUTEX_WAKE only if the waiter announced it is about to sleep. The waiter announces
/// (flag store), fences, re-reads the sequence, and FUTEX_WAITs on the value it expects; the
/// kernel refuses to sleep if the sequence already moved. The two seq_cst fences order
/// "store seq; load flag" against "store flag; load seq", so no wake-up is lost.
public final class Notifier: @unchecked Sendable {
    // SAFETY: all shared state is in a raw block accessed only with atomics; the counters are plain
    // words each written by one side (signaller: wakeSyscalls, signals; waiter: sleeps, spinHits),
    // read after the threads join. Several threads may signal (the wake-up stays correct), but then
    // the signaller-side counters are approximate.
    // Shared words (one cache line): [0] sequence, [1] waiter-is-sleeping flag, [2] closed.
    private let shared: UnsafeMutablePointer<UInt32>
    // Counters on their own lines: [0] wake syscalls, [8] signals (signaller side), [16] sleeps,
    // [24] spins that saw the signal (waiter side), [32] wake syscalls by `close()` (the closing
    // thread is not the signaller: sharing word [0] would be a data race).
    private let counters: UnsafeMutablePointer<Int>
    /// The notifier whose words a signaller view shares (nil: this one owns them).
    private let owner: Notifier?

    public init() {
        owner = nil
        // SAFETY: the shared line (16 UInt32 words) is owned by this notifier and freed once in deinit.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        shared = raw.bindMemory(to: UInt32.self, capacity: 16)
        // SAFETY: the counters block (40 Ints, five lines) is owned by this notifier and freed once in deinit.
        let c = UnsafeMutableRawPointer.allocate(byteCount: 320, alignment: 64)
        c.initializeMemory(as: UInt8.self, repeating: 0, count: 320)
        counters = c.bindMemory(to: Int.self, capacity: 40)
    }

    /// A second signaller of `waker`'s waiter, with counters of its own: several threads may each
    /// signal one waiter through their own views and every count stays exact (a device with one
    /// doorbell register per queue). Waiting and closing belong to `waker`.
    public init(signallingWaiterOf waker: Notifier) {
        owner = waker
        shared = waker.shared
        // SAFETY: this view's counters block (40 Ints) is its own, freed once in deinit; `shared`
        // stays valid because the view retains `owner`, which frees it.
        let c = UnsafeMutableRawPointer.allocate(byteCount: 320, alignment: 64)
        c.initializeMemory(as: UInt8.self, repeating: 0, count: 320)
        counters = c.bindMemory(to: Int.self, capacity: 40)
    }

    deinit {
        // SAFETY: frees the two blocks from init, once (a view frees only its counters: `owner` owns the
        // shared words); no thread can wait or signal on a deinitialized notifier.
        if owner == nil { UnsafeMutableRawPointer(shared).deallocate() }
        UnsafeMutableRawPointer(counters).deallocate()
    }

    private var sequence: UnsafeMutablePointer<UInt32> { shared }
    private var waiterFlag: UnsafeMutablePointer<UInt32> { shared + 1 }
    private var closedFlag: UnsafeMutablePointer<UInt32> { shared + 2 }

    /// FUTEX_WAKE system calls made by `signal()` / `close()`.
    public var wakeSyscalls: Int { counters[0] + counters[32] }
    /// Calls of `signal()`.
    public var signals: Int { counters[8] }
    /// Times the waiter entered FUTEX_WAIT.
    public var sleeps: Int { counters[16] }
    /// Waits satisfied during the bounded spin (no sleep).
    public var spinHits: Int { counters[24] }

    /// The waiter has announced it is going to sleep (or is asleep).
    public var hasSleeper: Bool { vw_load_acquire_u32(waiterFlag) != 0 }
    public var isClosed: Bool { vw_load_acquire_u32(closedFlag) != 0 }

    /// Wakes the waiter. Returns true when a FUTEX_WAKE system call was made (the waiter had
    /// announced it was sleeping), so callers can count wake-ups.
    @inline(__always)
    @discardableResult
    public func signal() -> Bool {
        _ = vw_fetch_add_u32(sequence, 1)
        counters[8] &+= 1
        vw_fence_seq_cst()
        guard vw_load_relaxed_u32(waiterFlag) != 0 else { return false }
        _ = vw_futex_wake(sequence, 1)
        counters[0] &+= 1
        return true
    }

    /// Token for race-free "check the condition, then sleep": take it BEFORE checking the
    /// ring, then `wait(after:)` returns at once if anything was signalled since.
    @inline(__always)
    public func prepare() -> UInt32 {
        vw_load_acquire_u32(sequence)
    }

    /// Waits for the next signal (from now on).
    @inline(__always)
    public func wait(spinIterations: Int = 200, timeoutNs: Int64 = -1) -> WaitOutcome {
        wait(after: prepare(), spinIterations: spinIterations, timeoutNs: timeoutNs)
    }

    /// Waits until the sequence differs from `token`: spins at most `spinIterations` pause
    /// iterations, then announces itself and sleeps on the futex. `timeoutNs` < 0 waits forever.
    /// A signal handler running on the waiting thread does not end the wait.
    public func wait(after token: UInt32, spinIterations: Int = 200, timeoutNs: Int64 = -1) -> WaitOutcome {
        if vw_load_acquire_u32(closedFlag) != 0 { return .closed }
        var spins = 0
        while spins < spinIterations {
            if vw_load_acquire_u32(sequence) != token {
                counters[24] &+= 1
                return .signalled
            }
            vw_cpu_relax()
            spins += 1
        }
        let deadline = timeoutNs >= 0 ? vw_monotonic_ns() &+ timeoutNs : Int64.max
        vw_store_relaxed_u32(waiterFlag, 1)
        vw_fence_seq_cst()
        defer { vw_store_release_u32(waiterFlag, 0) }
        while true {
            if vw_load_acquire_u32(closedFlag) != 0 { return .closed }
            if vw_load_acquire_u32(sequence) != token { return .signalled }
            var remaining: Int64 = -1
            if timeoutNs >= 0 {
                remaining = deadline &- vw_monotonic_ns()
                if remaining <= 0 { return .timedOut }
            }
            counters[16] &+= 1
            let r = SystemCall.errno(of: vw_futex_wait(sequence, token, remaining))
            if r == .timedOut {
                if vw_load_acquire_u32(closedFlag) != 0 { return .closed }
                return vw_load_acquire_u32(sequence) != token ? .signalled : .timedOut
            }
            // 0 (woken, possibly spuriously), EAGAIN (sequence already moved) or EINTR (a signal
            // handler ran on this thread: a process-wide signal may land on any thread, and a timed
            // FUTEX_WAIT is never restarted): re-check, and sleep again for what is left.
        }
    }

    /// Shuts down: every later wait returns `.closed` at once and a sleeper is woken.
    public func close() {
        vw_store_release_u32(closedFlag, 1)
        _ = vw_fetch_add_u32(sequence, 1)
        vw_fence_seq_cst()
        _ = vw_futex_wake(sequence, Int32.max)
        counters[32] &+= 1
    }

    /// Alias of `close()`.
    public func cancel() { close() }
}

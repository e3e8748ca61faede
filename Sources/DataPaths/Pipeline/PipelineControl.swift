// Shared state of one run: phase (warm-up, measuring, stopping), the first fatal error a
// thread met, and progress counters the watchdog reads.
import CVWiFiShim
import Measurement
import Synchronization

package final class PipelineControl: Sendable {
    package init() {}
    package enum Phase: Int { case warmup = 0, measuring = 1, stopping = 2 }

    // Read by every thread on every loop iteration; written a handful of times per run.
    private let phaseValue = Atomic<Int>(Phase.warmup.rawValue)
    private let measuringSinceTSC = Atomic<UInt64>(0)
    /// Test seam: the `holdID` of a thread account parked at its next `follow` (0: none). Read
    /// by every thread on every loop iteration, written only by tests: it shares the phase's
    /// read-mostly line.
    private let heldAccount = Atomic<Int>(0)
    private let failure = Mutex<String?>(nil)
    // `progress` is bumped per completion: on the phase's line it would cost every other thread
    // a cache miss per loop iteration (measured by `vwifi-bench bench`).
    private let phaseLineEnd = CacheLinePadding()
    /// Bumped by whichever thread makes progress; the watchdog only compares values.
    package let progress = Atomic<Int>(0)
    private let progressLineEnd = CacheLinePadding()
    // Written once, read after the threads were joined: off both hot lines.
    private let processAtStartValue = Mutex<ThreadUsage?>(nil)

    package var phase: Phase { Phase(rawValue: phaseValue.load(ordering: .acquiring))! }
    package var isStopping: Bool { phaseValue.load(ordering: .relaxed) == Phase.stopping.rawValue }
    package var isMeasuring: Bool { phaseValue.load(ordering: .relaxed) >= Phase.measuring.rawValue }

    /// Ends the warm-up (first caller wins) and remembers when, for the wall-time denominator,
    /// and the process's CPU then, for the check that the accounts add up to it.
    package func startMeasuring() {
        guard phaseValue.load(ordering: .relaxed) == Phase.warmup.rawValue else { return }
        // Sampled before the flip, so every account's region starts inside the process's window.
        let process = ThreadUsage.process()
        if phaseValue.compareExchange(expected: Phase.warmup.rawValue, desired: Phase.measuring.rawValue,
                                      ordering: .acquiringAndReleasing).exchanged {
            processAtStartValue.withLock { $0 = process }
            measuringSinceTSC.store(vw_rdtsc(), ordering: .releasing)
        }
    }

    /// The process's CPU when the warm-up ended (nil before, or when getrusage failed).
    package var processAtStart: ThreadUsage? { processAtStartValue.withLock { $0 } }

    /// TSC at the end of warm-up (0 if the run never left it).
    package var measuringSince: UInt64 { measuringSinceTSC.load(ordering: .acquiring) }

    package func stop() { phaseValue.store(Phase.stopping.rawValue, ordering: .releasing) }

    /// Records the first fatal error (later ones are consequences) and stops the run.
    package func fail(_ message: String) {
        failure.withLock { if $0 == nil { $0 = message } }
        stop()
    }

    package var failureMessage: String? { failure.withLock { $0 } }

    /// Test seam: parks the thread owning `account` at its next loop iteration (the watchdog
    /// test's stalled stage) until `release()` or the run stops.
    package func hold(_ account: ThreadAccount) {
        precondition(account.holdID != 0, "only an account the pipeline numbered can be held")
        heldAccount.store(account.holdID, ordering: .releasing)
    }
    package func release() { heldAccount.store(0, ordering: .releasing) }
    @inline(__always) package var holdsAThread: Bool { heldAccount.load(ordering: .relaxed) != 0 }

    /// Called by `account`'s own thread when some thread is held: sleeps while it is this one.
    /// An account without a number (0: one on another account's thread, such as a system call's
    /// handler) is never held: `release()` stores 0, which must not park it.
    package func waitWhileHeld(_ account: ThreadAccount) {
        let id = account.holdID
        guard id != 0 else { return }
        while heldAccount.load(ordering: .acquiring) == id && !isStopping {
            _ = vw_sleep_until_ns(vw_monotonic_ns() + 1_000_000)
        }
    }

    @inline(__always) package func bump() { progress.add(1, ordering: .relaxed) }
}

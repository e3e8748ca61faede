// Run-wide counts that the controller reads while the pipeline runs (to know when it is done
// and to feed the watchdog). Relaxed atomics: each is bumped by one thread, read by another.
import Synchronization

final class Tally: Sendable {
    /// Packets the sender handed to the path (app send() or guest driver enqueue).
    let sent = Atomic<Int>(0)
    /// TX completions the sender's driver has reclaimed.
    let txReclaimed = Atomic<Int>(0)
    /// Frames received and verified by the receiving application or guest.
    let rxDelivered = Atomic<Int>(0)
    /// Frames lost on the way, for any counted reason.
    let dropped = Atomic<Int>(0)
    /// The sender has nothing more to send.
    let senderDone = Atomic<Bool>(false)
    /// Echo replies received.
    let echoes = Atomic<Int>(0)

    @inline(__always) func add(_ a: borrowing Atomic<Int>, _ n: Int = 1) { a.add(n, ordering: .relaxed) }
}

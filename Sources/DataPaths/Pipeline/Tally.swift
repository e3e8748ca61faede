// Run-wide counts that the controller reads while the pipeline runs (to know when it is done
// and to feed the watchdog). Relaxed atomics: each is bumped by one thread, read by another.
import Synchronization

package final class Tally: Sendable {
    package init() {}
    // Each per-packet counter on its own cache line: on the native path the application bumps
    // `sent` while the host driver bumps `txReclaimed`, and sharing a line made every packet a
    // cross-core invalidation (false sharing, measured by `vwifi-bench bench`).
    private let leading = CacheLinePadding()
    /// Packets the sender handed to the path (app send() or guest driver enqueue).
    package let sent = Atomic<Int>(0)
    /// The sender has nothing more to send (written once, read by the sender's loop).
    package let senderDone = Atomic<Bool>(false)
    /// Guests that finished sending (several VMs share one pipeline; the last sets `senderDone`).
    package let sendersFinished = Atomic<Int>(0)
    /// The receiver has posted its buffers and listens (written once by the receiving app or
    /// guest, read by the device thread): the access point's RX stream starts then, as a sender
    /// starts once its peer is up, and no frame waits in a queue for a receiver still starting.
    package let receiverReady = Atomic<Bool>(false)
    private let afterSent = CacheLinePadding()
    /// TX completions the sender's driver has reclaimed.
    package let txReclaimed = Atomic<Int>(0)
    private let afterReclaimed = CacheLinePadding()
    /// Frames received and verified by the receiving application or guest.
    package let rxDelivered = Atomic<Int>(0)
    /// Echo replies received.
    package let echoes = Atomic<Int>(0)
    /// A real program's run: the peer's packets the access point took off its wire (each ends
    /// delivered to the station's kernel, `rxDelivered`, or dropped).
    package let peerTaken = Atomic<Int>(0)
    private let afterDelivered = CacheLinePadding()
    /// Frames lost on the way, for any counted reason.
    package let dropped = Atomic<Int>(0)
    private let trailing = CacheLinePadding()

    @inline(__always) package func add(_ a: borrowing Atomic<Int>, _ n: Int = 1) { a.add(n, ordering: .relaxed) }
}

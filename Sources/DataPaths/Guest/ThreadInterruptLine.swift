// Interrupts. A physical interrupt is an eventfd (as an MSI becomes an irqfd in KVM) plus an
// interrupt-cause register holding the sequence number of the completion that raised it, so the
// handler's stamp joins the device's. A virtual interrupt line into a thread-trap guest is a
// pending count the guest consumes between "instructions", plus a futex wake if it is halted.
import Platform
import Synchronization
final class ThreadInterruptLine: VirtualInterruptSink, @unchecked Sendable {
    // SAFETY: `notifier` is designed for one waiter (the guest thread) and any signaller.
    private let pendingCount = Atomic<UInt32>(0)
    private let causeSeq = Atomic<UInt32>(0)
    let notifier = Notifier()
    private let injections = Atomic<Int>(0)

    package func inject(seq: UInt32) {
        causeSeq.store(seq, ordering: .releasing)
        pendingCount.add(1, ordering: .releasing)
        injections.add(1, ordering: .relaxed)
        _ = notifier.signal()
    }

    /// Guest side: takes every pending interrupt at once (they coalesce like a level line).
    /// Returns the cause of the latest one, or nil when none is pending.
    @inline(__always) func take() -> UInt32? {
        guard pendingCount.load(ordering: .relaxed) != 0 else { return nil }
        _ = pendingCount.exchange(0, ordering: .acquiring)
        return causeSeq.load(ordering: .acquiring)
    }

    var injected: Int { injections.load(ordering: .relaxed) }

    func close() { notifier.close() }
}

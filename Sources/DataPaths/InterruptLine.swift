// Interrupts. A physical interrupt is an eventfd (as an MSI becomes an irqfd in KVM) plus an
// interrupt-cause register holding the sequence number of the completion that raised it, so the
// handler's stamp joins the device's. A virtual interrupt line into a thread-trap guest is a
// pending count the guest consumes between "instructions", plus a futex wake if it is halted.
import Platform
import Synchronization

final class PhysicalInterrupt: Sendable {
    let channel: EventChannel
    private let causeSeq = Atomic<UInt32>(0)

    init() throws { channel = try EventChannel() }

    /// Device side: latch the cause, then signal (one write(2) on the eventfd).
    func raise(seq: UInt32) {
        causeSeq.store(seq, ordering: .releasing)
        channel.signal(1)
    }

    /// The sequence number latched by the most recent raise.
    var cause: UInt32 { causeSeq.load(ordering: .acquiring) }

    func close() { channel.close() }
}

/// How a virtual interrupt reaches the guest: the thread-trap guest's line, or (issue 5) a
/// KVM vCPU. Injection must be callable from any host thread.
protocol VirtualInterruptSink: AnyObject, Sendable {
    func inject(seq: UInt32)
}

final class GuestInterruptLine: VirtualInterruptSink, @unchecked Sendable {
    // Sound: `notifier` is designed for one waiter (the guest thread) and any signaller.
    private let pendingCount = Atomic<UInt32>(0)
    private let causeSeq = Atomic<UInt32>(0)
    let notifier = Notifier()
    private let injections = Atomic<Int>(0)

    func inject(seq: UInt32) {
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

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

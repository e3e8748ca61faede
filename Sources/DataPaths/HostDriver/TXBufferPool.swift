// The native host driver's TX DMA buffers. The transmit routine (the sender's thread, where the
// kernel calls it) takes free buffers; the interrupt handler (the host driver's thread) gives
// them back when their completion arrives, as a real driver reclaims in its IRQ handler. The
// hand-back is a single-producer/single-consumer ring of buffer IDs: no lock, no allocation.
import Measurement
import Platform

final class TXBufferPool: @unchecked Sendable {
    // SAFETY: `free` has one producer (the interrupt handler: giveBack, signal) and one consumer
    // (the transmit routine: take, keep); the buffers themselves are owned by whoever holds the ID.
    static let bufferBytes = 4096
    let count: Int
    private let memory: UnsafeMutableRawPointer
    private let free: DescriptorRing
    /// Signalled after a reclaim, for a sender that found no free buffer (the stopped-queue wake-up
    /// a real stack issues from its TX-completion handler).
    let room = Notifier()
    /// A buffer the transmit routine took and did not use (the TUN queue was empty).
    private var kept: Int = -1

    init(count: Int) {
        self.count = count
        // SAFETY: ownership: the TX DMA buffers (count x 4 KiB), zeroed before use; freed once in deinit, after the pipeline's threads were joined.
        memory = .allocate(byteCount: count * Self.bufferBytes, alignment: 4096)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: count * Self.bufferBytes)
        free = DescriptorRing(capacity: count)
        for i in 0..<count { giveBack(UInt16(i), publish: false) }
        free.publish()
    }

    // SAFETY: ownership: allocated once in init; the app and device threads were joined before this object goes.
    deinit { memory.deallocate() }

    @inline(__always) func address(_ id: UInt16) -> UnsafeMutableRawPointer { memory + Int(id) * Self.bufferBytes }

    /// A free buffer is ready for the transmit routine (its thread only).
    var hasFree: Bool { kept >= 0 || !free.isEmpty }

    /// A free buffer's ID, or nil (the transmit routine's thread only).
    @inline(__always) func take() -> UInt16? {
        if kept >= 0 {
            defer { kept = -1 }
            return UInt16(kept)
        }
        var d = Descriptor()
        return free.tryPop(into: &d) ? d.bufferID : nil
    }

    /// Returns a buffer taken and not used, for the next `take` (the transmit routine's thread only).
    @inline(__always) func keep(_ id: UInt16) { kept = Int(id) }

    /// Hands a reclaimed buffer back (the interrupt handler only). Never full: at most `count`
    /// IDs exist.
    @inline(__always) func giveBack(_ id: UInt16, publish: Bool = true) {
        var d = Descriptor()
        d.bufferID = id
        _ = publish ? free.push(d) : free.tryPush(d)
    }

    /// Free buffers the interrupt handler published and the transmit routine has not taken (any
    /// thread; the watchdog asks).
    var published: Int { free.count }
}

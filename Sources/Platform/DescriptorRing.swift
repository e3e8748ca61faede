import CVWiFiShim

/// Single-producer single-consumer ring of `Descriptor`s whose header and slots live in memory
/// given to it (so a ring can sit in guest RAM), with batched publication.
///
/// Memory layout (`bytesNeeded(capacity:)` bytes, 64-byte aligned):
///   0    producer index (UInt32, free-running), alone on its 128-byte line pair
///   128  consumer index (UInt32, free-running)
///   256  capacity x 32-byte slots
/// Each side keeps private copies of its own index and a cached view of the other side's index
/// in a separate block, on separate cache lines, so a push or pop touches the shared header only
/// when the cached view says the ring is full or empty.
///
/// Several ring objects may view the same memory (one per side): `init(memory:capacity:)`
/// starts from the indices found there, so zeroed memory is an empty ring. A ring over given
/// memory does not retain it: keep the `GuestMemory` (or allocation) alive as long as the ring.
public final class DescriptorRing: @unchecked Sendable {
    // SAFETY: one thread produces and one consumes; the header words are accessed only with
    // acquire loads and release stores, which order the slot accesses around them.
    public static let headerBytes = 256
    public static let slotBytes = 32
    /// Byte offsets of the shared producer and consumer index words (the layout above).
    public static let producerIndexOffset = 0
    public static let consumerIndexOffset = 128

    public let capacity: Int
    public let memory: UnsafeMutableRawPointer
    private let mask: UInt32
    private let producerIndex: UnsafeMutablePointer<UInt32>
    private let consumerIndex: UnsafeMutablePointer<UInt32>
    private let slots: UnsafeMutableRawPointer
    // Private per-side state: [0] producer's next index, [1] producer's cached consumer index
    // (first cache line); [16] consumer's next index, [17] consumer's cached producer index,
    // [18] producer indices the consumer refused as out of range.
    private let local: UnsafeMutablePointer<UInt32>
    private let ownsMemory: Bool

    /// The capacity a ring actually gets: `requested` rounded up to a power of two in 2...2^24.
    public static func normalizedCapacity(_ requested: Int) -> Int {
        var c = 2
        while c < requested && c < 1 << 24 { c <<= 1 }
        return c
    }

    /// Bytes of memory a ring of `capacity` (normalized) needs: header plus slots.
    public static func bytesNeeded(capacity: Int) -> Int {
        headerBytes + normalizedCapacity(capacity) * slotBytes
    }

    /// A ring over caller-provided memory of at least `bytesNeeded(capacity:)` bytes, 8-byte
    /// aligned (64 recommended; a misaligned pointer is a programming error and traps).
    /// `capacity` is rounded up to a power of two (see `normalizedCapacity`).
    public convenience init(memory: UnsafeMutableRawPointer, capacity: Int) {
        // SAFETY: the caller provides >= bytesNeeded(capacity:) bytes and keeps them alive (see above).
        precondition(Int(bitPattern: memory) % 8 == 0, "DescriptorRing memory must be 8-byte aligned")
        self.init(memory: memory, normalizedCapacity: DescriptorRing.normalizedCapacity(capacity), ownsMemory: false)
    }

    /// A ring that allocates its own zeroed, 128-byte aligned memory; `capacity` is rounded up
    /// to a power of two.
    public convenience init(capacity: Int) {
        let capacity = DescriptorRing.normalizedCapacity(capacity)
        let bytes = DescriptorRing.bytesNeeded(capacity: capacity)
        // SAFETY: owned by this ring (`ownsMemory`), freed once in deinit.
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 128)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        self.init(memory: memory, normalizedCapacity: capacity, ownsMemory: true)
    }

    /// Both sides' private state starts from the indices found in the header (zero in fresh memory).
    private init(memory: UnsafeMutableRawPointer, normalizedCapacity capacity: Int, ownsMemory: Bool) {
        self.capacity = capacity
        self.memory = memory
        self.ownsMemory = ownsMemory
        mask = UInt32(capacity - 1)
        // SAFETY: `memory` is 8-byte aligned with >= headerBytes bytes; the two header words are UInt32
        // and are only touched through the vw_*_u32 atomics.
        producerIndex = memory.assumingMemoryBound(to: UInt32.self)
        consumerIndex = (memory + DescriptorRing.consumerIndexOffset).assumingMemoryBound(to: UInt32.self)
        slots = memory + DescriptorRing.headerBytes
        local = DescriptorRing.makeLocal()
        let produced = vw_load_acquire_u32(producerIndex)
        let consumed = vw_load_acquire_u32(consumerIndex)
        local[0] = produced
        local[1] = consumed
        local[16] = consumed
        local[17] = produced
    }

    private static func makeLocal() -> UnsafeMutablePointer<UInt32> {
        // SAFETY: owned by the ring, freed once in deinit; 128 bytes hold the 32 UInt32 words bound here.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: 128)
        return raw.bindMemory(to: UInt32.self, capacity: 32)
    }

    deinit {
        // SAFETY: frees the block from makeLocal() and, when owned, the block from init(capacity:); nothing
        // else frees them, and no other ring object views owned memory.
        UnsafeMutableRawPointer(local).deallocate()
        if ownsMemory { memory.deallocate() }
    }

    // MARK: producer side

    /// Writes `d` into the next slot without publishing it; false when the ring is full
    /// (counting written but unpublished slots).
    @inline(__always)
    public func tryPush(_ d: Descriptor) -> Bool {
        let next = local[0]
        if next &- local[1] >= UInt32(capacity) {
            local[1] = vw_load_acquire_u32(consumerIndex)
            if next &- local[1] >= UInt32(capacity) { return false }
        }
        // SAFETY: the slot index is masked into [0, capacity) and the consumer cannot read it
        // until the release store in `publish()` makes it visible.
        slotAddress(next).storeBytes(of: d, as: Descriptor.self)
        local[0] = next &+ 1
        return true
    }

    /// Makes every slot written by `tryPush` visible to the consumer (one release store).
    @inline(__always)
    public func publish() {
        vw_store_release_u32(producerIndex, local[0])
    }

    /// `tryPush` then `publish`.
    @inline(__always)
    @discardableResult
    public func push(_ d: Descriptor) -> Bool {
        guard tryPush(d) else { return false }
        publish()
        return true
    }

    /// The producer's next index (free-running): after `publish()`, the tail a driver writes to
    /// a device's doorbell register. Producer side only.
    public var producerPosition: UInt32 { local[0] }

    /// Slots written but not yet published.
    public var unpublished: Int { Int(local[0] &- vw_load_relaxed_u32(producerIndex)) }

    /// Free slots as the producer sees them (exact for the producer, may lag for others).
    public var freeSlots: Int {
        capacity - Int(local[0] &- vw_load_acquire_u32(consumerIndex))
    }

    /// No room for another `tryPush` (producer's view).
    public var isFull: Bool { freeSlots == 0 }

    // MARK: consumer side

    /// Pops the next published descriptor into `d` and releases its slot to the producer.
    @inline(__always)
    public func tryPop(into d: inout Descriptor) -> Bool {
        guard tryPopDeferringRelease(into: &d) else { return false }
        releaseConsumed()
        return true
    }

    /// Pops without handing the slot back; call `releaseConsumed()` once per batch.
    @inline(__always)
    public func tryPopDeferringRelease(into d: inout Descriptor) -> Bool {
        let next = local[16]
        if next == local[17] {
            let produced = vw_load_acquire_u32(producerIndex)
            // An honest producer is never more than a ring ahead (nor behind): an index that is
            // (a hostile guest wrote it into its own RAM) is refused and counted, and nothing
            // beyond what was validly published is read. The slot index stays masked anyway.
            if produced &- next > UInt32(capacity) {
                local[18] &+= 1
                return false
            }
            local[17] = produced
            if next == local[17] { return false }
        }
        // SAFETY: the acquire load of the producer index above ordered this read after the
        // producer's slot write; the slot stays ours until the consumer index is released.
        d = slotAddress(next).load(as: Descriptor.self)
        local[16] = next &+ 1
        return true
    }

    /// Times the consumer found a producer index more than `capacity` ahead of its own (or
    /// behind it) and refused it: only a broken or hostile producer writes one.
    public var rejectedProducerIndices: Int { Int(local[18]) }

    /// Hands every popped slot back to the producer (one release store).
    @inline(__always)
    public func releaseConsumed() {
        vw_store_release_u32(consumerIndex, local[16])
    }

    /// Pops one descriptor (Optional convenience over `tryPop(into:)`).
    @inline(__always)
    public func tryPop() -> Descriptor? {
        var d = Descriptor.zero
        return tryPop(into: &d) ? d : nil
    }

    /// Published and not yet released descriptors (read from the shared header).
    public var count: Int {
        let consumed = vw_load_acquire_u32(consumerIndex)
        let produced = vw_load_acquire_u32(producerIndex)
        return Int(produced &- consumed)
    }

    /// Nothing published is waiting (consumer's view of the shared header).
    public var isEmpty: Bool { count == 0 }

    // MARK: shared header, for any thread

    /// The producer index as last published (acquire load of the header word at offset 0): for
    /// readers on other threads, which must not touch either side's private state.
    public var sharedProducerIndex: UInt32 { vw_load_acquire_u32(producerIndex) }

    /// The consumer index as last released (acquire load of the header word at offset 128).
    public var sharedConsumerIndex: UInt32 { vw_load_acquire_u32(consumerIndex) }

    /// Address of the slot that free-running `index` maps to (masked into the ring).
    @inline(__always)
    public func slotAddress(_ index: UInt32) -> UnsafeMutableRawPointer {
        // SAFETY: bounds: `index & mask` < capacity, so the slot lies inside the caller's bytesNeeded bytes.
        slots + Int(index & mask) &* DescriptorRing.slotBytes
    }
}

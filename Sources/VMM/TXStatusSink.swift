// The KVM guest program's TX completion format, written by whoever completes its descriptors:
// the device model (vwifi) or the assigned device itself (passthrough).
import CVWiFiShim
import Platform

/// The KVM guest program's completion protocol: the device writes the status word of the TX
/// descriptor (1 = done; anything else is counted by the guest as a bad status, used here for
/// drops), then publishes a free-running u32 completion index: every descriptor below it is done.
/// Completions may come back out of order (a descriptor the device model rejects completes at
/// once); the index only passes a descriptor once it and all before it are done.
/// Received frames go to the VM's completion ring as rxFrame descriptors (Guest/mailbox.h):
/// the ring format a physical device's DMA engine writes too.
package final class TXStatusSink: GuestCompletionSink {
    // SAFETY: used only by the completing thread (device model or device); the guest reads the
    // status words after the release store of the index that covers them.
    private let slots: UnsafeMutableRawPointer
    private let mask: UInt32
    private let index: UnsafeMutableRawPointer
    /// done[seq & mask] == seq + 1 once seq completed (host-private; the guest rewrites its
    /// descriptors, so their status words cannot say which packet they belong to).
    private let done: UnsafeMutablePointer<UInt32>
    private var next: UInt32 = 0
    private let rxCompletions: DescriptorRing?
    /// The VM's first frame seq: descriptor seq - seqBase is the guest's packet number.
    private let seqBase: UInt32
    /// Status written for a dropped frame: high bit set, the drop reason below.
    static package let droppedStatus: UInt16 = 0x8000

    /// `ring` is the guest's TX ring (Platform.DescriptorRing layout), `indexGPA` its u32
    /// completion index.
    package init(ring: DescriptorRing, memory: GuestMemory, indexGPA: UInt64, rxCompletions: DescriptorRing? = nil,
                 seqBase: UInt32 = 0) throws(VMMError) {
        guard let index = memory.hostAddress(gpa: indexGPA, length: 4) else {
            throw .config("completionIndex", "GPA \(indexGPA) is outside guest memory")
        }
        slots = ring.slotAddress(0)
        mask = UInt32(ring.capacity - 1)
        self.index = index
        self.rxCompletions = rxCompletions
        self.seqBase = seqBase
        // SAFETY: host-private, one word per ring slot (indexed `& mask`); owned here, freed once in deinit.
        done = .allocate(capacity: ring.capacity)
        done.initialize(repeating: 0, count: ring.capacity)
    }

    deinit { done.deallocate() }

    package func post(_ completion: Descriptor) -> Bool {
        if completion.kind == DescriptorKind.rxFrame.rawValue { return rxCompletions?.push(completion) ?? false }
        guard completion.kind == DescriptorKind.txStatus.rawValue else { return false }
        let seq = completion.seq &- seqBase
        let status = completion.flags & DescriptorFlag.dropped != 0
            ? Self.droppedStatus | completion.status : TXDescriptorLayout.statusDone
        // SAFETY: the slot index is masked into the ring; the guest does not reuse the slot before
        // it reclaimed this packet, which needs the index store below.
        (slots + Int(seq & mask) * DescriptorRing.slotBytes)
            .storeBytes(of: status, toByteOffset: Int(TXDescriptorLayout.status), as: UInt16.self)
        done[Int(seq & mask)] = seq &+ 1
        let before = next
        while done[Int(next & mask)] == next &+ 1 { next &+= 1 }
        // SAFETY: `index` is the 4-byte, 64-aligned completion word in live guest RAM (checked in init);
        // the release store orders the status stores above before it for the guest.
        if next != before { vw_store_release_u32(index.assumingMemoryBound(to: UInt32.self), next) }
        return true
    }

    /// TX completions land in the TX descriptors themselves (one slot per descriptor, never
    /// full); received frames need a free slot of the completion ring.
    package var freeSlots: Int { rxCompletions?.freeSlots ?? Int.max }

    /// Packets whose completion the guest may reclaim.
    package var completed: UInt32 { next }
}

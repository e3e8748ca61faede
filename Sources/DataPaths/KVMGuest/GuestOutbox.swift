// The guest stack's receive queue as the host reads it: slots in guest RAM that the guest ISR
// fills (Guest/mailbox.h, MB_OUTBOX...) and the host takes in order. Every word there is guest
// input. The slot the host reads is its own count mod the slot count, so no guest word ever picks
// an address; the guest's count of filled slots is believed only up to the slots there are, and
// each length only up to a slot's room.
import CVWiFiShim
import Platform
import VMM

package struct GuestOutbox {
    // SAFETY: an address range in guest RAM (checked at init) and the host's own count; used by
    // one thread (the vCPU thread, between exits, while the guest does not run).
    package let ram: GuestRAM
    package let mailbox: UInt64
    package let gpa: UInt64
    package let slots: Int
    package let host: UnsafeMutableRawPointer
    /// Slots taken so far (the host's count; the guest reads it as MB_OUTBOX_CONSUMED).
    package private(set) var consumed = 0

    /// The IP packet room of one slot.
    package static let room = Int(GuestMailbox.outboxSlotBytes - GuestMailbox.outboxPacket)

    /// One slot as taken: a packet (`length` bytes at `ip`, inside the slot), or a length no
    /// packet can have.
    package enum Entry {
        case packet(ip: UnsafeRawPointer, length: Int, seq: UInt32)
        case malformed(length: Int)
    }

    package enum Outcome: Equatable {
        case taken(Int)
        /// The guest counts more filled slots than there are (nothing was taken).
        case overclaimed(produced: UInt64)
    }

    /// `slots` (a power of two) slots at `gpa`; nil when they are not guest RAM.
    package init?(ram: GuestRAM, mailbox: UInt64, gpa: UInt64, slots: Int) {
        guard slots > 0, slots & (slots - 1) == 0,
              let host = ram.pointer(gpa, length: UInt64(slots) * GuestMailbox.outboxSlotBytes) else { return nil }
        self.ram = ram
        self.mailbox = mailbox
        self.gpa = gpa
        self.slots = slots
        self.host = host
    }

    /// Takes every slot the guest filled since the last call, in order, handing each to `body`
    /// (false from it stops at that slot, which stays taken); then tells the guest.
    package mutating func take(_ body: (Entry) -> Bool) -> Outcome {
        let produced = ram.loadU64(mailbox + GuestMailbox.outboxProduced)
        let pending = produced &- UInt64(consumed)
        guard pending <= UInt64(slots) else { return .overclaimed(produced: produced) }
        var taken = 0
        while taken < Int(pending) {
            let offset = UInt64((consumed & (slots - 1))) * GuestMailbox.outboxSlotBytes
            consumed += 1
            taken += 1
            let length = Int(ram.loadU32(gpa + offset + GuestMailbox.outboxLength))
            let entry: Entry
            if length >= FrameFormat.minimumCarriedIPv4 && length <= Self.room {
                // SAFETY: bounds: offset + outboxPacket + length <= offset + outboxSlotBytes, inside
                // the slots checked at init.
                entry = .packet(ip: UnsafeRawPointer(host + Int(offset + GuestMailbox.outboxPacket)), length: length,
                                seq: ram.loadU32(gpa + offset + GuestMailbox.outboxSeq))
            } else {
                entry = .malformed(length: length)
            }
            if !body(entry) { break }
        }
        if taken > 0 { ram.storeU64(mailbox + GuestMailbox.outboxConsumed, UInt64(consumed)) }
        return .taken(taken)
    }
}

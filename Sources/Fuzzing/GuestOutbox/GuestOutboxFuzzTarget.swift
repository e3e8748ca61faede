// Fuzz target for the guest stack's receive queue (GuestOutbox), the host's reader of what a KVM
// guest's ISR puts there for a real program: runs one `GuestOutboxFuzzProgram` against a
// GuestOutbox over plain memory standing for guest RAM (the mailbox page, then the slots) and
// checks every drain:
//   - a guest count of more filled slots than there are is refused whole (nothing taken, the
//     host's count unchanged); otherwise exactly the slots between the two counts are taken, in
//     order, and the host's count is written back to the mailbox;
//   - every packet handed on lies inside the slot the host's own count names, behind its header,
//     with the length the slot says, between an IPv4 header and the slot's room; any other length
//     is reported malformed, never read.
import DataPaths
import Platform
import VMM

public enum GuestOutboxFuzzTarget {
    static let slots = 8
    static let mailboxBytes = 4096
    static let consumedOffset = Int(GuestMailbox.outboxConsumed)

    /// What one input did (tests use this to show a seed does what its name says).
    public struct Report: Sendable {
        public var violations: [String] = []
        public var packets = 0
        public var malformed = 0
        public var overclaims = 0
    }

    public static func check(_ input: UnsafeRawBufferPointer) -> [String] { report(input).violations }

    public static func report(_ input: [UInt8]) -> Report { input.withUnsafeBytes { report($0) } }

    public static func report(_ input: UnsafeRawBufferPointer) -> Report {
        let slotBytes = Int(GuestMailbox.outboxSlotBytes)
        let size = mailboxBytes + slots * slotBytes
        // SAFETY: owned here, freed on return; the outbox and the ops below stay inside `size`.
        let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        let ram = GuestRAM(base: memory, size: UInt64(size))
        var report = Report()
        guard var outbox = GuestOutbox(ram: ram, mailbox: 0, gpa: UInt64(mailboxBytes), slots: slots) else {
            report.violations.append("set-up failed: the outbox does not fit its memory")
            return report
        }
        var reader = FuzzByteReader(input)
        while !reader.isAtEnd && report.violations.isEmpty {
            switch GuestOutboxFuzzProgram.Op(rawValue: reader.u8() % UInt8(GuestOutboxFuzzProgram.Op.allCases.count))! {
            case .produced:
                ram.storeU64(GuestMailbox.outboxProduced, reader.read(UInt64.self))
            case .fill:
                let slot = UInt64(reader.u8()) % UInt64(slots)
                let base = UInt64(mailboxBytes) + slot * GuestMailbox.outboxSlotBytes
                ram.storeU32(base + GuestMailbox.outboxLength, reader.read(UInt32.self))
                ram.storeU32(base + GuestMailbox.outboxSeq, reader.read(UInt32.self))
                let n = min(Int(reader.read(UInt16.self)), GuestOutbox.room)
                // SAFETY: bounds: base + outboxPacket + n <= the slot's end (n <= room), inside `size`.
                for i in 0..<n { memory.storeBytes(of: reader.u8(), toByteOffset: Int(base + GuestMailbox.outboxPacket) + i, as: UInt8.self) }
            case .mailboxWord:
                let offset = UInt64(reader.read(UInt16.self)) % UInt64(mailboxBytes / 8) * 8
                ram.storeU64(offset, reader.read(UInt64.self))
            case .scribble:
                let offset = Int(reader.read(UInt16.self)) % (slots * slotBytes)
                let n = Int(reader.u8())
                // SAFETY: bounds: the offset is taken mod the slots' bytes, after the mailbox page.
                for i in 0..<n { memory.storeBytes(of: reader.u8(), toByteOffset: mailboxBytes + (offset + i) % (slots * slotBytes), as: UInt8.self) }
            case .take:
                drain(&outbox, ram: ram, memory: memory, report: &report)
            }
        }
        drain(&outbox, ram: ram, memory: memory, report: &report)
        return report
    }

    private static func drain(_ outbox: inout GuestOutbox, ram: GuestRAM, memory: UnsafeMutableRawPointer, report: inout Report) {
        let slotBytes = Int(GuestMailbox.outboxSlotBytes)
        let before = outbox.consumed
        let produced = ram.loadU64(GuestMailbox.outboxProduced)
        let pending = produced &- UInt64(before)
        var k = 0
        var problems: [String] = []
        let outcome = outbox.take { entry in
            let slot = (before + k) & (slots - 1)
            let slotBase = UInt64(mailboxBytes + slot * slotBytes)
            let said = Int(ram.loadU32(slotBase + GuestMailbox.outboxLength))
            k += 1
            switch entry {
            case .packet(let ip, let length, let seq):
                report.packets += 1
                if ip != UnsafeRawPointer(memory + Int(slotBase + GuestMailbox.outboxPacket)) {
                    problems.append("packet \(k) handed on from \(ip), not from slot \(slot)'s packet")
                }
                if length != said || length < FrameFormat.minimumCarriedIPv4 || length > GuestOutbox.room {
                    problems.append("packet \(k): length \(length) (the slot says \(said); room \(GuestOutbox.room))")
                }
                if seq != ram.loadU32(slotBase + GuestMailbox.outboxSeq) { problems.append("packet \(k): seq \(seq) is not the slot's") }
            case .malformed(let length):
                report.malformed += 1
                if length != said || (length >= FrameFormat.minimumCarriedIPv4 && length <= GuestOutbox.room) {
                    problems.append("slot \(slot): length \(length) called malformed (the slot says \(said))")
                }
            }
            return true
        }
        report.violations += problems
        switch outcome {
        case .overclaimed(let claimed):
            report.overclaims += 1
            if pending <= UInt64(slots) { report.violations.append("a count of \(pending) pending slots (of \(slots)) refused as an overclaim") }
            if claimed != produced { report.violations.append("the overclaim names \(claimed), the guest wrote \(produced)") }
            if outbox.consumed != before { report.violations.append("an overclaim moved the host's count from \(before) to \(outbox.consumed)") }
            if k != 0 { report.violations.append("an overclaim handed on \(k) slots") }
        case .taken(let n):
            if pending > UInt64(slots) { report.violations.append("\(pending) pending slots (of \(slots)) were believed") }
            if UInt64(n) != pending || n != k { report.violations.append("took \(n) slots (handed on \(k)) of \(pending) pending") }
            if outbox.consumed != before + n { report.violations.append("the host's count went from \(before) to \(outbox.consumed) after taking \(n)") }
            if n > 0 && ram.loadU64(GuestMailbox.outboxConsumed) != UInt64(outbox.consumed) {
                report.violations.append("the mailbox's consumed count is not the host's \(outbox.consumed)")
            }
        }
    }
}

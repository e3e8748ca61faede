// Builds guest-outbox fuzz programs (the seed corpus is made with it; see `seeds`). A program is
// what a guest may do to the outbox between two of the host's drains: fill slots with any
// length, seq and bytes, set its count of filled slots to anything, scribble on the mailbox
// (the host's consumed count included) and on the slots; and when the host drains.
public struct GuestOutboxFuzzProgram: Sendable {
    public enum Op: UInt8, Sendable, CaseIterable {
        /// u64: the guest's count of filled slots.
        case produced = 0
        /// u8 slot, u32 length, u32 seq, u16 n, n bytes: one slot's words and packet bytes.
        case fill = 1
        /// The host drains.
        case take = 2
        /// u16 offset (within the mailbox page), u64 value: any mailbox word.
        case mailboxWord = 3
        /// u16 offset (within the slots), u8 n, n bytes: raw bytes over the slots.
        case scribble = 4
    }

    public private(set) var bytes: [UInt8] = []

    public init() {}

    mutating func op(_ op: Op) { bytes.append(op.rawValue) }
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }

    public mutating func produced(_ count: UInt64) { op(.produced); u64(count) }

    /// Slot `slot` holds an IPv4-looking packet of `length` bytes (`written` of them written).
    public mutating func fill(_ slot: UInt8, length: UInt32, seq: UInt32, written: Int? = nil) {
        op(.fill)
        u8(slot)
        u32(length)
        u32(seq)
        let n = min(written ?? Int(min(length, 2032)), 2032)
        u16(UInt16(n))
        for i in 0..<n { bytes.append(i == 0 ? 0x45 : UInt8(truncatingIfNeeded: i &* 31)) }
    }

    public mutating func take() { op(.take) }
    public mutating func mailboxWord(_ offset: UInt16, _ value: UInt64) { op(.mailboxWord); u16(offset); u64(value) }
    public mutating func scribble(_ offset: UInt16, _ data: [UInt8]) { op(.scribble); u16(offset); u8(UInt8(data.count)); bytes += data }

    /// The seed corpus: an honest guest (one packet, a full ring, wrapping around) and each way
    /// a hostile one can lie about the outbox.
    public static var seeds: [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        func add(_ name: String, _ body: (inout GuestOutboxFuzzProgram) -> Void) {
            var p = GuestOutboxFuzzProgram()
            body(&p)
            out.append((name, p.bytes))
        }
        let slots = UInt64(GuestOutboxFuzzTarget.slots)
        add("honest-one-packet") { p in p.fill(0, length: 60, seq: 7); p.produced(1); p.take() }
        add("honest-full-outbox") { p in
            for i in 0..<slots { p.fill(UInt8(i), length: 1500, seq: UInt32(i)) }
            p.produced(slots)
            p.take()
        }
        add("honest-wraps-around") { p in
            for round in 0..<3 as Range<UInt64> {
                for i in 0..<slots { p.fill(UInt8(i), length: UInt32(20 + i * 100), seq: UInt32(round * slots + i)) }
                p.produced((round + 1) * slots)
                p.take()
            }
        }
        add("overclaims-one-more-than-slots") { p in p.produced(slots + 1); p.take() }
        add("produced-below-consumed") { p in
            p.fill(0, length: 40, seq: 1)
            p.produced(1)
            p.take()
            p.produced(0)
            p.take()
        }
        add("produced-max") { p in p.produced(.max); p.take() }
        add("length-zero-and-max") { p in
            p.fill(0, length: 0, seq: 0, written: 0)
            p.fill(1, length: .max, seq: 0, written: 16)
            p.produced(2)
            p.take()
        }
        add("length-one-past-the-room") { p in p.fill(0, length: 2033, seq: 3, written: 2032); p.produced(1); p.take() }
        add("scribbles-host-consumed") { p in
            p.fill(0, length: 100, seq: 1)
            p.produced(1)
            p.mailboxWord(UInt16(GuestOutboxFuzzTarget.consumedOffset), .max)
            p.take()
            p.produced(2)
            p.take()
        }
        add("scribbles-slot-words") { p in
            p.produced(2)
            p.scribble(0, [0xFF, 0xFF, 0xFF, 0x7F, 0xEE, 0xEE, 0xEE, 0xEE])
            p.scribble(2048, [20, 0, 0, 0])
            p.take()
        }
        return out
    }
}

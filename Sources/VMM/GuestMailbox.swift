import Platform

/// Byte offsets of the mailbox page shared with the guest driver, and the other constants of
/// the guest ABI. They mirror the `#define` lines of Guest/mailbox.h (GuestImageTests checks).
public enum GuestMailbox {
    // Parameters, written by the host before the guest starts.
    public static let packetCount: UInt64 = 0x00
    public static let payloadLength: UInt64 = 0x08
    public static let txBufferBase: UInt64 = 0x10
    public static let txBufferStride: UInt64 = 0x18
    public static let txBufferCount: UInt64 = 0x20
    public static let txRing: UInt64 = 0x28
    public static let txRingCapacity: UInt64 = 0x30
    public static let completionIndex: UInt64 = 0x38
    public static let doorbell: UInt64 = 0x40
    public static let stampArea: UInt64 = 0x48
    public static let stampCapacity: UInt64 = 0x50
    public static let portBase: UInt64 = 0x58
    public static let vmID: UInt64 = 0x60
    /// Offset of the payload in each TX buffer (the host wrote the frame headers before it).
    public static let payloadOffset: UInt64 = 0x68
    /// TSC ticks between two packets' due times (0: saturate).
    public static let txInterval: UInt64 = 0x70
    /// What the driver runs (`GuestDriverMode`).
    public static let mode: UInt64 = 0x78
    /// RX free ring (the guest posts empty buffers; Platform.DescriptorRing layout) and its capacity.
    public static let rxRing: UInt64 = 0x80
    public static let rxRingCapacity: UInt64 = 0x88
    /// RX buffers: `rxBufferCount` of `rxBufferStride` bytes from `rxBufferBase` (GPA).
    public static let rxBufferBase: UInt64 = 0x90
    public static let rxBufferStride: UInt64 = 0x98
    public static let rxBufferCount: UInt64 = 0xa0
    /// Completion ring the device writes RX frames to (DescriptorRing layout) and its capacity.
    public static let completionRing: UInt64 = 0xa8
    public static let completionRingCapacity: UInt64 = 0xb0
    /// Bitmap of received seqs (host-zeroed) and its size in u64 words (a power of two).
    public static let rxSeen: UInt64 = 0xb8
    public static let rxSeenWords: UInt64 = 0xc0
    /// Frames with seq below this are not measured.
    public static let warmup: UInt64 = 0xc8
    /// Ping: u64 RTT (TSC cycles) per echo seq, `rttCapacity` entries.
    public static let rttArea: UInt64 = 0xd0
    public static let rttCapacity: UInt64 = 0xd8
    /// Idle: the trapping timer register's GPA (8-byte store of a TSC deadline) and the tick period in TSC ticks.
    public static let timer: UInt64 = 0xe0
    public static let timerPeriod: UInt64 = 0xe8
    /// This VM's first frame seq (one seq space per VM): frame seq = seqBase + packet number.
    public static let seqBase: UInt64 = 0xf0
    /// Ping: TSC ticks a request waits for its reply before the guest counts it lost.
    public static let pingTimeout: UInt64 = 0xf8
    // Driver state, written by the guest.
    public static let sent: UInt64 = 0x100
    public static let reclaimed: UInt64 = 0x108
    public static let isrCount: UInt64 = 0x110
    public static let waitCount: UInt64 = 0x118
    public static let badStatus: UInt64 = 0x120
    public static let polledISR: UInt64 = 0x128
    public static let hostISR: UInt64 = 0x130
    /// Written non-zero by the host to end the exit-cost spin phase.
    public static let spinRelease: UInt64 = 0x140
    /// Guest TSC when the driver started (packet seq is due at startTSC + seq * txInterval).
    public static let startTSC: UInt64 = 0x148
    /// Written by the guest before each OUT to the wait port: 0 waits for an interrupt only, a
    /// TSC value also ends the wait then.
    public static let waitDeadline: UInt64 = 0x150
    /// RX: intact fresh frames, failed frames, repeated seqs, measured frames and their payload bytes.
    public static let rxDelivered: UInt64 = 0x158
    public static let rxCorrupt: UInt64 = 0x160
    public static let rxDuplicate: UInt64 = 0x168
    public static let rxMeasured: UInt64 = 0x170
    public static let rxMeasuredBytes: UInt64 = 0x178
    /// Guest TSC at the first / last measured frame.
    public static let rxFirstTSC: UInt64 = 0x1c0
    public static let rxLastTSC: UInt64 = 0x1c8
    /// Echo replies received.
    public static let echoes: UInt64 = 0x1d0
    /// Idle: timer ticks the ISR took.
    public static let ticks: UInt64 = 0x1d8
    /// TX statuses found in the completion ring.
    public static let rxTXStatus: UInt64 = 0x1e0
    // Interrupt cause register (u32), written by the device model, cleared by the ISR.
    public static let irqPending: UInt64 = 0x180
    /// Cause bits: a device completion, a timer tick.
    public static let causeDevice: UInt32 = 1
    public static let causeTimer: UInt32 = 2
    /// Interrupt delivery the host selects (irqModePendingFlag or irqModeIRQChip), the irqchip
    /// mode's LAPIC-timer ticks per TSC tick (32.32) and its count of IDT-entered ISRs.
    public static let irqMode: UInt64 = 0x1e8
    public static let apicTicksPerTSC: UInt64 = 0x1f0
    public static let idtISR: UInt64 = 0x1f8
    /// Ping: requests whose reply did not come within `pingTimeout` (guest-written).
    public static let pingTimeouts: UInt64 = 0x200
    /// Carry (a real program's packets): the stack's per-buffer packet lengths (GPA of u32s) and
    /// the packets it put in TX buffers (host-written); the outbox (the stack's receive queue):
    /// its GPA, slot count and the slots the stack took (host-written), the slots the ISR filled,
    /// the packets it dropped with the outbox full, and the ISRs the stack's cause entered.
    public static let carryLengths: UInt64 = 0x208
    public static let carryProduced: UInt64 = 0x210
    public static let outbox: UInt64 = 0x218
    public static let outboxSlots: UInt64 = 0x220
    public static let outboxConsumed: UInt64 = 0x228
    public static let outboxProduced: UInt64 = 0x230
    public static let outboxFull: UInt64 = 0x238
    public static let stackWakes: UInt64 = 0x240
    /// Cause bit: the guest's network stack queued packets to send.
    public static let causeStack: UInt32 = 4
    /// An outbox slot: u32 packet length, u32 frame seq, the IP packet from `outboxPacket`.
    public static let outboxSlotBytes: UInt64 = 2048
    public static let outboxLength: UInt64 = 0
    public static let outboxSeq: UInt64 = 4
    public static let outboxPacket: UInt64 = 16
    public static let irqModePendingFlag: UInt64 = 0
    public static let irqModeIRQChip: UInt64 = 1
    /// irqchip mode's vectors: the device's MSI, the wait's LAPIC one-shot timer, the DPL3 wait gate.
    public static let vectorDevice: UInt8 = 0x20
    public static let vectorWake: UInt8 = 0x22
    public static let vectorWait: UInt8 = 0x80
    /// The xAPIC page and the registers the guest writes (EOI, the timer's initial count).
    public static let apicBase: UInt64 = 0xFEE0_0000
    public static let apicEOI: UInt64 = 0xb0
    public static let apicTMICT: UInt64 = 0x380

    /// Ports relative to `portBase`.
    public static let waitPort: UInt16 = 0
    public static let donePort: UInt16 = 1
    public static let errorPort: UInt16 = 2
    /// Port the exit-cost entry writes (ignored by the host).
    public static let benchPort: UInt16 = 3

    /// The value the probe entry writes to the doorbell.
    public static let probeMagic: UInt32 = 0x5657_4946

    /// Error codes the guest reports on the error port.
    public static func guestErrorText(_ code: UInt32) -> String {
        switch code {
        case 1: "payloadLength is below 12 bytes (the payload stamp)"
        case 2: "payloadOffset + payloadLength exceeds txBufferStride"
        case 3: "txBufferCount is 0 or larger than txRingCapacity"
        case 4: "txRingCapacity is not a power of two"
        case 5: "stampCapacity is not a power of two"
        case 6: "the RX rings or buffers are invalid (capacities and rxSeenWords powers of two, 0 < rxBufferCount <= rxRingCapacity, stride >= 76)"
        case 7: "unknown mode"
        case 8: "carry mode without its length table or outbox (or an outbox slot count that is not a power of two)"
        default: "unknown guest error \(code)"
        }
    }
}

/// What the guest driver runs (mailbox.mode).
public enum GuestDriverMode: UInt64, Sendable, CaseIterable {
    case udpTX = 0, udpRX = 1, ping = 2, idle = 3
    /// TX's stream and RX's at once; the program never finishes by itself (the host stops it).
    case udpBidir = 4
    /// A real program's packets both ways: the stack (a host thread) fills TX buffers, the ISR
    /// fills the outbox; the program never finishes by itself (the host stops it).
    case carry = 5
}

/// Offsets within one 32-byte guest stamp record.
public enum GuestStampField: UInt64, CaseIterable, Sendable {
    /// Payload fill started.
    case fill = 0
    /// Immediately before the doorbell MMIO store: the start of the virtualization extra path.
    case doorbell = 8
    /// Immediately after the doorbell store returned to the guest.
    case resumed = 16
    /// The ISR reclaimed the packet (RX mode: the ISR delivered frame seq).
    case reclaimed = 24
}

/// The 32-byte TX descriptor shared with the Platform rings, and the ring header layout.
public enum TXDescriptorLayout {
    public static let size: UInt64 = 32
    public static let address: UInt64 = 0      // UInt64 GPA
    public static let length: UInt64 = 8       // UInt32
    public static let seq: UInt64 = 12         // UInt32
    public static let flags: UInt64 = 16       // UInt16
    public static let vmID: UInt64 = 18        // UInt8
    public static let kind: UInt64 = 19        // UInt8, tx = 1
    public static let status: UInt64 = 20      // UInt16, device writes statusDone
    public static let bufferID: UInt64 = 22    // UInt16
    public static let aux: UInt64 = 24         // UInt64: guest TSC at publication
    public static let kindTX: UInt8 = 1
    public static let kindRX: UInt8 = 2
    public static let kindTXStatus: UInt8 = 3
    public static let kindRXFrame: UInt8 = 4
    public static let statusDone: UInt16 = 1
    public static let flagDropped: UInt16 = 4
    /// Ring header as Platform.DescriptorRing lays it out: producer u32 at 0, consumer u32 at
    /// 128, slots from 256 (a test checks they agree).
    public static let producerOffset: UInt64 = 0
    public static let consumerOffset: UInt64 = 128
    public static let slotsOffset: UInt64 = 256

    /// Bytes of a ring with `capacity` slots.
    public static func ringBytes(capacity: Int) -> UInt64 { slotsOffset + UInt64(capacity) * size }
}

/// The payload the guest writes: Platform.FrameFormat's payload (stamp: u32 seq, u32 length,
/// u32 CRC-32C of the rest; then the (seq, index) pattern), so the same frames verify anywhere.
public enum GuestPayload {
    /// Checks a payload in host memory; returns nil if intact, else what is wrong.
    public static func verify(_ payload: UnsafeRawPointer, length: Int, seq: UInt32) -> String? {
        guard length >= PayloadStamp.byteSize else { return "payload of \(length) bytes is shorter than its stamp" }
        let stamp = PayloadStamp(loadingFrom: payload)
        guard stamp.seq == seq else { return "payload seq \(stamp.seq), descriptor seq \(seq)" }
        guard Int(stamp.length) == length else { return "seq \(seq): stamp length \(stamp.length), payload \(length) bytes" }
        if let index = FrameFormat.firstPatternMismatch(payload, length: length, seq: seq) {
            // SAFETY: bounds: firstPatternMismatch returns an index < length, inside the caller's payload.
            return "seq \(seq): byte \(index) is \(payload.load(fromByteOffset: index, as: UInt8.self)), expected \(FrameFormat.patternByte(seq: seq, index: index))"
        }
        let (_, ok) = FrameFormat.verifyPayload(payload, length: length)
        return ok ? nil : "seq \(seq): CRC-32C \(stamp.checksum) does not match the payload"
    }
}

/// Read access to the guest's stamp area for another thread (the device model): packet `seq`'s
/// guest TSC stamps, e.g. `.doorbell`, the start of the virtualization extra path.
public struct GuestStampArea: @unchecked Sendable {
    // SAFETY: it only loads words of guest RAM with acquire ordering (GuestRAM checks the bounds).
    public let ram: GuestRAM
    public let base: UInt64
    public let capacity: Int

    public init(ram: GuestRAM, layout: GuestLayout) {
        self.ram = ram
        base = layout.stampArea
        capacity = layout.stampCapacity
    }

    /// The stamp (0 until the guest wrote it). Records are reused every `capacity` packets.
    public func stamp(seq: Int, _ field: GuestStampField) -> UInt64 {
        ram.loadU64(base + UInt64(seq & (capacity - 1)) * GuestLayout.stampRecordSize + field.rawValue)
    }
}

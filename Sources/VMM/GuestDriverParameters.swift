import Platform

/// What the guest driver transmits and where: the mailbox parameters (see GuestMailbox).
public struct GuestDriverParameters: Sendable, Equatable {
    public var packetCount: Int
    /// UDP payload bytes the guest writes per packet (Platform.FrameFormat's payload, >= 12).
    public var payloadLength: Int
    /// Where the payload starts in each TX buffer: 0 for a bare payload, or
    /// FrameFormat.payloadOffset (60) when the host wrote the frame headers in front of it.
    /// The descriptor length is payloadOffset + payloadLength.
    public var payloadOffset: Int = 0
    /// TSC ticks between two packets (offered rate); 0 sends as fast as buffers allow.
    public var txIntervalTicks: UInt64 = 0
    /// TX buffers: `txBufferCount` buffers of `txBufferStride` bytes from `txBufferBase` (GPA).
    public var txBufferBase: UInt64
    public var txBufferStride: UInt64
    public var txBufferCount: Int
    /// TX ring (header + 32-byte slots) at `txRing`; capacity a power of two, >= txBufferCount.
    public var txRing: UInt64
    public var txRingCapacity: Int
    /// u32 free-running completion index the device model writes (GPA).
    public var completionIndex: UInt64
    /// Doorbell register (MMIO, outside RAM, inside the identity map).
    public var doorbellAddress: UInt64
    /// The guest's I/O ports: wait = base, done = base + 1, error = base + 2.
    public var portBase: UInt16
    public var vmID: UInt8
    /// What the driver runs; RX and ping need `receive`, ping `rttArea`, idle `timer`.
    public var mode: GuestDriverMode = .udpTX
    public var receive: GuestReceiveParameters?
    /// Frames with seq below this are not measured (RX goodput).
    public var warmup: Int = 0
    /// Ping: `rttCapacity` u64 RTTs (TSC cycles), indexed by echo seq.
    public var rttArea: UInt64 = 0
    public var rttCapacity: Int = 0
    /// Ping: TSC ticks a request waits for its reply before it counts as lost (0: forever).
    public var pingTimeoutTicks: UInt64 = 0
    /// Idle: the trapping timer register (MMIO, outside RAM) and the tick period in TSC ticks.
    public var timerAddress: UInt64 = 0
    public var timerPeriodTicks: UInt64 = 0
    /// This VM's first frame seq: the guest numbers its frames seqBase + packet number (its
    /// ring slots, stamps and completion index stay per packet number).
    public var seqBase: UInt32 = 0
    /// TX completion through the completion ring (`receive.completionRing`: one txStatus
    /// descriptor per packet, in order) instead of descriptor status + completion index; the
    /// mailbox's completion index is then 0.
    public var txCompletionsInRing = false
    /// Carry: the stack's packet-length table (one u32 per TX buffer) and the outbox
    /// (`outboxSlots` slots of GuestMailbox.outboxSlotBytes), in guest RAM above the VMM's 2 MiB.
    public var carryLengths: UInt64 = 0
    public var outbox: UInt64 = 0
    public var outboxSlots: Int = 0

    public static let defaultDoorbell: UInt64 = 0xD000_0000

    public init(packetCount: Int, payloadLength: Int, txBufferBase: UInt64, txBufferStride: UInt64,
                txBufferCount: Int, txRing: UInt64, txRingCapacity: Int, completionIndex: UInt64,
                doorbellAddress: UInt64 = defaultDoorbell, portBase: UInt16 = 0x510, vmID: UInt8 = 0) {
        self.packetCount = packetCount
        self.payloadLength = payloadLength
        self.txBufferBase = txBufferBase
        self.txBufferStride = txBufferStride
        self.txBufferCount = txBufferCount
        self.txRing = txRing
        self.txRingCapacity = txRingCapacity
        self.completionIndex = completionIndex
        self.doorbellAddress = doorbellAddress
        self.portBase = portBase
        self.vmID = vmID
    }

    /// Ring, completion index and buffers placed one after another from `layout.dataStart`.
    public static func standard(layout: GuestLayout, packetCount: Int, payloadLength: Int = 1450,
                                bufferCount: Int = 64, ringCapacity: Int = 64) -> GuestDriverParameters {
        let ring = layout.dataStart
        let completion = ring + TXDescriptorLayout.ringBytes(capacity: ringCapacity)
        let stride = UInt64(max(payloadLength, PayloadStamp.byteSize) + 63) & ~63
        return GuestDriverParameters(
            packetCount: packetCount, payloadLength: payloadLength,
            txBufferBase: (completion + 64 + 4095) & ~4095, txBufferStride: stride, txBufferCount: bufferCount,
            txRing: ring, txRingCapacity: ringCapacity, completionIndex: completion)
    }

    /// Checks the parameters against the layout; errors name the field and the fix.
    public func validate(layout: GuestLayout, ram: GuestRAM) throws(VMMError) {
        guard packetCount >= 0 else { throw .config("packetCount", "\(packetCount) is negative") }
        guard payloadOffset >= 0, payloadLength >= PayloadStamp.byteSize,
              UInt64(payloadOffset + payloadLength) <= txBufferStride else {
            throw .config("payloadLength", "\(payloadLength) at offset \(payloadOffset): give \(PayloadStamp.byteSize) (the stamp) to txBufferStride - payloadOffset (\(Int(txBufferStride) - payloadOffset)) bytes")
        }
        guard txRingCapacity > 0, txRingCapacity & (txRingCapacity - 1) == 0, txRingCapacity <= 1 << 16 else {
            throw .config("txRingCapacity", "\(txRingCapacity) is not a power of two up to 65536")
        }
        guard txBufferCount > 0, txBufferCount <= txRingCapacity else {
            throw .config("txBufferCount", "\(txBufferCount): give 1 to txRingCapacity (\(txRingCapacity)) buffers")
        }
        let regions: [(String, UInt64, UInt64)] = [
            ("txRing", txRing, TXDescriptorLayout.ringBytes(capacity: txRingCapacity)),
            ("completionIndex", completionIndex, 4),
            ("txBufferBase", txBufferBase, txBufferStride * UInt64(txBufferCount)),
        ]
        for (name, start, length) in regions {
            guard start >= layout.dataStart, ram.contains(start, length: length) else {
                throw .config(name, "[0x\(String(start, radix: 16)), +0x\(String(length, radix: 16))) must be guest RAM above the VMM's reserved 2 MiB (0x\(String(layout.dataStart, radix: 16)))")
            }
        }
        guard txRing % 64 == 0, completionIndex % 4 == 0 else {
            throw .config("txRing/completionIndex", "align the ring to 64 bytes and the index to 4")
        }
        guard !ram.contains(doorbellAddress, length: 4), doorbellAddress + 4 <= layout.identityMapSize, doorbellAddress % 4 == 0 else {
            throw .config("doorbellAddress", "0x\(String(doorbellAddress, radix: 16)) must be 4-byte aligned, outside RAM and below identityMapSize")
        }
        guard Int(portBase) + 3 <= 0x10000 else { throw .config("portBase", "\(portBase) leaves no room for 3 ports") }
        try validateModeParameters(layout: layout, ram: ram)
    }
}

import Platform

/// Where the guest driver receives: the RX free ring it posts empty buffers on, its buffers,
/// the completion ring the device writes received frames to (see Guest/mailbox.h), and the
/// bitmap it detects duplicate seqs with. All GPAs in guest RAM above the VMM's 2 MiB.
public struct GuestReceiveParameters: Sendable, Equatable {
    public var rxRing: UInt64
    public var rxRingCapacity: Int
    public var rxBufferBase: UInt64
    public var rxBufferStride: UInt64
    public var rxBufferCount: Int
    public var completionRing: UInt64
    public var completionRingCapacity: Int
    public var seenBitmap: UInt64
    /// u64 words of the bitmap, a power of two (seq s uses bit s mod 64 x words).
    public var seenWords: Int

    public init(rxRing: UInt64, rxRingCapacity: Int, rxBufferBase: UInt64, rxBufferStride: UInt64, rxBufferCount: Int,
                completionRing: UInt64, completionRingCapacity: Int, seenBitmap: UInt64, seenWords: Int) {
        self.rxRing = rxRing
        self.rxRingCapacity = rxRingCapacity
        self.rxBufferBase = rxBufferBase
        self.rxBufferStride = rxBufferStride
        self.rxBufferCount = rxBufferCount
        self.completionRing = completionRing
        self.completionRingCapacity = completionRingCapacity
        self.seenBitmap = seenBitmap
        self.seenWords = seenWords
    }

    /// Bitmap words for `frames` seqs: the next power of two of frames / 64, at least one.
    public static func seenWords(frames: Int) -> Int {
        var words = 1
        while words * 64 < frames && words < 1 << 20 { words <<= 1 }
        return words
    }
}

extension GuestDriverParameters {
    func validateModeParameters(layout: GuestLayout, ram: GuestRAM) throws(VMMError) {
        func inRAM(_ name: String, _ start: UInt64, _ length: UInt64) throws(VMMError) {
            guard start >= layout.dataStart, ram.contains(start, length: length) else {
                throw .config(name, "[0x\(String(start, radix: 16)), +0x\(String(length, radix: 16))) must be guest RAM above the VMM's reserved 2 MiB")
            }
        }
        func powerOfTwo(_ name: String, _ value: Int) throws(VMMError) {
            guard value > 0, value & (value - 1) == 0, value <= 1 << 20 else { throw .config(name, "\(value) is not a power of two up to 2^20") }
        }
        if (mode == .udpRX || mode == .ping || mode == .udpBidir || mode == .carry || txCompletionsInRing) && receive == nil {
            throw .config("receive", "mode \(mode)\(txCompletionsInRing ? " with TX completions in the ring" : "") needs the RX rings and buffers")
        }
        if let r = receive {
            try powerOfTwo("receive.rxRingCapacity", r.rxRingCapacity)
            try powerOfTwo("receive.completionRingCapacity", r.completionRingCapacity)
            try powerOfTwo("receive.seenWords", r.seenWords)
            guard r.rxBufferCount > 0, r.rxBufferCount <= r.rxRingCapacity,
                  r.rxBufferStride >= UInt64(FrameFormat.overheadBytes + PayloadStamp.byteSize) else {
                throw .config("receive.rxBufferCount", "\(r.rxBufferCount) buffers of \(r.rxBufferStride) bytes: give 1 to rxRingCapacity buffers of at least 76 bytes")
            }
            try inRAM("receive.rxRing", r.rxRing, TXDescriptorLayout.ringBytes(capacity: r.rxRingCapacity))
            try inRAM("receive.completionRing", r.completionRing, TXDescriptorLayout.ringBytes(capacity: r.completionRingCapacity))
            try inRAM("receive.rxBufferBase", r.rxBufferBase, r.rxBufferStride * UInt64(r.rxBufferCount))
            try inRAM("receive.seenBitmap", r.seenBitmap, UInt64(r.seenWords) * 8)
        }
        if mode == .carry {
            try powerOfTwo("outboxSlots", outboxSlots)
            try inRAM("carryLengths", carryLengths, UInt64(txBufferCount) * 4)
            try inRAM("outbox", outbox, UInt64(outboxSlots) * GuestMailbox.outboxSlotBytes)
        }
        if mode == .ping {
            guard rttCapacity > 0 else { throw .config("rttCapacity", "ping needs room for its RTTs") }
            try inRAM("rttArea", rttArea, UInt64(rttCapacity) * 8)
        }
        if mode == .idle {
            guard timerPeriodTicks > 0, !ram.contains(timerAddress, length: 8), timerAddress % 8 == 0,
                  timerAddress + 8 <= layout.identityMapSize else {
                throw .config("timerAddress", "0x\(String(timerAddress, radix: 16)) must be 8-byte aligned MMIO outside RAM, below identityMapSize, with a period > 0")
            }
        }
    }

    /// Writes the mode's mailbox words and clears the rings, bitmap and RTTs it uses.
    func loadModeParameters(mailbox m: UInt64, ram: GuestRAM) {
        ram.storeU64(m + GuestMailbox.mode, mode.rawValue)
        ram.storeU64(m + GuestMailbox.seqBase, UInt64(seqBase))
        ram.storeU64(m + GuestMailbox.warmup, UInt64(max(0, warmup)))
        if let r = receive {
            ram.storeU64(m + GuestMailbox.rxRing, r.rxRing)
            ram.storeU64(m + GuestMailbox.rxRingCapacity, UInt64(r.rxRingCapacity))
            ram.storeU64(m + GuestMailbox.rxBufferBase, r.rxBufferBase)
            ram.storeU64(m + GuestMailbox.rxBufferStride, r.rxBufferStride)
            ram.storeU64(m + GuestMailbox.rxBufferCount, UInt64(r.rxBufferCount))
            ram.storeU64(m + GuestMailbox.completionRing, r.completionRing)
            ram.storeU64(m + GuestMailbox.completionRingCapacity, UInt64(r.completionRingCapacity))
            ram.storeU64(m + GuestMailbox.rxSeen, r.seenBitmap)
            ram.storeU64(m + GuestMailbox.rxSeenWords, UInt64(r.seenWords))
            ram.zero(r.rxRing, length: TXDescriptorLayout.ringBytes(capacity: r.rxRingCapacity))
            ram.zero(r.completionRing, length: TXDescriptorLayout.ringBytes(capacity: r.completionRingCapacity))
            ram.zero(r.seenBitmap, length: UInt64(r.seenWords) * 8)
        }
        ram.storeU64(m + GuestMailbox.pingTimeout, pingTimeoutTicks == 0 ? .max : pingTimeoutTicks)
        ram.storeU64(m + GuestMailbox.pingTimeouts, 0)
        if rttCapacity > 0 {
            ram.storeU64(m + GuestMailbox.rttArea, rttArea)
            ram.storeU64(m + GuestMailbox.rttCapacity, UInt64(rttCapacity))
            ram.zero(rttArea, length: UInt64(rttCapacity) * 8)
        }
        ram.storeU64(m + GuestMailbox.carryLengths, carryLengths)
        ram.storeU64(m + GuestMailbox.outbox, outbox)
        ram.storeU64(m + GuestMailbox.outboxSlots, UInt64(outboxSlots))
        if mode == .carry {
            ram.zero(carryLengths, length: UInt64(txBufferCount) * 4)
            ram.zero(outbox, length: UInt64(outboxSlots) * GuestMailbox.outboxSlotBytes)
        }
        ram.storeU64(m + GuestMailbox.timer, timerAddress)
        ram.storeU64(m + GuestMailbox.timerPeriod, timerPeriodTicks)
    }
}

// The byte format a device-model fuzz input is read as: a little program of guest actions
// (register accesses, descriptors with any address, length and kind, doorbells with any tail,
// posted RX buffers, stores into the guest's own ring headers and buffers). libFuzzer mutates
// raw bytes; the format makes every byte string a valid program (operands past the end read as
// zero), so no input is wasted on a parse error. `DeviceModelFuzzTarget` runs the program.

/// Builds device-model fuzz programs (the seed corpus is made with it; see `seeds`).
public struct DeviceModelFuzzProgram: Sendable {
    /// First byte: which device model to build.
    public struct Setup: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// IOMMU translation (the model only tags the GPA); else software translation.
        public static let iommu = Setup(rawValue: 1 << 0)
        /// The doorbell carries no value (ioeventfd): the model takes what the ring holds.
        public static let ioeventfd = Setup(rawValue: 1 << 1)
        /// Completions go to the KVM guest's TX status words, not a completion ring.
        public static let kvmCompletions = Setup(rawValue: 1 << 2)
        /// The software translator memoizes page translations.
        public static let translationCache = Setup(rawValue: 1 << 3)
        /// The model reads the guest's publication TSC from `aux` (as with the KVM guest).
        public static let guestPublicationStamps = Setup(rawValue: 1 << 4)
    }

    /// Opcodes (the byte is taken modulo `count`).
    public enum Op: UInt8, CaseIterable, Sendable {
        /// offset u16 (from the device's MMIO base), width u8 (bits 0-1: 1, 2, 4 or 8 bytes), value u64.
        case mmioWrite = 0
        /// offset u16, width u8 (as for mmioWrite).
        case mmioRead
        /// where u8, arg u64, length u32, kind u8, vmID u8, flags u16, status u16, bufferID u16,
        /// aux u64, publish u8 (bit 0).
        case pushTX
        /// Publishes the TX slots written without publishing.
        case publishTX
        /// mode u8, value u32: the TX doorbell (a 4-byte write) with tail = pushed + Int8(value)
        /// (mode bit 0 clear) or value (set); the model then drains.
        case doorbell
        /// The model drains its TX ring without a new doorbell value (an ioeventfd kick).
        case kick
        /// where u8, arg u64, length u32, kind u8: the guest posts an RX buffer.
        case postRX
        /// length u16, seq u32: the host driver hands the model a received frame.
        case deliverRX
        /// ring u8 (tx, rxFree, completions) x (producer, consumer), mode u8, value u32: the guest
        /// stores into its own ring header (relative Int8 or raw, as for `doorbell`).
        case pokeRingIndex
        /// count u8: the guest takes completions from its completion ring.
        case popCompletions
        /// offset u32, value u64: the guest stores into its own buffers (not its rings).
        case pokeMemory

        public static let count = UInt8(allCases.count)
    }

    /// Where a descriptor points (the `where` operand modulo 6; bit 4 set = length taken raw,
    /// else modulo 4100).
    public enum Target: UInt8, Sendable {
        /// One of the guest's own TX (or RX) buffers: arg picks which.
        case ownBuffer = 0
        /// arg modulo the guest memory size.
        case insideMemory
        /// The end of memslot 0 minus arg modulo 4097 (spans the slot end with most lengths).
        case slotEnd
        /// The end of guest memory minus arg modulo 4097.
        case memoryEnd
        /// arg itself: any 64-bit GPA.
        case raw
        /// arg modulo the memory size with arg's bits from 35 up kept (beyond the VM's IOMMU window).
        case beyondWindow
    }

    public private(set) var bytes: [UInt8]

    public init(_ setup: Setup = []) { bytes = [setup.rawValue] }

    private mutating func op(_ o: Op) { bytes.append(o.rawValue) }
    private mutating func put<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    private mutating func put(_ target: Target, rawLength: Bool) {
        bytes.append(target.rawValue | (rawLength ? 0x10 : 0))
    }

    /// `width` in bytes: 1, 2, 4 or 8.
    public mutating func mmioWrite(offset: UInt16, width: Int = 4, value: UInt64) {
        op(.mmioWrite); put(offset); put(Self.widthCode(width)); put(value)
    }

    public mutating func mmioRead(offset: UInt16, width: Int = 4) {
        op(.mmioRead); put(offset); put(Self.widthCode(width))
    }

    static func widthCode(_ width: Int) -> UInt8 { UInt8(width.trailingZeroBitCount & 3) }

    public mutating func pushTX(_ target: Target, arg: UInt64 = 0, length: UInt32, rawLength: Bool = false,
                                kind: UInt8 = DescriptorKindRaw.tx, vmID: UInt8 = 0, flags: UInt16 = 0,
                                status: UInt16 = 0, bufferID: UInt16 = 0, aux: UInt64 = 0, publish: Bool = true) {
        op(.pushTX); put(target, rawLength: rawLength); put(arg); put(length); put(kind); put(vmID)
        put(flags); put(status); put(bufferID); put(aux); put(UInt8(publish ? 1 : 0))
    }

    public mutating func publishTX() { op(.publishTX) }

    /// The doorbell naming `pushed + delta` (what an honest guest writes is delta 0).
    public mutating func doorbell(delta: Int8 = 0) { op(.doorbell); put(UInt8(0)); put(UInt32(UInt8(bitPattern: delta))) }

    public mutating func doorbell(rawTail: UInt32) { op(.doorbell); put(UInt8(1)); put(rawTail) }

    public mutating func kick() { op(.kick) }

    public mutating func postRX(_ target: Target, arg: UInt64 = 0, length: UInt32, rawLength: Bool = false,
                                kind: UInt8 = DescriptorKindRaw.rx) {
        op(.postRX); put(target, rawLength: rawLength); put(arg); put(length); put(kind)
    }

    public mutating func deliverRX(length: UInt16, seq: UInt32 = 0) { op(.deliverRX); put(length); put(seq) }

    /// `ring`: 0 tx, 1 rxFree, 2 completions; the producer index, or the consumer's.
    public mutating func pokeRingIndex(ring: UInt8, consumer: Bool, rawValue: UInt32) {
        op(.pokeRingIndex); put(ring * 2 + (consumer ? 1 : 0)); put(UInt8(1)); put(rawValue)
    }

    public mutating func pokeRingIndex(ring: UInt8, consumer: Bool, delta: Int8) {
        op(.pokeRingIndex); put(ring * 2 + (consumer ? 1 : 0)); put(UInt8(0)); put(UInt32(UInt8(bitPattern: delta)))
    }

    public mutating func popCompletions(_ count: UInt8 = 255) { op(.popCompletions); put(count) }

    public mutating func pokeMemory(offset: UInt32, value: UInt64) { op(.pokeMemory); put(offset); put(value) }

    /// Raw `DescriptorKind` values, for building hostile kinds too.
    public enum DescriptorKindRaw {
        public static let tx: UInt8 = 1
        public static let rx: UInt8 = 2
        public static let txStatus: UInt8 = 3
        public static let rxFrame: UInt8 = 4
    }

    /// The seed corpus (Tests/FuzzCorpus/device-model): a legitimate packet each way and one
    /// program per class of hostile input. `vwifi-fuzz seed device-model <dir>` writes them.
    public static var seeds: [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        func add(_ name: String, _ setup: Setup = [], _ body: (inout DeviceModelFuzzProgram) -> Void) {
            var p = DeviceModelFuzzProgram(setup)
            body(&p)
            out.append((name, p.bytes))
        }
        for (suffix, setup) in [("software", Setup()), ("iommu", Setup.iommu), ("kvm", [.kvmCompletions, .guestPublicationStamps]),
                                ("ioeventfd", [.ioeventfd, .translationCache])] as [(String, Setup)] {
            add("legitimate-tx-\(suffix)", setup) { p in
                p.pushTX(.ownBuffer, arg: 0, length: 160)
                p.pushTX(.ownBuffer, arg: 1, length: 1518)
                p.doorbell()
                p.popCompletions()
            }
        }
        add("legitimate-rx") { p in
            p.postRX(.ownBuffer, arg: 0, length: 4096)
            p.deliverRX(length: 160, seq: 7)
            p.popCompletions()
        }
        add("gpa-outside-memory") { p in
            p.pushTX(.memoryEnd, arg: 0, length: 64)
            p.pushTX(.raw, arg: 0xFFFF_FFFF_FFFF_F000, length: 4096)
            p.doorbell()
        }
        add("gpa-spanning-slot-end") { p in
            p.pushTX(.slotEnd, arg: 64, length: 1024)
            p.doorbell()
        }
        add("gpa-beyond-iommu-window", .iommu) { p in
            p.pushTX(.beyondWindow, arg: 1 << 35 | 0x3000, length: 160)
            p.doorbell()
        }
        add("bad-lengths") { p in
            p.pushTX(.ownBuffer, length: 0)
            p.pushTX(.ownBuffer, length: 4097)
            p.pushTX(.ownBuffer, length: UInt32.max, rawLength: true)
            p.doorbell()
            p.popCompletions()
        }
        add("forged-vmid-and-kind") { p in
            p.pushTX(.ownBuffer, length: 160, kind: DescriptorKindRaw.rxFrame, vmID: 2, flags: 0xFFFF, aux: 0xDEAD_BEEF)
            p.doorbell()
        }
        add("doorbell-tails") { p in
            p.pushTX(.ownBuffer, length: 160)
            p.doorbell(rawTail: 5_000)
            p.doorbell(delta: -1)
            p.doorbell(delta: 3)
            p.doorbell()
            for _ in 0..<20 { p.doorbell() }
        }
        add("producer-index-beyond-ring", .ioeventfd) { p in
            p.pushTX(.ownBuffer, length: 160)
            p.pokeRingIndex(ring: 0, consumer: false, rawValue: 1_000_000)
            p.kick()
            p.pokeRingIndex(ring: 0, consumer: false, rawValue: 0xFFFF_FFF0)
            p.kick()
            p.pokeRingIndex(ring: 0, consumer: false, rawValue: 1)  // repaired: the one descriptor goes
            p.kick()
        }
        add("undefined-registers") { p in
            for offset: UInt16 in [0, 0x2C, 0x31, 0x34, 0x1FFF, 0x2000, 0xFFFF] {
                p.mmioWrite(offset: offset, value: 0xDEAD_BEEF_DEAD_BEEF)
                p.mmioRead(offset: offset, width: 8)
            }
            p.mmioWrite(offset: 0x30, width: 2, value: 1)
            p.mmioWrite(offset: 0x30, width: 8, value: 1)
        }
        add("rx-buffers-hostile") { p in
            p.postRX(.memoryEnd, arg: 0, length: 4096)
            p.deliverRX(length: 160)
            p.postRX(.ownBuffer, arg: 1, length: 8)
            p.deliverRX(length: 160)
            p.postRX(.slotEnd, arg: 100, length: 4096)
            p.deliverRX(length: 1500)
            p.pokeRingIndex(ring: 1, consumer: false, rawValue: 77)
            p.deliverRX(length: 160)
        }
        add("completion-ring-overflow") { p in
            for _ in 0..<3 {
                for _ in 0..<8 { p.pushTX(.ownBuffer, length: 0) }
                p.doorbell()
            }
            p.pokeRingIndex(ring: 2, consumer: true, rawValue: 0x8000_0000)
        }
        add("guest-rewrites-buffers") { p in
            p.pushTX(.ownBuffer, arg: 3, length: 200)
            p.pokeMemory(offset: 3 * 4096, value: UInt64.max)
            p.doorbell()
        }
        return out
    }
}

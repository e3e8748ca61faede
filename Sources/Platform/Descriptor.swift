/// A 32-byte ring entry, laid out like a device descriptor so it can live in guest RAM.
///
/// Field order fixes the layout (offsets 0, 8, 12, 16, 18, 19, 20, 22, 24; size and stride 32;
/// a test checks them with MemoryLayout). Trivial type: loads and stores are plain copies.
public struct Descriptor: Sendable, Equatable {
    /// GPA, VM-ID-tagged GPA, or host address, depending on the pipeline stage.
    public var addr: UInt64
    public var length: UInt32
    public var seq: UInt32
    public var flags: UInt16
    public var vmID: UInt8
    /// `DescriptorKind` raw value.
    public var kind: UInt8
    public var status: UInt16
    public var bufferID: UInt16
    /// Free word: a TSC stamp, a host address, ...
    public var aux: UInt64

    @inline(__always)
    public init(addr: UInt64 = 0, length: UInt32 = 0, seq: UInt32 = 0, flags: UInt16 = 0, vmID: UInt8 = 0,
                kind: DescriptorKind = .tx, status: UInt16 = 0, bufferID: UInt16 = 0, aux: UInt64 = 0) {
        self.addr = addr
        self.length = length
        self.seq = seq
        self.flags = flags
        self.vmID = vmID
        self.kind = kind.rawValue
        self.status = status
        self.bufferID = bufferID
        self.aux = aux
    }

    /// All-zero descriptor, handy as the `inout` target of `DescriptorRing.tryPop(into:)`.
    public static var zero: Descriptor { Descriptor(kind: .tx) }

    /// The typed kind, nil for an unknown raw value.
    @inline(__always)
    public var descriptorKind: DescriptorKind? { DescriptorKind(rawValue: kind) }

    public static let byteSize = 32

    /// Status values used by completions.
    public static let statusOK: UInt16 = 0
    public static let statusFault: UInt16 = 1
    public static let statusCorrupt: UInt16 = 2
    public static let statusDropped: UInt16 = 3
}

import Measurement

/// Why KVM_RUN returned.
public enum VMExit: Sendable, Equatable {
    /// MMIO to an address outside every memory slot; data is in `VirtualCPU.mmioData`.
    case mmio(address: UInt64, length: Int, isWrite: Bool)
    /// Port I/O; data is in `VirtualCPU.ioData`.
    case io(port: UInt16, isOut: Bool, size: Int, count: Int)
    case hlt
    /// KVM_RUN returned EINTR: a signal or `immediate_exit` (the interrupt kick).
    case interrupted
    /// Triple fault.
    case shutdown
    case failEntry(reason: UInt64)
    case internalError(suberror: UInt64)
    case other(reason: UInt32)
    /// KVM_RUN itself failed with this errno.
    case failed(errno: Errno)
}

/// Exit categories counted by `ExitStatistics`.
public enum ExitReason: Int, CaseIterable, Sendable {
    case mmioWrite, mmioRead, pioOut, pioIn, hlt, interrupted, other

    public var name: String {
        switch self {
        case .mmioWrite: "mmio_write"
        case .mmioRead: "mmio_read"
        case .pioOut: "pio_out"
        case .pioIn: "pio_in"
        case .hlt: "hlt"
        case .interrupted: "intr"
        case .other: "other"
        }
    }

    public init(_ exit: VMExit) {
        switch exit {
        case .mmio(_, _, let isWrite): self = isWrite ? .mmioWrite : .mmioRead
        case .io(_, let isOut, _, _): self = isOut ? .pioOut : .pioIn
        case .hlt: self = .hlt
        case .interrupted: self = .interrupted
        default: self = .other
        }
    }
}

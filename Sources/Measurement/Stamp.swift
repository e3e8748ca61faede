/// One time stamp of a pipeline stage for one item.
@frozen public struct Stamp: Sendable, Equatable {
    public var tsc: UInt64
    public var seq: UInt32
    public var stage: UInt8

    @inlinable public init(tsc: UInt64, seq: UInt32, stage: UInt8) {
        self.tsc = tsc
        self.seq = seq
        self.stage = stage
    }
}

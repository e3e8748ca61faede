extension Descriptor {
    /// This TX descriptor's completion: done (`.none`), or dropped for `reason` (the flag set,
    /// the reason in `status`). Every stage that completes or refuses a frame makes it this way.
    @inline(__always)
    public func txStatus(_ reason: DropReason) -> Descriptor {
        var c = self
        c.kind = DescriptorKind.txStatus.rawValue
        c.status = reason.rawValue
        if reason != .none { c.flags |= DescriptorFlag.dropped }
        return c
    }
}

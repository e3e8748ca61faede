/// A translated guest buffer.
public struct Translation: @unchecked Sendable, Equatable {
    // SAFETY: `host` points into guest RAM, shared by design.
    public var host: UnsafeMutableRawPointer
    /// Host physical address from /proc/self/pagemap (0 when pagemap is off or PFNs are hidden).
    public var hostPhysical: UInt64
    /// 4 KiB pages the buffer spans.
    public var pages: Int

    public init(host: UnsafeMutableRawPointer, hostPhysical: UInt64, pages: Int) {
        self.host = host
        self.hostPhysical = hostPhysical
        self.pages = pages
    }
}

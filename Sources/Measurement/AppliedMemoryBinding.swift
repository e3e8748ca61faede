/// What a memory-binding request achieved, read back page by page.
public struct AppliedMemoryBinding: Codable, Sendable, Equatable {
    public let requestedNode: Int
    /// mbind(MPOL_BIND) succeeded.
    public let bound: Bool
    /// Policy mode the kernel reports at the start of the range (2 = bind), nil if unreadable.
    public let policyMode: Int?
    /// Pages sampled (up to 64, spread over the range) and where they live.
    public let pagesChecked: Int
    public let pagesOnNode: Int
    public let pagesElsewhere: Int
    /// What happened, in plain words (the failure and its fix, or a caveat).
    public let note: String

    public init(requestedNode: Int, bound: Bool, policyMode: Int?, pagesChecked: Int,
                pagesOnNode: Int, pagesElsewhere: Int, note: String) {
        self.requestedNode = requestedNode
        self.bound = bound
        self.policyMode = policyMode
        self.pagesChecked = pagesChecked
        self.pagesOnNode = pagesOnNode
        self.pagesElsewhere = pagesElsewhere
        self.note = note
    }
}

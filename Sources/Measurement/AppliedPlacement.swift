/// Where a thread really is after a pin request, read back from the kernel (not the request).
public struct AppliedPlacement: Codable, Sendable, Equatable {
    /// The CPU asked for, or nil when a node was asked for.
    public let requestedCPU: Int?
    /// The node asked for, or nil when a CPU was asked for.
    public let requestedNode: Int?
    /// The affinity mask as the kernel now reports it.
    public let allowedCPUs: [Int]
    /// The CPU the thread runs on (sched_getcpu, or /proc/self/task/<tid>/stat for another thread).
    public let runningOn: Int
    /// NUMA node of `runningOn`, when libnuma is available.
    public let node: Int?

    public init(requestedCPU: Int?, requestedNode: Int?, allowedCPUs: [Int], runningOn: Int, node: Int?) {
        self.requestedCPU = requestedCPU
        self.requestedNode = requestedNode
        self.allowedCPUs = allowedCPUs
        self.runningOn = runningOn
        self.node = node
    }
}

/// One NUMA node: its CPUs and memory.
public struct NumaNode: Codable, Sendable, Equatable {
    public let id: Int
    public let cpus: [Int]
    /// Total memory of the node in bytes (0 when unknown).
    public let memoryBytes: Int64

    public init(id: Int, cpus: [Int], memoryBytes: Int64) {
        self.id = id
        self.cpus = cpus
        self.memoryBytes = memoryBytes
    }
}

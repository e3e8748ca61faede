import Measurement

/// NUMA topology as libnuma sees it.
public struct NumaSection: Codable, Sendable, Equatable {
    public var available: Bool
    public var nodes: [NumaNode]
    public var reason: String

    public static func probe() -> NumaSection {
        let available = Placement.numaAvailable
        return NumaSection(
            available: available,
            nodes: Placement.nodes(),
            reason: available ? "" : "libnuma: numa_available() < 0 (kernel without NUMA support); placement falls back to CPU affinity only")
    }
}

import DataPaths

/// Which table (and chart) of the paper an experiment feeds.
public enum Figure: String, CaseIterable, Sendable, Codable {
    case fig5Throughput = "fig5_throughput"
    case fig5Latency = "fig5_latency"
    case fig6
    case fig7
    case fig8
    case table1
    /// The fig5 TX scenarios with the air model off (`air: none`): how many frames/s each path's
    /// pipeline sustains unpaced, against the frames/s the radio takes (headroom.csv).
    case headroom
    /// Measured and kept in the raw samples only.
    case custom

    /// Scenarios an experiment of this figure may name (`fig8` names a configuration instead).
    var allowedScenarios: [Scenario] {
        switch self {
        case .fig5Throughput, .fig5Latency, .table1, .headroom: [.native, .passthrough, .vwifi, .vwifiIOMMU]
        case .fig6: [.vwifi, .vwifiIOMMU]
        case .fig7: Scenario.allCases
        case .fig8: []
        case .custom: Scenario.allCases
        }
    }
}

/// The paper's test scenarios, as result rows name them.
public enum Scenario: String, CaseIterable, Sendable, Codable {
    case native, passthrough, vwifi
    case vwifiIOMMU = "vwifi-iommu"
    /// Nothing of the harness runs: machine-wide CPU use only.
    case systemIdle = "system-idle"
    /// One VM whose only activity is its timer tick.
    case vmIdle = "vm-idle"

    public var path: PathKind {
        switch self {
        case .native, .systemIdle: .native
        case .passthrough: .passthrough
        case .vwifi, .vwifiIOMMU, .vmIdle: .vwifi
        }
    }

    public var isIdle: Bool { self == .systemIdle || self == .vmIdle }

    /// What the scenario means in options, applied before the experiment's own options.
    func applyImplied(to c: inout PathConfig) {
        if isIdle { c.workload = .idle }
        if self == .vwifiIOMMU { c.translation = .iommu }
    }
}

/// The paper's Figure 8 optimization configurations of the vwifi path.
public enum Optimization: String, CaseIterable, Sendable, Codable {
    case none, coalescing, iommu
    case coalescingIOMMU = "coalescing+iommu"

    /// The paper's device-model coalescing: one virtual interrupt per 10 TX completions.
    public static let paperCoalescing = 10

    var usesCoalescing: Bool { self == .coalescing || self == .coalescingIOMMU }
    var usesIOMMU: Bool { self == .iommu || self == .coalescingIOMMU }

    func applyImplied(to c: inout PathConfig) {
        c.coalesceDeviceModel = usesCoalescing ? Self.paperCoalescing : 1
        c.translation = usesIOMMU ? .iommu : .software
    }
}

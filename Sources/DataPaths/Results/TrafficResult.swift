// A real program's run (`--traffic <tool>`): what the program itself reported, kept beside the
// harness's own measurement of the same packets, and the cross-check between the two.

public struct TrafficResult: Sendable, Codable {
    /// The program's own report, parsed (iperf3's JSON, ping's lines, sockperf's percentiles).
    public var report: ToolReport
    /// The server's command line (peer namespace); nil for ping (the peer's kernel answers).
    public var serverArgv: [String]?
    /// The station namespace's and the peer namespace's names (gone after the run).
    public var namespaces: [String]
    /// The client's CPU (wait4 rusage: it ran inside the measured window), seconds; it is in the
    /// `clientComponent` row, the process total and the component total.
    public var clientUserSeconds: Double
    public var clientSystemSeconds: Double
    /// The row the client's CPU is in: `app` on native, `guest` in a VM (the station's stack and
    /// its programs stand for the guest's). Nil in results written before VMs carried programs.
    public var clientComponent: String?
    /// The server's CPU: the peer's, never host CPU (seconds; nil when it was not started).
    public var serverCPUSeconds: Double?
    /// The harness's numbers against the program's.
    public var crossCheck: CrossCheck

    /// The program's goodput at its receivers (both directions' added up with `--bidir`).
    public var toolGoodputMbps: Double? {
        let rates = report.iperf3?.directions.compactMap(\.goodputMbps) ?? []
        return rates.isEmpty ? nil : rates.reduce(0, +)
    }

    /// The program's own median round trip (ping, sockperf), milliseconds.
    public var toolRTTMedianMs: Double? { crossCheck.roundTrip?.toolMedianMs }

    enum CodingKeys: String, CodingKey {
        case report, serverArgv, namespaces, clientUserSeconds, clientSystemSeconds, clientComponent, serverCPUSeconds
        case crossCheck = "cross_check"
    }
}

/// The harness's measurement against the program's own, where both measured the same thing.
public struct CrossCheck: Sendable, Codable, Equatable {
    /// Goodput of one direction: at the access point (tx) or the station's host driver (rx),
    /// transport payload bytes, against the program's receiver.
    public struct Goodput: Sendable, Codable, Equatable {
        public var direction: Direction
        public var harnessMbps: Double
        public var toolMbps: Double
        /// (harness - tool) / tool, percent.
        public var differencePercent: Double
        /// Within `CrossCheck.goodputTolerancePercent`.
        public var agrees: Bool
        /// Why they differ, when they disagree.
        public var why: String?
    }

    /// Round trips: the harness's TUN to TUN (the request taken off the station's queue to the
    /// reply handed to its kernel) against the program's own median (ping's, or sockperf's
    /// 50th percentile), which adds the station kernel's work, the program's system calls and the
    /// pump's wake-up.
    public struct RoundTrip: Sendable, Codable, Equatable {
        public var harnessMedianMs: Double
        public var toolMedianMs: Double
        /// tool - harness, milliseconds: what lies outside the harness's stamps.
        public var differenceMs: Double
        public var harnessCount: Int
        public var toolCount: Int
        /// The harness's median is at most the tool's (it times a part of the same round trip),
        /// and every reply ping counted was seen by the harness.
        public var agrees: Bool
        public var why: String?
    }

    public static let goodputTolerancePercent = 2.0

    public var goodput: [Goodput] = []
    public var roundTrip: RoundTrip?
    /// What could not be cross-checked, and why.
    public var notChecked: [String] = []

    /// True when every check made agrees.
    public var agrees: Bool { goodput.allSatisfy(\.agrees) && (roundTrip?.agrees ?? true) }
}

// What iperf3 itself reported (`--json`), kept beside the harness's own measurement. Directions
// are the station's: `tx` is client (station) to server (peer), `rx` the reverse.
public struct Iperf3Report: Codable, Sendable, Equatable {
    /// e.g. "iperf 3.12".
    public var version: String?
    /// "TCP" or "UDP" (start.test_start.protocol).
    public var transport: String?
    /// iperf3's own failure message (its JSON's "error"), verbatim; nil when it ran.
    public var error: String?
    /// One entry per direction that carried data: one, or two with `--bidir`.
    public var directions: [Direction] = []
    /// end.cpu_utilization_percent: host is the client (station), remote the server (peer).
    public var cpu: CPU?

    public struct Direction: Codable, Sendable, Equatable {
        public var direction: DataPaths.Direction
        /// The sending end's totals (end.sum_sent or end.sum_sent_bidir_reverse).
        public var sent: Totals?
        /// The receiving end's totals (end.sum_received or end.sum_received_bidir_reverse).
        public var received: Totals?
        /// Goodput at the receiver, Mbit/s: what the cross-check compares.
        public var goodputMbps: Double? { received.map { $0.bitsPerSecond / 1e6 } }
    }

    public struct Totals: Codable, Sendable, Equatable {
        public var seconds: Double
        public var bytes: Int
        public var bitsPerSecond: Double
        /// TCP: segments the sender retransmitted (sender side only).
        public var retransmits: Int?
        /// UDP: datagrams (sent, or expected by the receiver), those lost, their share, jitter.
        public var packets: Int?
        public var lostPackets: Int?
        public var lostPercent: Double?
        public var jitterMs: Double?
    }

    public struct CPU: Codable, Sendable, Equatable {
        public var hostTotal: Double
        public var hostUser: Double
        public var hostSystem: Double
        public var remoteTotal: Double
        public var remoteUser: Double
        public var remoteSystem: Double
    }

    /// Goodput of one direction, Mbit/s, or nil when that direction did not run.
    public func goodputMbps(_ direction: DataPaths.Direction) -> Double? {
        directions.first { $0.direction == direction }?.goodputMbps
    }
}

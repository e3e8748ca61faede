/// What an MPDU carries; encoded in the UDP ports (see `FrameFormat`).
public enum FrameKind: UInt8, Sendable, Equatable, CaseIterable {
    /// Throughput traffic (to the discard port, 9).
    case udp = 1
    /// Latency probe to the echo port (7).
    case echoRequest = 2
    /// Its reply, from the echo port.
    case echoReply = 3
}

// The critical paths a hop table covers: the stages a packet is stamped at along each, in
// order. A path stamps the subset it really has; the hop derivation walks what is there.

enum CriticalPath: String, CaseIterable, Sendable {
    /// From the sender's doorbell (or send()) until the frame is off the air.
    case tx
    /// From the frame off the air until the sender saw its completion interrupt.
    case completion
    /// From a frame on the air until the receiver verified it.
    case rx
    /// One echo: the request's TX, then the reply's RX (both carry the echo's sequence number).
    case ping

    var stages: [Stage] {
        switch self {
        case .tx:
            StageChain.txExtraPath.stages + [.deviceDequeue, .air]
        case .completion:
            [.air, .irqRaise, .physicalIRQ, .virtualIRQInjection, .guestISR]
        case .rx:
            // The interrupt stages are stamped with the cause's sequence number, i.e. the newest
            // frame the interrupt covers.
            [.rxAir, .rxDMA, .irqRaise, .physicalIRQ, .rxPhysicalIRQ, .rxForward, .rxGuestCopy,
             .virtualIRQInjection, .guestISR, .rxDelivery]
        case .ping:
            CriticalPath.tx.stages + CriticalPath.rx.stages
        }
    }

    /// Stages stamped once per interrupt, with its cause's sequence number rather than each
    /// frame's (see HopDerivation).
    static let perInterrupt: [Stage] = [.irqRaise, .physicalIRQ, .virtualIRQInjection, .guestISR]

    /// The critical paths of a run with this workload and direction.
    static func of(_ config: PathConfig) -> [CriticalPath] {
        switch config.workload {
        case .udp: (config.direction.sends ? [.tx, .completion] : []) + (config.direction.receives ? [.rx] : [])
        case .ping: [.ping]
        case .idle: []
        }
    }
}

// What the radio's DCF medium did over a run (the model's decisions, not the pipelines'): air
// utilization, attempts, retries, collisions, beacons, frames dropped at the retry limit.
import Platform

public struct AirStatistics: Sendable, Codable, Equatable {
    /// Busy air time (exchanges, failed attempts, beacons) over the time since the medium started.
    public var utilization: Double = 0
    /// Data frames that finished on the air: delivered or dropped at the retry limit.
    public var frames = 0
    /// Transmission attempts of data frames: frames + retries.
    public var attempts = 0
    public var retries = 0
    public var collisions = 0
    /// Single-sender attempts lost to `--loss`.
    public var lostAttempts = 0
    public var retryLimitExceeded = 0
    public var beacons = 0
    /// The seed the backoff and frame-error draws came from (`--seed`).
    public var seed: UInt64 = 0

    public var attemptsPerFrame: Double { frames > 0 ? Double(attempts) / Double(frames) : 0 }

    init(medium: WirelessMedium, untilNs: Int64, seed: UInt64) {
        let c = medium.counters
        utilization = medium.utilization(untilNs: untilNs)
        let nodes = [c.station, c.accessPoint]
        frames = nodes.reduce(0) { $0 + $1.delivered + $1.retryLimitExceeded }
        attempts = nodes.reduce(0) { $0 + $1.attempts }
        retries = nodes.reduce(0) { $0 + $1.retries }
        retryLimitExceeded = nodes.reduce(0) { $0 + $1.retryLimitExceeded }
        collisions = c.collisions
        lostAttempts = c.lostAttempts
        beacons = c.beacons
        self.seed = seed
    }
}

import CVWiFiShim
import Measurement

/// Paces transmissions at the medium's rate: `send` runs one end's frame through the DCF medium
/// (WirelessMedium: random backoff, retries, beacons), `contend` one round between both ends'.
///
/// THIS SLEEP IS THE ONLY SIMULATED PHYSICS IN THE PROJECT: it stands for the radio, which no
/// software path can make faster. Everything else the benchmark measures is real work.
///
/// Deadlines are absolute (`clock_nanosleep(TIMER_ABSTIME)`) and an exchange starts at
/// max(now, end of the previous one), so wake-up jitter does not accumulate at saturation.
/// Used by one thread at a time (the μCode thread); timer slack is set to 1 ns on its first sleep.
public final class AirPacer: @unchecked Sendable {
    // SAFETY: used by one thread at a time (the μCode thread); Sendable only so it can be handed to it.
    public let model: AirTimeModel?
    /// Monotonic ns at which the medium becomes free.
    public private(set) var mediumFreeNs: Int64 = 0
    public private(set) var frames: Int = 0
    /// Air time charged so far.
    public private(set) var airNs: Int64 = 0
    private var slackSet = false

    /// The DCF medium that decides each exchange (nil with `--air none`).
    public let medium: WirelessMedium?

    /// `model` nil means `--air none`: no pacing, `transmit` returns at once. With a model, the
    /// medium runs DCF with `access`'s parameters and draws its backoffs from `seed`.
    public init(model: AirTimeModel?, access: ChannelAccess = ChannelAccess(), seed: UInt64 = 1) {
        self.model = model
        medium = model.map { WirelessMedium(model: $0, access: access, seed: seed, startNs: vw_monotonic_ns()) }
    }

    /// One frame's way over the medium: attempts until it is acknowledged or the retry limit
    /// drops it, each decided by DCF (backoff, beacons, frame errors); then sleeps until the last
    /// attempt ends. `fromAccessPoint` says which node sends. Returns the last exchange and the
    /// attempts it took. With no model: at once, delivered.
    @inline(__always)
    public func send(mpduBytes: Int, readySinceNs: Int64, fromAccessPoint: Bool) -> (exchange: AirExchange, attempts: Int) {
        frames &+= 1
        guard let medium else { return (atOnce(station: !fromAccessPoint, accessPoint: fromAccessPoint), 1) }
        var attempts = 0
        var ready = readySinceNs
        while true {
            attempts += 1
            let frame = PendingFrame(mpduBytes: mpduBytes, readySinceNs: ready)
            let e = fromAccessPoint ? resolve(medium, station: nil, accessPoint: frame) : resolve(medium, station: frame, accessPoint: nil)
            let fate = fromAccessPoint ? e.accessPoint : e.station
            if fate == .retry {
                ready = e.endNs
                continue
            }
            sleep(until: e.endNs)
            return (e, attempts)
        }
    }

    /// One round of contention between the two ends' head-of-line frames (nil: that end has
    /// none; at least one is given): DCF picks the sender (or a collision), the thread sleeps
    /// until the exchange ends, and each end's fate is in the result (`.none`: it did not send,
    /// `.retry`: send the same frame again). `newFrames` counts frames entering the medium. With
    /// no model: at once, each given frame delivered.
    @inline(__always)
    public func contend(station: PendingFrame?, accessPoint: PendingFrame?, newFrames: Int) -> AirExchange {
        frames &+= newFrames
        guard let medium else { return atOnce(station: station != nil, accessPoint: accessPoint != nil) }
        let e = resolve(medium, station: station, accessPoint: accessPoint)
        sleep(until: e.endNs)
        return e
    }

    /// The medium's next exchange, and the pacer's view of it (busy air, when the medium frees).
    @inline(__always)
    private func resolve(_ medium: WirelessMedium, station: PendingFrame?, accessPoint: PendingFrame?) -> AirExchange {
        let e = medium.next(station: station, accessPoint: accessPoint)
        airNs = medium.counters.busyNs
        mediumFreeNs = e.endNs
        return e
    }

    /// With no model (`--air none`): now, each given end's frame delivered.
    private func atOnce(station: Bool, accessPoint: Bool) -> AirExchange {
        let now = vw_monotonic_ns()
        return AirExchange(sender: station ? .station : .accessPoint, startNs: now, endNs: now,
                           station: station ? .delivered : .none, accessPoint: accessPoint ? .delivered : .none)
    }

    /// Sleeps until the absolute monotonic time `deadlineNs` (retrying on EINTR).
    @inline(__always)
    public func sleep(until deadlineNs: Int64) {
        if !slackSet {
            _ = vw_set_timer_slack(1)
            slackSet = true
        }
        while SystemCall.errno(of: vw_sleep_until_ns(deadlineNs)) == .interrupted {}
    }
}

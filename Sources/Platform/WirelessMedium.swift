/// The shared 802.11 medium between the station (our device's radio) and the access point, run
/// by DCF (IEEE 802.11-2016 clause 10.3): after the medium has been idle for DIFS, each node with
/// a frame counts down a backoff drawn uniformly from [0, CW] slots and transmits when it
/// reaches 0; a node that loses freezes its count and resumes it after the next DIFS; equal
/// counts collide and both retry with CW doubled (CWmin up to CWmax), until the retry limit drops
/// the frame. A node counts its backoff down even with nothing queued (post-backoff), so a frame
/// that arrives at an idle node whose count is spent goes out at once. Beacons go out at each
/// TBTT after PIFS, ahead of any contender (a hardware beacon queue: AIFS 1, CW 0), without ACK.
///
/// It is a lazily evaluated discrete-event model: the device thread asks for the next exchange
/// when a node has a frame and sleeps until it ends (the sleep is the radio; see AirPacer). All
/// randomness comes from one SplitMix64 seeded by `--seed`, so a seed fixes the air schedule.
/// Used by one thread at a time; allocation-free.
///
/// Simplifications, stated: an unacknowledged attempt (collision or frame error) keeps the medium
/// busy for the longer frame and its sender resumes contention after DIFS (ACKTimeout = SIFS +
/// slot + PHY-RX-START delay is about DIFS at 802.11g long slots; EIFS is not modelled);
/// propagation delay is 0; no RTS/CTS; ACKs and beacons are never lost.
public final class WirelessMedium: @unchecked Sendable {
    // SAFETY: used by one thread at a time (the device thread); Sendable only to be handed to it.
    public let model: AirTimeModel
    public let access: ChannelAccess
    private var random: SplitMix64

    /// When the medium last became idle.
    public private(set) var mediumFreeNs: Int64
    /// The next target beacon transmission time (Int64.max: no beacons).
    public private(set) var nextBeaconNs: Int64
    private var nodes: (MediumNodeState, MediumNodeState)
    private var beaconNsBeforeTraffic: Int64 = 0
    public private(set) var counters = MediumCounters()
    public let startNs: Int64
    /// When the first data exchange began (0: none yet).
    public private(set) var firstExchangeNs: Int64 = 0

    public init(model: AirTimeModel, access: ChannelAccess = ChannelAccess(), seed: UInt64, startNs: Int64) {
        self.model = model
        self.access = access
        random = SplitMix64(seed: seed)
        self.startNs = startNs
        mediumFreeNs = startNs
        nextBeaconNs = access.beaconIntervalNs.map { startNs + $0 } ?? .max
        nodes = (MediumNodeState(cw: model.cwMin), MediumNodeState(cw: model.cwMin))
        nodes.0.backoff = draw(model.cwMin)
        nodes.1.backoff = draw(model.cwMin)
    }

    @inline(__always) private func draw(_ cw: Int) -> Int { Int(random.uniform(through: UInt64(cw))) }

    /// Resolves the next exchange on the air, given each node's head-of-line frame (nil: none).
    /// At least one must be non-nil. Beacons due before that exchange are sent first (counted,
    /// and their air time taken); the returned exchange is the next data exchange.
    public func next(station: PendingFrame?, accessPoint: PendingFrame?) -> AirExchange {
        precondition(station != nil || accessPoint != nil, "the medium resolves an exchange only when a node has a frame")
        let slot = model.slotNs
        let difs = model.difsNs
        while true {
            let idleStart = mediumFreeNs + difs
            let tS = station.map { max($0.readySinceNs, idleStart + Int64(nodes.0.backoff) * slot) } ?? .max
            let tA = accessPoint.map { max($0.readySinceNs, idleStart + Int64(nodes.1.backoff) * slot) } ?? .max
            let first = min(tS, tA)
            let beaconAt = max(nextBeaconNs, mediumFreeNs + model.sifsNs + slot)
            if nextBeaconNs != .max && beaconAt < first {
                sendBeacon(at: beaconAt, idleStart: idleStart)
                continue
            }
            elapseIdleSlots(from: idleStart, to: first)
            let both = tS == tA
            let sender: MediumNode = both ? .both : (tS < tA ? .station : .accessPoint)
            return exchange(sender: sender, start: first, station: station, accessPoint: accessPoint)
        }
    }

    /// Every node's count goes down by the idle slots between `idleStart` and `time`.
    private func elapseIdleSlots(from idleStart: Int64, to time: Int64) {
        guard time > idleStart else { return }
        let slots = Int((time - idleStart) / model.slotNs)
        nodes.0.backoff = max(0, nodes.0.backoff - slots)
        nodes.1.backoff = max(0, nodes.1.backoff - slots)
    }

    private func sendBeacon(at time: Int64, idleStart: Int64) {
        elapseIdleSlots(from: idleStart, to: time)
        let duration = model.frameNs(bytes: access.beaconBytes, rateMbps: model.lowestBasicRateMbps)
        mediumFreeNs = time + duration
        counters.beacons += 1
        counters.busyNs += duration
        counters.beaconNs += duration
        if firstExchangeNs == 0 { beaconNsBeforeTraffic += duration }
        // A beacon held past its TBTT by a busy medium does not move the schedule (TBTTs are fixed).
        while nextBeaconNs <= time { nextBeaconNs += access.beaconIntervalNs ?? .max }
    }

    private func exchange(sender: MediumNode, start: Int64, station: PendingFrame?, accessPoint: PendingFrame?) -> AirExchange {
        var result = AirExchange(sender: sender, startNs: start, endNs: start)
        if firstExchangeNs == 0 { firstExchangeNs = start }
        switch sender {
        case .both:
            let longest = max(model.dataFrameNs(mpduBytes: station!.mpduBytes), model.dataFrameNs(mpduBytes: accessPoint!.mpduBytes))
            result.endNs = start + longest
            counters.collisions += 1
            result.station = fail(&nodes.0, &counters.station, mpduBytes: station!.mpduBytes)
            result.accessPoint = fail(&nodes.1, &counters.accessPoint, mpduBytes: accessPoint!.mpduBytes)
        case .station, .accessPoint:
            let frame = sender == .station ? station! : accessPoint!
            let index = sender == .station ? 0 : 1
            let data = model.dataFrameNs(mpduBytes: frame.mpduBytes)
            let lost = access.frameErrorProbability > 0 && random.unitInterval() < access.frameErrorProbability
            let fate: AttemptFate
            if lost {
                result.endNs = start + data
                counters.lostAttempts += 1
                fate = index == 0 ? fail(&nodes.0, &counters.station, mpduBytes: frame.mpduBytes)
                                  : fail(&nodes.1, &counters.accessPoint, mpduBytes: frame.mpduBytes)
            } else {
                result.endNs = start + data + model.sifsNs + model.ackNs()
                fate = index == 0 ? succeed(&nodes.0, &counters.station) : succeed(&nodes.1, &counters.accessPoint)
            }
            if index == 0 { result.station = fate } else { result.accessPoint = fate }
        }
        counters.busyNs += result.endNs - start
        mediumFreeNs = result.endNs
        return result
    }

    private func succeed(_ node: inout MediumNodeState, _ tally: inout NodeAirCounters) -> AttemptFate {
        tally.attempts += 1
        tally.delivered += 1
        node.attempt = 0
        node.cw = model.cwMin
        node.backoff = draw(node.cw)
        return .delivered
    }

    private func fail(_ node: inout MediumNodeState, _ tally: inout NodeAirCounters, mpduBytes: Int) -> AttemptFate {
        tally.attempts += 1
        node.attempt += 1
        if node.attempt >= access.retryLimit(mpduBytes: mpduBytes) {
            tally.retryLimitExceeded += 1
            node.attempt = 0
            node.cw = model.cwMin
            node.backoff = draw(node.cw)
            return .dropped
        }
        tally.retries += 1
        node.cw = min(2 * node.cw + 1, access.cwMax)
        node.backoff = draw(node.cw)
        return .retry
    }

    /// Busy air time (beacons before the first exchange left out) over the time from the first
    /// data exchange to `untilNs`; 0 before anything was sent.
    public func utilization(untilNs: Int64) -> Double {
        guard firstExchangeNs != 0, untilNs > firstExchangeNs else { return 0 }
        return Double(counters.busyNs - beaconNsBeforeTraffic) / Double(untilNs - firstExchangeNs)
    }
}

/// A node's head-of-line frame.
public struct PendingFrame: Sendable, Equatable {
    public var mpduBytes: Int
    /// When it became ready (a frame queued while the medium was busy: any time before that).
    public var readySinceNs: Int64
    public init(mpduBytes: Int, readySinceNs: Int64) {
        self.mpduBytes = mpduBytes
        self.readySinceNs = readySinceNs
    }
}

public enum MediumNode: UInt8, Sendable { case station, accessPoint, both }

/// What became of one node's frame in an exchange.
public enum AttemptFate: UInt8, Sendable {
    /// The node did not transmit.
    case none
    /// Received and acknowledged.
    case delivered
    /// Not acknowledged (collision or frame error): the frame stays at the head for another attempt.
    case retry
    /// Not acknowledged on its last allowed attempt: the frame is dropped.
    case dropped
}

/// One data exchange: who sent, when it started and ended on the air, each node's fate.
public struct AirExchange: Sendable, Equatable {
    public var sender: MediumNode
    public var startNs: Int64
    public var endNs: Int64
    public var station: AttemptFate = .none
    public var accessPoint: AttemptFate = .none
}

struct MediumNodeState {
    var cw: Int
    var backoff = 0
    /// Failed attempts of the head-of-line frame so far.
    var attempt = 0
}

/// What one node's frames met on the air.
public struct NodeAirCounters: Sendable, Equatable {
    /// Transmission attempts: delivered + retries + retryLimitExceeded.
    public var attempts = 0
    public var delivered = 0
    /// Failed attempts after which the frame was tried again.
    public var retries = 0
    /// Frames dropped after their last allowed attempt failed.
    public var retryLimitExceeded = 0
    public init() {}
}

/// The medium's tallies over a run.
public struct MediumCounters: Sendable, Equatable {
    public var station = NodeAirCounters()
    public var accessPoint = NodeAirCounters()
    /// Exchanges in which both nodes transmitted in the same slot.
    public var collisions = 0
    /// Single-sender attempts lost to the frame-error probability.
    public var lostAttempts = 0
    public var beacons = 0
    /// Air time in use (exchanges, collisions, beacons), and the beacons' share of it.
    public var busyNs: Int64 = 0
    public var beaconNs: Int64 = 0
    public init() {}
}

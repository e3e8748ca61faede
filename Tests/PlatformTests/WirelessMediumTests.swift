// The DCF medium against what the protocol predicts: the analytic single-station mean, Bianchi's
// saturation model for two stations (computed here, independently of the model's code), and the
// retry arithmetic under frame errors.
import Foundation
import Testing
@testable import Platform

@Suite struct WirelessMediumTests {
    static let payload = 1450
    static let mpdu = 1514
    let model = AirTimeModel.ieee80211g(slot: .long)

    /// Saturates the given nodes for `frames` exchanges; returns the medium and the goodput (Mbps)
    /// of delivered payloads over the time from the start to the last exchange's end.
    func saturate(seed: UInt64, frames: Int, station: Bool = true, accessPoint: Bool = false,
                  access: ChannelAccess = ChannelAccess()) -> (WirelessMedium, Double, [AirExchange]) {
        let medium = WirelessMedium(model: model, access: access, seed: seed, startNs: 1_000_000)
        var delivered = 0
        var log: [AirExchange] = []
        log.reserveCapacity(frames)
        for _ in 0..<frames {
            let ready = PendingFrame(mpduBytes: Self.mpdu, readySinceNs: medium.mediumFreeNs)
            let e = medium.next(station: station ? ready : nil, accessPoint: accessPoint ? ready : nil)
            delivered += (e.station == .delivered ? 1 : 0) + (e.accessPoint == .delivered ? 1 : 0)
            log.append(e)
        }
        let span = Double(medium.mediumFreeNs - medium.startNs)
        return (medium, Double(delivered * Self.payload * 8) / span * 1_000, log)
    }

    @Test func theSameSeedGivesTheSameScheduleAndAnotherSeedAnotherOne() {
        let a = saturate(seed: 7, frames: 2_000, accessPoint: true)
        let b = saturate(seed: 7, frames: 2_000, accessPoint: true)
        let c = saturate(seed: 8, frames: 2_000, accessPoint: true)
        #expect(a.2 == b.2)
        #expect(a.1 == b.1)
        #expect(a.2 != c.2)
        #expect(a.1 != c.1)
    }

    @Test func singleStationMeanGoodputOverTenSeedsIsTheAnalyticValue() {
        let expected = model.expectedGoodputMbps(payloadBytes: Self.payload, mpduBytes: Self.mpdu, access: ChannelAccess())
        let runs = (1...10).map { saturate(seed: UInt64($0), frames: 5_000).1 }
        let mean = runs.reduce(0, +) / Double(runs.count)
        #expect(abs(mean / expected - 1) < 0.01, "mean \(mean) Mbps, analytic \(expected) Mbps")
        // The backoff is random: runs differ, by a fraction of a percent over 5,000 frames.
        #expect(Set(runs).count == runs.count)
        #expect((runs.max()! - runs.min()!) / mean < 0.02)
        // Beacons every 102.4 ms took their air time.
        let medium = saturate(seed: 1, frames: 5_000).0
        let seconds = Double(medium.mediumFreeNs - medium.startNs) / 1e9
        #expect(abs(Double(medium.counters.beacons) - seconds / 0.1024) <= 1)
        #expect(medium.counters.collisions == 0 && medium.counters.station.retries == 0)
    }

    @Test func twoSaturatedStationsMatchBianchi() {
        var access = ChannelAccess()
        access.beaconIntervalNs = nil
        let bianchi = Bianchi.saturationGoodputMbps(stations: 2, model: model, access: access, payloadBytes: Self.payload, mpduBytes: Self.mpdu)
        let (medium, total, _) = saturate(seed: 3, frames: 100_000, accessPoint: true, access: access)
        #expect(abs(total / bianchi - 1) < 0.03, "simulated \(total) Mbps, Bianchi \(bianchi) Mbps, collisions \(medium.counters.collisions) of 100000")
        #expect(medium.counters.collisions > 0)
        // Each collision is one failed attempt of each node.
        let c = medium.counters
        #expect(c.station.retries + c.station.retryLimitExceeded + c.accessPoint.retries + c.accessPoint.retryLimitExceeded
                == 2 * c.collisions)
        // Both nodes get the medium about equally often.
        #expect(abs(Double(c.station.delivered) / Double(c.accessPoint.delivered) - 1) < 0.05)
    }

    @Test func frameErrorsCostWhatRetriesAndDoubledBackoffPredict() {
        var access = ChannelAccess()
        access.frameErrorProbability = 0.1
        access.beaconIntervalNs = nil
        let frames = 50_000
        let (medium, goodput, _) = saturate(seed: 5, frames: frames, access: access)
        let c = medium.counters.station
        // Counters add up: every exchange was one attempt; a frame is delivered or dropped.
        #expect(c.attempts == frames)
        #expect(c.attempts == c.delivered + c.retries + c.retryLimitExceeded)
        #expect(medium.counters.lostAttempts == c.retries + c.retryLimitExceeded)
        // Expected air time per frame: attempt k (reached with probability p^k) costs DIFS +
        // CW_k / 2 slots + data; the delivered one adds SIFS + ACK.
        let p = 0.1
        var time = 0.0, reach = 1.0, cw = model.cwMin
        let limit = access.retryLimit(mpduBytes: Self.mpdu)
        for _ in 0..<limit {
            time += reach * Double(model.difsNs + Int64(cw) * model.slotNs / 2 + model.dataFrameNs(mpduBytes: Self.mpdu))
            reach *= p
            cw = min(2 * cw + 1, access.cwMax)
        }
        let deliveredShare = 1 - pow(p, Double(limit))
        time += deliveredShare * Double(model.sifsNs + model.ackNs())
        let predicted = deliveredShare * Double(Self.payload * 8) / time * 1_000
        #expect(abs(goodput / predicted - 1) < 0.02, "simulated \(goodput) Mbps, predicted \(predicted) Mbps")
        let clean = model.goodputMbps(payloadBytes: Self.payload, mpduBytes: Self.mpdu)
        #expect(goodput < clean * 0.92)
    }

    @Test func aFrameReachingAnIdleMediumWhoseBackoffIsSpentGoesOutAtOnce() {
        var access = ChannelAccess()
        access.beaconIntervalNs = nil
        let medium = WirelessMedium(model: model, access: access, seed: 1, startNs: 0)
        let first = medium.next(station: PendingFrame(mpduBytes: Self.mpdu, readySinceNs: 0), accessPoint: nil)
        #expect(first.startNs >= model.difsNs && first.station == .delivered)
        // 10 ms later the post-backoff (at most 15 slots) has long run out.
        let later = first.endNs + 10_000_000
        let second = medium.next(station: PendingFrame(mpduBytes: Self.mpdu, readySinceNs: later), accessPoint: nil)
        #expect(second.startNs == later)
        #expect(second.endNs == later + model.dataFrameNs(mpduBytes: Self.mpdu) + model.sifsNs + model.ackNs())
    }

    @Test func aRetryLimitDropsTheFrameAndResetsTheWindow() {
        var access = ChannelAccess()
        access.frameErrorProbability = 1
        access.beaconIntervalNs = nil
        let medium = WirelessMedium(model: model, access: access, seed: 2, startNs: 0)
        var fates: [AttemptFate] = []
        for _ in 0..<14 {
            fates.append(medium.next(station: PendingFrame(mpduBytes: Self.mpdu, readySinceNs: 0), accessPoint: nil).station)
        }
        let once: [AttemptFate] = Array(repeating: .retry, count: 6) + [.dropped]
        #expect(fates == once + once)
        #expect(medium.counters.station.retryLimitExceeded == 2)
    }
}

// The device's radio runs DCF: the seed fixes the air schedule's draws, --loss makes retries
// and drops happen, and the counters add up.
import Foundation
import Testing
@testable import DataPaths
import Platform

@Suite(.serialized) struct RadioMediumTests {
    func run(_ edit: (inout PathConfig) -> Void) throws -> PathResult {
        var c = PathConfig(path: .native)
        c.packets = 600
        c.warmupPackets = 20
        edit(&c)
        return try PipelineExecutor().run(c, control: RunControl())
    }

    @Test func theSeedFixesTheMediumsDrawsAndAnotherSeedChangesThem() throws {
        // The draws (backoff, frame errors) come in frame order whatever the threads' timing, so
        // one seed gives the same attempts and retries; beacons follow the wall clock.
        let a = try run { $0.seed = 11; $0.loss = 0.2 }, b = try run { $0.seed = 11; $0.loss = 0.2 }
        let c = try run { $0.seed = 12; $0.loss = 0.2 }
        let (airA, airB, airC) = (try #require(a.air), try #require(b.air), try #require(c.air))
        #expect(airA.seed == 11 && airC.seed == 12)
        #expect(airA.frames == 600 && airA.retries > 0)
        #expect(airA.attempts == airB.attempts && airA.retries == airB.retries)
        #expect(airA.retries != airC.retries || airA.attempts != airC.attempts)
        // Busy air (frames, SIFS, ACKs) over the time from the first exchange: the rest is DIFS and backoff.
        let clean = try #require(try run { $0.seed = 11 }.air)
        #expect(clean.utilization > 0.5 && clean.utilization < 0.7)
    }

    @Test func lossCausesRetriesAndTheCountersAddUp() throws {
        let r = try run { $0.loss = 0.3; $0.seed = 5 }
        let air = try #require(r.air)
        #expect(air.retries > 0)
        #expect(air.attempts == air.frames + air.retries)
        #expect(air.lostAttempts == air.retries + air.retryLimitExceeded)
        // 0.3 per attempt: about 1 / (1 - 0.3) = 1.43 attempts per frame.
        #expect(air.attemptsPerFrame > 1.3 && air.attemptsPerFrame < 1.6)
        #expect(r.summary.packetsSent == r.summary.packetsDelivered + r.summary.packetsDropped)
        #expect((r.drops["retry_limit_exceeded"] ?? 0) == air.retryLimitExceeded)
        let clean = try run { $0.seed = 5 }
        #expect(r.summary.goodputMbps < clean.summary.goodputMbps * 0.85)
    }

    @Test(arguments: [Direction.tx, .rx])
    func aStreamThatStartsLateDoesNotCatchUpOnAirTimeNobodyUsed(_ direction: Direction) throws {
        // The medium's clock runs from the device's construction; here the threads start 300 ms
        // later (as a KVM guest takes long to come up). A frame counted as ready since then
        // would be sent in a burst "on air time in the past", above the radio's rate.
        var c = PathConfig(path: .native)
        c.packets = 600
        c.warmupPackets = 20
        c.direction = direction
        var executor = PipelineExecutor()
        executor.beforeStart = { _ in usleep(300_000) }
        let r = try executor.run(c, control: RunControl())
        let model = AirTimeModel.ieee80211g(slot: .long)
        let limit = model.expectedGoodputMbps(payloadBytes: c.size, mpduBytes: FrameFormat.mpduLength(payload: c.size),
                                              access: ChannelAccess())
        #expect(r.summary.packetsDelivered == 600)
        // Over 580 measured frames the backoff draws average out to within a few percent.
        #expect(r.summary.goodputMbps < limit * 1.05, "\(r.summary.goodputMbps) Mbps against the radio's \(limit)")
        #expect(r.summary.goodputMbps > limit * 0.9, "\(r.summary.goodputMbps) Mbps against the radio's \(limit)")
    }

    @Test func noAirMeansNoMedium() throws {
        let r = try run { $0.air = .none }
        #expect(r.air == nil)
        #expect(r.summaryRow.count == PathResult.summaryHeader.count)
    }
}

/// `--direction bidir`: the station and the access point each saturate their end of a real path
/// and contend for the medium.
@Suite(.serialized) struct BidirectionalMediumTests {
    static func run(_ path: PathKind, packets: Int = 2_000) throws -> PathResult {
        var c = PathConfig(path: path)
        c.direction = .bidir
        c.packets = packets
        c.warmupPackets = 50
        c.trap = .auto
        return try PipelineExecutor().run(c, control: RunControl())
    }

    @Test func bothEndsSaturatedMatchBianchiForTwoStations() throws {
        let r = try Self.run(.native)
        let model = AirTimeModel.ieee80211g(slot: .long)
        let access = ChannelAccess()
        let size = PathConfig(path: .native).size
        let bianchi = Bianchi.saturationGoodputMbps(stations: 2, model: model, access: access, payloadBytes: size,
                                                    mpduBytes: FrameFormat.mpduLength(payload: size))
            * (1 - model.beaconShare(access: access))
        #expect(r.summary.packetsSent == 4_000 && r.summary.packetsDelivered == 4_000 && r.summary.packetsDropped == 0)
        #expect(abs(r.summary.goodputMbps / bianchi - 1) < 0.03, "\(r.summary.goodputMbps) Mbps, Bianchi \(bianchi) Mbps")
        let tx = try #require(r.goodputByDirectionMbps["tx"]), rx = try #require(r.goodputByDirectionMbps["rx"])
        #expect(abs(tx + rx - r.summary.goodputMbps) < 1e-9)
        // DCF is fair between two saturated nodes: each gets about half.
        #expect(abs(tx / rx - 1) < 0.1, "TX \(tx) RX \(rx)")
        let air = try #require(r.air)
        #expect(air.collisions > 0, "two saturated ends collide")
        #expect(air.attempts == air.frames + air.retries)
        #expect(air.frames == 4_000)
        // Each collision is a failed attempt of each end (no --loss here).
        #expect(air.retries + air.retryLimitExceeded == 2 * air.collisions)
    }

    @Test(arguments: [PathKind.passthrough, .vwifi])
    func vmPathsCarryBothStreamsOnTheThreadTrap(_ path: PathKind) throws {
        let r = try Self.run(path, packets: 600)
        #expect(r.summary.trapBackend == "thread")
        #expect(r.trapReason.contains("not both at once"), "\(r.trapReason)")
        #expect(r.summary.packetsDelivered == 1_200 && r.summary.packetsDropped == 0)
        #expect((r.goodputByDirectionMbps["tx"] ?? 0) > 5 && (r.goodputByDirectionMbps["rx"] ?? 0) > 5, "\(r.goodputByDirectionMbps)")
    }

    @Test func kvmRefusesBidirWithTheReason() {
        var c = PathConfig(path: .vwifi)
        c.direction = .bidir
        c.trap = .kvm
        #expect { try TrapBackendDecision.decide(c) } throws: {
            ($0 as? ConfigError)?.field == "trap" && "\($0)".contains("not both at once")
        }
    }

    @Test func pingRefusesBidir() {
        var c = PathConfig(path: .native)
        c.workload = .ping
        c.direction = .bidir
        #expect { try c.validate() } throws: { ($0 as? ConfigError)?.field == "direction" }
    }
}

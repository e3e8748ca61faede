import Testing
@testable import Platform
import CVWiFiShim

/// The pacer: the device thread's way onto the medium. It returns only once the exchange DCF
/// chose has ended on the air (the radio's time is slept, never skipped).
@Suite struct AirPacerTests {
    let model = AirTimeModel.ieee80211g(slot: .long)

    @Test func aSendReturnsOnlyWhenItsExchangeHasEnded() {
        let pacer = AirPacer(model: model, seed: 7)
        let (first, attempts) = pacer.send(mpduBytes: 1514, readySinceNs: vw_monotonic_ns(), fromAccessPoint: false)
        #expect(vw_monotonic_ns() >= first.endNs)
        #expect(attempts == 1 && first.station == .delivered && first.sender == .station)
        #expect(first.endNs - first.startNs == model.dataFrameNs(mpduBytes: 1514) + model.sifsNs + model.ackNs())
        // Queued while the medium was busy: it contends from the end of the last exchange, after DIFS.
        let (second, _) = pacer.send(mpduBytes: 1514, readySinceNs: pacer.mediumFreeNs, fromAccessPoint: false)
        #expect(second.startNs >= first.endNs + model.difsNs)
        #expect(pacer.mediumFreeNs == second.endNs && pacer.frames == 2)
    }

    @Test func aContendedRoundSleepsThroughTheExchangeAndReportsBothEnds() {
        let pacer = AirPacer(model: model, seed: 1)
        var now = vw_monotonic_ns()
        var sent = (station: 0, accessPoint: 0, collisions: 0)
        for _ in 0..<40 {
            let e = pacer.contend(station: PendingFrame(mpduBytes: 1514, readySinceNs: now),
                                  accessPoint: PendingFrame(mpduBytes: 1514, readySinceNs: now), newFrames: 0)
            #expect(vw_monotonic_ns() >= e.endNs)
            switch e.sender {
            case .station: sent.station += 1; #expect(e.station == .delivered && e.accessPoint == .none)
            case .accessPoint: sent.accessPoint += 1; #expect(e.accessPoint == .delivered && e.station == .none)
            case .both: sent.collisions += 1; #expect(e.station == .retry && e.accessPoint == .retry)
            }
            now = e.endNs
        }
        #expect(sent.station > 0 && sent.accessPoint > 0, "\(sent)")
    }

    @Test func noAirMeansNoPacing() {
        let pacer = AirPacer(model: nil)
        let before = vw_monotonic_ns()
        let (e, attempts) = pacer.send(mpduBytes: 1514, readySinceNs: before, fromAccessPoint: false)
        #expect(e.endNs >= before && e.station == .delivered && attempts == 1)
        let both = pacer.contend(station: PendingFrame(mpduBytes: 1514, readySinceNs: before),
                                 accessPoint: PendingFrame(mpduBytes: 1514, readySinceNs: before), newFrames: 2)
        #expect(both.station == .delivered && both.accessPoint == .delivered)
        #expect(pacer.frames == 3 && pacer.airNs == 0)
    }
}

import Testing
@testable import Platform
import CVWiFiShim

@Suite struct AirPacerStartTests {
    /// A first exchange that claims to follow the previous one must not be booked in the past:
    /// the medium was never used, so it starts now and the pacer really waits.
    @Test func firstBackToBackExchangeStartsNow() {
        let pacer = AirPacer(model: .ieee80211g(slot: .long))
        let before = vw_monotonic_ns()
        let end = pacer.deadline(forMpdu: 1514, readySinceNs: pacer.mediumFreeNs)
        #expect(end >= before + 498_000)
        let second = pacer.deadline(forMpdu: 1514, readySinceNs: pacer.mediumFreeNs)
        #expect(second == end + 498_000)
    }
}

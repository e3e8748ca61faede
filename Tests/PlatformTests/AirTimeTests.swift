import CVWiFiShim
import Foundation
import Testing
@testable import Platform

@Suite struct AirTimeTests {
    /// The formulas, written out independently of the model.
    func expectedExchangeNs(mpdu: Int, slotUs: Double, rate: Double, ackRate: Double) -> Double {
        let dataSymbols = (Double(16 + 8 * mpdu + 6) / (rate * 4)).rounded(.up)
        let ackSymbols = (Double(16 + 8 * 14 + 6) / (ackRate * 4)).rounded(.up)
        let data = 16 + 4 + dataSymbols * 4 + 6
        let ack = 16 + 4 + ackSymbols * 4 + 6
        let difs = 10 + 2 * slotUs
        return (difs + 7.5 * slotUs + data + 10 + ack) * 1_000
    }

    @Test func fullSizeFrameAtLongSlot() {
        let m = AirTimeModel.ieee80211g(slot: .long)
        let mpdu = FrameFormat.mpduLength(payload: 1450)
        #expect(mpdu == 1514)
        #expect(m.symbols(bytes: 1514, rateMbps: 54) == 57)
        #expect(m.dataFrameNs(mpduBytes: 1514) == 254_000)
        #expect(m.ackRateMbps == 24)
        #expect(m.ackNs() == 34_000)
        #expect(m.difsNs == 50_000)
        #expect(m.meanBackoffNs == 150_000)
        #expect(m.exchangeNs(mpduBytes: 1514) == 498_000)
        #expect(Double(m.exchangeNs(mpduBytes: 1514)) == expectedExchangeNs(mpdu: 1514, slotUs: 20, rate: 54, ackRate: 24))
        let mbps = m.goodputMbps(payloadBytes: 1450, mpduBytes: 1514)
        #expect(abs(mbps - 23.29) < 0.005)
        let b = m.breakdown(mpduBytes: 1514)
        #expect(b["total_us"] == 498)
        #expect(b["data_us"] == 254)
        #expect(b["data_symbols"] == 57)
        let sum = (b["difs_us"] ?? 0) + (b["backoff_us"] ?? 0) + (b["data_us"] ?? 0) + (b["sifs_us"] ?? 0) + (b["ack_us"] ?? 0)
        #expect(sum == 498)
    }

    @Test func shortSlotAndSmallFrame() {
        let short = AirTimeModel.ieee80211g(slot: .short)
        #expect(short.difsNs == 28_000)
        #expect(short.exchangeNs(mpduBytes: 1514) == 393_500)
        #expect(Double(short.exchangeNs(mpduBytes: 1514)) == expectedExchangeNs(mpdu: 1514, slotUs: 9, rate: 54, ackRate: 24))
        #expect(abs(short.goodputMbps(payloadBytes: 1450, mpduBytes: 1514) - 29.48) < 0.005)
        // A ping: 56-byte payload, 120-byte MPDU, 5 symbols, 46 us on air.
        let long = AirTimeModel.ieee80211g(slot: .long)
        let ping = FrameFormat.mpduLength(payload: 56)
        #expect(ping == 120)
        #expect(long.symbols(bytes: ping, rateMbps: 54) == 5)
        #expect(long.dataFrameNs(mpduBytes: ping) == 46_000)
        #expect(long.exchangeNs(mpduBytes: ping) == 290_000)
        for mpdu in [64, 120, 500, 1000, 1514, 2346] {
            #expect(Double(long.exchangeNs(mpduBytes: mpdu)) == expectedExchangeNs(mpdu: mpdu, slotUs: 20, rate: 54, ackRate: 24))
            #expect(Double(short.exchangeNs(mpduBytes: mpdu)) == expectedExchangeNs(mpdu: mpdu, slotUs: 9, rate: 54, ackRate: 24))
        }
    }

    @Test func ackRateIsTheHighestBasicRateNotAboveTheDataRate() {
        #expect(AirTimeModel.ieee80211g(slot: .long, dataRateMbps: 18).ackRateMbps == 12)
        #expect(AirTimeModel.ieee80211g(slot: .long, dataRateMbps: 6).ackRateMbps == 6)
        #expect(AirTimeModel.ieee80211g(slot: .long, dataRateMbps: 36).ackRateMbps == 24)
        let m = AirTimeModel.ieee80211g(slot: .long, dataRateMbps: 6)
        #expect(Double(m.exchangeNs(mpduBytes: 1514)) == expectedExchangeNs(mpdu: 1514, slotUs: 20, rate: 6, ackRate: 6))
    }

    @Test func modelRoundTripsThroughCodable() throws {
        let m = AirTimeModel.ieee80211g(slot: .short, dataRateMbps: 48)
        let data = try JSONEncoder().encode(m)
        #expect(try JSONDecoder().decode(AirTimeModel.self, from: data) == m)
    }
}

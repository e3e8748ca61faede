/// 802.11g ERP-OFDM air time of one data frame exchange (one station, no collisions, no
/// retries), from the standard's constants (as in ns-3): preamble + SIGNAL, then
/// ceil((SERVICE + 8 x bytes + tail) / bits per symbol) 4 us symbols, then the 2.4 GHz signal
/// extension; the exchange is DIFS + mean backoff (CWmin / 2 slots) + data + SIFS + ACK, the
/// ACK sent at the highest basic rate not above the data rate.
///
/// 1514-byte MPDU at 54 Mbps: 57 symbols, 254 us; long-slot exchange 498 us (23.29 Mbps of
/// 1450-byte payload); short slot 393.5 us (29.48 Mbps).
public struct AirTimeModel: Sendable, Codable, Equatable {
    public var slot: SlotKind
    public var dataRateMbps: Double
    public var preambleNs: Int64 = 16_000
    public var signalNs: Int64 = 4_000
    public var symbolNs: Int64 = 4_000
    public var serviceBits: Int = 16
    public var tailBits: Int = 6
    public var signalExtensionNs: Int64 = 6_000
    public var sifsNs: Int64 = 10_000
    public var slotNs: Int64
    public var cwMin: Int = 15
    public var ackBytes: Int = 14
    public var basicRatesMbps: [Double] = [6, 12, 24]

    public init(slot: SlotKind, dataRateMbps: Double) {
        self.slot = slot
        self.dataRateMbps = dataRateMbps
        slotNs = slot == .long ? 20_000 : 9_000
    }

    /// The 802.11g defaults (see the type's comment).
    public static func ieee80211g(slot: SlotKind, dataRateMbps: Double = 54) -> AirTimeModel {
        AirTimeModel(slot: slot, dataRateMbps: dataRateMbps)
    }

    /// OFDM symbols carrying `bytes` at `rateMbps` (data bits per 4 us symbol = rate x 4).
    public func symbols(bytes: Int, rateMbps: Double) -> Int {
        let bitsPerSymbol = rateMbps * Double(symbolNs) / 1_000
        let bits = Double(serviceBits + 8 * bytes + tailBits)
        return Int((bits / bitsPerSymbol).rounded(.up))
    }

    /// PPDU duration of `bytes` at `rateMbps`.
    public func frameNs(bytes: Int, rateMbps: Double) -> Int64 {
        preambleNs + signalNs + Int64(symbols(bytes: bytes, rateMbps: rateMbps)) * symbolNs + signalExtensionNs
    }

    public func dataFrameNs(mpduBytes: Int) -> Int64 {
        frameNs(bytes: mpduBytes, rateMbps: dataRateMbps)
    }

    /// Highest basic rate not above the data rate (the lowest basic rate if all are above).
    /// An index loop: the pacer asks once per frame on the device thread, which allocates nothing
    /// (`filter` built an array per frame).
    public var ackRateMbps: Double {
        var best = -Double.infinity, lowest = Double.infinity
        var i = 0
        while i < basicRatesMbps.count {
            let r = basicRatesMbps[i]
            if r <= dataRateMbps && r > best { best = r }
            if r < lowest { lowest = r }
            i += 1
        }
        if best > -Double.infinity { return best }
        return lowest < Double.infinity ? lowest : dataRateMbps
    }

    /// The lowest basic rate (beacons and other group-addressed management frames use it).
    public var lowestBasicRateMbps: Double {
        var lowest = Double.infinity
        var i = 0
        while i < basicRatesMbps.count {
            lowest = min(lowest, basicRatesMbps[i])
            i += 1
        }
        return lowest < Double.infinity ? lowest : dataRateMbps
    }

    public func ackNs() -> Int64 {
        frameNs(bytes: ackBytes, rateMbps: ackRateMbps)
    }

    public var difsNs: Int64 { sifsNs + 2 * slotNs }

    /// Mean backoff: CWmin / 2 slots.
    public var meanBackoffNs: Int64 { Int64(cwMin) * slotNs / 2 }

    /// DIFS + mean backoff + data frame + SIFS + ACK.
    public func exchangeNs(mpduBytes: Int) -> Int64 {
        difsNs + meanBackoffNs + dataFrameNs(mpduBytes: mpduBytes) + sifsNs + ackNs()
    }

    /// Components of one exchange in microseconds, plus the total.
    public func breakdown(mpduBytes: Int) -> [String: Double] {
        [
            "difs_us": Double(difsNs) / 1_000,
            "backoff_us": Double(meanBackoffNs) / 1_000,
            "data_us": Double(dataFrameNs(mpduBytes: mpduBytes)) / 1_000,
            "sifs_us": Double(sifsNs) / 1_000,
            "ack_us": Double(ackNs()) / 1_000,
            "total_us": Double(exchangeNs(mpduBytes: mpduBytes)) / 1_000,
            "data_symbols": Double(symbols(bytes: mpduBytes, rateMbps: dataRateMbps)),
        ]
    }

    /// The expected single-station saturation goodput under DCF with beacons: exchanges of
    /// DIFS + mean backoff (CWmin / 2 slots) + data + SIFS + ACK, with the beacons' air time
    /// (each: PIFS instead of the DIFS it displaces is ignored; beacon frame + DIFS) taken out.
    public func expectedGoodputMbps(payloadBytes: Int, mpduBytes: Int, access: ChannelAccess) -> Double {
        goodputMbps(payloadBytes: payloadBytes, mpduBytes: mpduBytes) * (1 - beaconShare(access: access))
    }

    /// The share of air time beacons take (each at the lowest basic rate, after its wait).
    public func beaconShare(access: ChannelAccess) -> Double {
        guard let interval = access.beaconIntervalNs else { return 0 }
        let beacon = frameNs(bytes: access.beaconBytes, rateMbps: lowestBasicRateMbps) + difsNs
        return Double(beacon) / Double(interval)
    }

    /// Saturation goodput in Mbps for back-to-back exchanges carrying `payloadBytes` each.
    public func goodputMbps(payloadBytes: Int, mpduBytes: Int) -> Double {
        Double(payloadBytes * 8) / Double(exchangeNs(mpduBytes: mpduBytes)) * 1_000
    }
}

import Foundation

/// G. Bianchi, "Performance analysis of the IEEE 802.11 distributed coordination function",
/// IEEE JSAC 18(3), 2000: the saturation throughput of n stations under basic access, from the
/// fixed point of the transmission probability tau. An analytic check of the DCF medium, computed
/// from the PHY and DCF parameters alone (nothing of WirelessMedium's code).
public enum Bianchi {
    /// Total goodput in Mbps of `stations` saturated stations sending `payloadBytes` in MPDUs of
    /// `mpduBytes`. Beacons are not in the model: scale by the medium's beacon share if any.
    public static func saturationGoodputMbps(stations n: Int, model: AirTimeModel, access: ChannelAccess,
                                             payloadBytes: Int, mpduBytes: Int) -> Double {
        let w = Double(model.cwMin + 1)
        let m = log2(Double(access.cwMax + 1) / w)
        func tauOf(_ p: Double) -> Double {
            2 * (1 - 2 * p) / ((1 - 2 * p) * (w + 1) + p * w * (1 - pow(2 * p, m)))
        }
        // tau is largest (2 / (W + 1)) when p = 0; the bracket keeps 2p away from the pole at 1.
        var low = 0.0, high = 2 / (w + 1)
        for _ in 0..<200 {
            let tau = (low + high) / 2
            let p = 1 - pow(1 - tau, Double(n - 1))
            if tau > tauOf(p) { high = tau } else { low = tau }
        }
        let tau = (low + high) / 2
        let ptr = 1 - pow(1 - tau, Double(n))
        let ps = Double(n) * tau * pow(1 - tau, Double(n - 1)) / ptr
        let data = Double(model.dataFrameNs(mpduBytes: mpduBytes))
        let ts = data + Double(model.sifsNs + model.ackNs() + model.difsNs)
        let tc = data + Double(model.difsNs)
        let slot = Double(model.slotNs)
        let bitsPerNs = ps * ptr * Double(payloadBytes * 8) / ((1 - ptr) * slot + ptr * ps * ts + ptr * (1 - ps) * tc)
        return bitsPerNs * 1_000
    }
}

// headroom.csv: what lets throughput parity be the air model's finding. Each fig5 TX scenario
// runs once more with the air model off (air: none), so its frame rate is its pipeline's own
// limit; that is set against the frame rate its fig5 TX run delivered on the air, and against
// how busy that run kept the radio (measured air utilization beside the saturated medium's).
import DataPaths
import Measurement
import Platform

extension FigureTables {
    public static func headroom(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.headroomColumns
                         + ["headroom_ci95_low", "air_utilization", "air_utilization_saturated", "goodput_mbps_air_none",
                            "repetitions", "ci_exact", "experiment", "point", "air_experiment"])
        // Figure 5(a)'s UDP TX runs only: a TCP run's rate is its congestion control's as well as the air's.
        let paced = measured(points, .fig5Throughput).filter {
            $0.point.config.direction == .tx && $0.point.config.transportProtocol == "udp"
        }
        for p in measured(points, .headroom) {
            let unpaced = Statistics.summarize(p.runs.map { $0.result.summary.framesPerSecond })
            let goodput = Statistics.median(p.runs.map { $0.result.summary.goodputMbps })
            // The fig5 TX run of the same scenario: the frames/s the radio took from that path.
            let air = paced.first { $0.point.rowName == p.point.rowName }
            let need = air.map { a in Statistics.median(a.runs.map { $0.result.summary.framesPerSecond }) }
            let utilizations = air?.runs.compactMap { $0.result.air?.utilization } ?? []
            let ratio = need.flatMap { $0 > 0 ? unpaced.median / $0 : nil }
            let ratioLow = need.flatMap { $0 > 0 ? unpaced.ci95Low / $0 : nil }
            t.append([p.point.rowName, n(unpaced.median, 2), n(unpaced.ci95Low, 2), n(unpaced.ci95High, 2),
                      opt(need), opt(ratio), opt(ratioLow),
                      utilizations.isEmpty ? "" : n(Statistics.median(utilizations), 4),
                      opt(air.flatMap { saturatedUtilization($0.point.config) }), n(goodput, 4),
                      "\(unpaced.count)", "\(unpaced.ciExact)", p.point.experiment, p.point.label,
                      air?.point.experiment ?? ""])
        }
        return t
    }

    /// The air utilization (busy air time over elapsed time, as the medium counts it) of one
    /// station that always has a frame ready: each exchange is DIFS + mean backoff idle, then
    /// data + SIFS + ACK busy; each beacon interval also holds a beacon and the DIFS before it.
    /// nil where the run had no air model or lost frames (retries change the busy share).
    static func saturatedUtilization(_ c: PathConfig) -> Double? {
        guard c.air == .ieee80211g, c.loss == 0 else { return nil }
        let model = AirTimeModel.ieee80211g(slot: c.slot == .short ? .short : .long)
        let mpdu = FrameFormat.mpduLength(payload: c.size)
        let exchange = Double(model.exchangeNs(mpduBytes: mpdu))
        let busy = exchange - Double(model.difsNs + model.meanBackoffNs)
        let access = ChannelAccess()
        guard let interval = access.beaconIntervalNs.map(Double.init) else { return busy / exchange }
        let beacon = Double(model.frameNs(bytes: access.beaconBytes, rateMbps: model.lowestBasicRateMbps))
        return beacon / interval + (1 - model.beaconShare(access: access)) * busy / exchange
    }
}

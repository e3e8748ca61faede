// What sets the throughput, from headroom.csv: the air model only where every path's pipeline
// sustains more frames/s unpaced (air: none) than the air takes from it, by a stated margin, and
// its fig5 TX run kept the radio busy; otherwise SUMMARY names the path its pipeline limited.
import Measurement

extension SummaryReport {
    /// A pipeline's unpaced frame rate, at the low end of its 95 % interval (unpaced runs are
    /// short and spread widely on a shared machine), must exceed the rate the air takes by this
    /// factor ...
    static let headroomMargin = 1.1
    /// ... and its fig5 TX run's air utilization must reach this share of a saturated medium's.
    static let busyShare = 0.95

    /// The sentence on what sets TX throughput, for `scenarios` (the fig5 TX rows).
    static func whatSetsThroughput(_ dir: ResultsDirectory, scenarios: [String]) -> String {
        let rows = dir.records(ResultLayout.headroom).filter { $0["scenario"] != nil }
        guard !rows.isEmpty else {
            return "What sets it was not measured in this run: no headroom runs (each path's TX with `air: none`, "
                + "headroom.csv), so nothing shows that the pipelines could keep the radio busy"
        }
        var parts: [String] = []
        var limited: [String] = []
        var unshown: [String] = []
        for r in rows {
            let s = r["scenario"]!
            let h = r.double("headroom"), u = r.double("air_utilization"), sat = r.double("air_utilization_saturated")
            let lowEnd = r.double("headroom_ci95_low")
            let low = lowEnd ?? h
            var text = "\(s) \(f(r.double("frames_per_s_air_none"), 0)) frames/s unpaced "
                + "[\(f(r.double("ci95_low"), 0)), \(f(r.double("ci95_high"), 0))]"
            if let h, let need = r.double("air_frames_per_s") {
                text += " against \(f(need, 0)) frames/s on the air: \(f(h, 2))x" + (lowEnd.map { " (\(f($0, 2))x at the low end)" } ?? "")
            } else {
                text += " (no fig5 TX run to set it against)"
            }
            if let u { text += ", air utilization \(f(u, 3))" + (sat.map { " of \(f($0, 3)) saturated" } ?? "") }
            parts.append(text)
            let busy = u.flatMap { u in sat.map { u >= busyShare * $0 } }
            if let h, h < 1 {
                limited.append("\(s) (its pipeline sustains only \(f(h, 2))x the frames/s the air takes)")
            } else if busy == false, let u, let sat {
                limited.append("\(s) (its fig5 TX run kept the air busy \(f(u / sat * 100, 0))% of a saturated medium's time)")
            } else if h == nil {
                unshown.append("\(s) (no fig5 TX run)")
            } else if let low, low <= headroomMargin {
                unshown.append("\(s) (headroom \(f(low, 2))x at the low end, within the \(f(headroomMargin, 1))x margin)")
            } else if busy == nil {
                unshown.append("\(s) (its fig5 TX run's air utilization was not recorded)")
            }
        }
        let measured = Set(rows.map { $0["scenario"]! })
        var listed = Set<String>()
        unshown += scenarios.filter { !measured.contains($0) && listed.insert($0).inserted }.map { "\($0) (no headroom run)" }
        var out = "Headroom (TX): " + parts.joined(separator: "; ") + ". "
        if !limited.isEmpty {
            out += "Not set by the air model alone: " + limited.joined(separator: ", ")
                + " could not keep the radio busy: the pipeline, not the air, limited it"
            if !unshown.isEmpty { out += "; not shown for " + unshown.joined(separator: ", ") }
        } else if !unshown.isEmpty {
            out += "Not shown to be set by the air model: " + unshown.joined(separator: ", ")
        } else {
            out += "Set by the air model: every path's pipeline sustains more than \(f(headroomMargin, 1))x the frames/s "
                + "the air takes from it (at the low end of its interval), and every fig5 TX run kept the radio busy (air utilization at least "
                + "\(f(busyShare * 100, 0))% of a saturated medium's), so each runs at the medium's rate"
        }
        return out + " (RX is not run unpaced)"
    }
}

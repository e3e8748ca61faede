// What each figure needs of a point's config: checked per point, so a sweep or a quick override
// that breaks a figure's premise is caught at parse time, not after hours of runs.
import DataPaths

extension SuiteParser {
    /// What a figure needs of a point's config, beyond `PathConfig.validate()`.
    static func check(_ c: PathConfig, figure: Figure, scenario: Scenario?, optimization: Optimization?,
                      path p: String, label: String, quick: Bool, _ fail: Fail) throws(SuiteError) {
        let at = (label == "default" ? "" : "at sweep point \(label)") + (quick ? (label == "default" ? "with quick overrides" : " with quick overrides") : "")
        let suffix = at.isEmpty ? "" : " (\(at))"
        do { try c.validate() } catch {
            throw fail("\(p).options.\(error.field)", error.problem + suffix, error.fix)
        }
        func need(_ ok: Bool, _ field: String, _ problem: String, _ fix: String) throws(SuiteError) {
            if !ok { throw fail("\(p).options.\(field)", problem + suffix, fix) }
        }
        switch figure {
        case .fig5Throughput, .fig6, .fig8, .table1, .headroom:
            try need(c.workload == .udp, "workload", "\(figure.rawValue) measures a UDP stream, not \(c.workload.rawValue)",
                     "drop `workload` (or `ping`) from this experiment")
        case .fig5Latency:
            try need(c.workload == .ping, "workload", "fig5_latency measures ping round trips",
                     "drop `workload` from this experiment")
        case .fig7:
            if let s = scenario, !s.isIdle {
                try need(c.workload == .udp, "workload", "fig7's busy scenarios run saturating UDP",
                         "drop `workload`, or use scenario system-idle / vm-idle")
            }
            if let s = scenario, s.isIdle {
                try need(c.workload == .idle, "workload", "\(s.rawValue) runs no traffic", "drop `workload` from this experiment")
            }
        case .custom: break
        }
        if figure == .fig6 {
            try need(c.direction == .tx, "direction", "Figure 6 is the TX extra path", "drop `direction: rx`")
        }
        if figure == .headroom {
            // The headroom is a pipeline's unpaced TX rate set against fig5's TX rate on the air.
            try need(c.direction == .tx, "direction", "headroom measures the TX pipelines that fig5's TX runs pace",
                     "drop `direction`")
            try need(c.air == .none, "air", "headroom runs the pipeline unpaced, with the air model off",
                     "drop `air` (headroom implies air: none)")
        }
        if let s = scenario, s == .vwifi, figure != .custom {
            try need(c.translation == .software, "translation", "scenario vwifi uses software translation",
                     "use scenario vwifi-iommu for IOMMU translation")
        }
        if let o = optimization {
            try need(o.usesIOMMU == (c.translation == .iommu), "translation",
                     "configuration \(o.rawValue) \(o.usesIOMMU ? "needs" : "excludes") IOMMU translation",
                     "drop `translation`; the configuration sets it")
            try need(o.usesCoalescing == (c.coalesceDeviceModel > 1 || c.coalesceDevice > 1), "coalesce-device-model",
                     "configuration \(o.rawValue) \(o.usesCoalescing ? "needs" : "excludes") interrupt coalescing",
                     o.usesCoalescing ? "give a coalescing count above 1 (the paper used 10)" : "drop the coalescing options")
        }
        if c.workload == .idle && c.duration == nil {
            throw fail("\(p).options.duration", "an idle run has no packets to count" + suffix,
                       "give `duration:` in seconds, e.g. 3")
        }
    }
}

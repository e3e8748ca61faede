import Measurement

/// Warnings about figures this run cannot vouch for, each saying what to do.
enum RunWarnings {
    /// Relative half-width of the median's interval above which a figure is called unreliable.
    static let spreadLimit = 0.10
    static let stealLimitPercent = 5.0
    static let gapLimitUs = 2_000.0

    static func compute(_ records: [PointRecords], repetitions: Int) -> [String] {
        var out: [String] = []
        for p in records where !p.runs.isEmpty {
            let name = p.point.displayName
            if let (metric, xs) = keyMetric(p), xs.count >= 2 {
                let d = Statistics.summarize(xs)
                let half = max(d.median - d.ci95Low, d.ci95High - d.median)
                if d.median.isFinite, abs(d.median) > 0, half / abs(d.median) > spreadLimit {
                    out.append("\(name): \(metric) spreads ±\(NumberFormat.trimmed(half / abs(d.median) * 100, decimals: 0))% "
                               + "(95% CI \(NumberFormat.trimmed(d.ci95Low, decimals: 2))-\(NumberFormat.trimmed(d.ci95High, decimals: 2)) around "
                               + "\(NumberFormat.trimmed(d.median, decimals: 2)) over \(d.count) repetitions): treat it as unreliable; "
                               + "rerun with --only \(p.point.experiment) --repetitions \(max(12, repetitions * 2)) on a quieter machine")
                }
            }
            let stolen = p.runs.compactMap(\.stealPercent).filter { $0 > stealLimitPercent }
            if let worst = stolen.max() {
                out.append("\(name): steal time reached \(NumberFormat.trimmed(worst, decimals: 1))% in \(stolen.count) of \(p.runs.count) "
                           + "repetitions (the host ran something else on our vCPUs): its CPU and timing figures are inflated; "
                           + "rerun when the host is quieter, or raise --repetitions")
            }
            // A single descheduling burst is normal on a shared VM; warn when it is a pattern.
            let gaps = p.runs.filter { $0.maxGapUs > gapLimitUs }
            if gaps.count >= max(2, (p.runs.count + 2) / 3) {
                out.append("\(name): scheduling gaps up to \(NumberFormat.trimmed((gaps.map(\.maxGapUs).max() ?? 0) / 1000, decimals: 1)) ms "
                           + "were seen before \(gaps.count) of \(p.runs.count) repetitions: medians hold, but p99 and max "
                           + "reflect the host; stop other work on this machine (check `top`) and rerun")
            }
        }
        let runs = records.flatMap(\.runs)
        let gapRuns = runs.filter { $0.maxGapUs > gapLimitUs }.count
        if gapRuns > 0 {
            out.append("machine: scheduling gaps over \(NumberFormat.trimmed(gapLimitUs / 1000, decimals: 0)) ms before \(gapRuns) of \(runs.count) runs "
                       + "(longest \(NumberFormat.trimmed((runs.map(\.maxGapUs).max() ?? 0) / 1000, decimals: 1)) ms): the host deschedules this VM at times; "
                       + "medians are robust to it, tails are not")
        }
        if repetitions < Statistics.minimumCountForExactCI {
            out.append("only \(repetitions) repetitions per point: the 95% intervals are min-max and cover less than 95%; "
                       + "use --repetitions \(Statistics.minimumCountForExactCI) or more for exact intervals")
        }
        return out
    }

    /// The figure a point contributes, per repetition.
    static func keyMetric(_ p: PointRecords) -> (String, [Double])? {
        let rs = p.runs.map(\.result)
        switch p.point.figure {
        case .fig5Throughput: return ("goodput_mbps", rs.map(\.summary.goodputMbps))
        case .headroom: return ("frames_per_s", rs.map(\.summary.framesPerSecond))
        case .fig5Latency: return ("rtt_ms_median", rs.map(\.rttMedianMs).filter(\.isFinite))
        case .fig6: return ("extra_path_cycles", rs.map(\.extraPathCycles))
        case .fig7:
            if p.point.scenario == .systemIdle { return nil }   // a few percent of noise is the figure
            return ("host_cpu_percent", rs.map(\.hostCPU))
        case .fig8, .table1: return ("host_cpu_percent", rs.map(\.hostCPU))
        case .custom: return p.point.config.workload == .udp ? ("goodput_mbps", rs.map(\.summary.goodputMbps)) : nil
        }
    }
}

// Holding the harness's numbers against a program's own report of the same run.
import Measurement

extension CrossCheck {
    static func make(result: PathResult, report: ToolReport) -> CrossCheck {
        var check = CrossCheck()
        if let iperf3 = report.iperf3 {
            for entry in iperf3.directions {
                guard let tool = entry.goodputMbps else {
                    check.notChecked.append("iperf3 reported no receiver total for \(entry.direction.rawValue)")
                    continue
                }
                let harness = result.goodputByDirectionMbps[entry.direction.rawValue]
                    ?? (entry.direction == result.config.direction ? result.summary.goodputMbps : nil)
                guard let harness else {
                    check.notChecked.append("the harness has no goodput of its own for \(entry.direction.rawValue)")
                    continue
                }
                check.goodput.append(goodput(entry.direction, harness: harness, tool: tool, seconds: entry.received?.seconds))
            }
        }
        if let ping = report.ping {
            check.roundTrip = ping.rttMs.isEmpty ? nil
                : roundTrip(harnessMs: result.rttMs, toolMedianMs: Statistics.summarize(ping.rttMs).median,
                            toolCount: ping.rttMs.count, tool: "ping")
            if check.roundTrip == nil { check.notChecked.append("no echo was answered: no round trip to compare") }
        }
        if let sockperf = report.sockperf {
            // sockperf's percentiles are of whole round trips with --full-rtt (the harness passes
            // it), of halves otherwise.
            let scale = sockperf.measure == .roundTrip ? 1.0 : 2.0
            if let median = sockperf.percentile(50), let observed = sockperf.observations {
                check.roundTrip = roundTrip(harnessMs: result.rttMs, toolMedianMs: median * scale / 1e3,
                                            toolCount: observed, tool: "sockperf")
            }
            if check.roundTrip == nil { check.notChecked.append("sockperf reported no median or no observations, or no message came back") }
        }
        return check
    }

    static func goodput(_ direction: Direction, harness: Double, tool: Double, seconds: Double?) -> Goodput {
        let difference = tool > 0 ? (harness - tool) / tool * 100 : (harness > 0 ? 100 : 0)
        let agrees = abs(difference) <= goodputTolerancePercent
        var why: String?
        if !agrees {
            why = "the harness counts transport payload between the first and last payload frame it carried; the program counts what its receiver got over its own test interval"
                + (seconds.map { " (\(NumberFormat.trimmed($0, decimals: 2)) s)" } ?? "")
                + (difference > 0 ? ": a shorter interval, or segments the harness carried twice (retransmits), make the harness's higher"
                                  : ": ramp-up before the first frame or idle after the last make the program's higher")
        }
        return Goodput(direction: direction, harnessMbps: harness, toolMbps: tool, differencePercent: difference,
                       agrees: agrees, why: why)
    }

    /// The harness's median against the program's (`toolCount` round trips; sockperf counts only
    /// those past its warm-up, so the harness may see more, never fewer).
    static func roundTrip(harnessMs: [Double], toolMedianMs tool: Double, toolCount: Int, tool name: String) -> RoundTrip? {
        guard !harnessMs.isEmpty else { return nil }
        let harness = Statistics.summarize(harnessMs).median
        var why: [String] = []
        if harness > tool { why.append("the harness's median exceeds \(name)'s, though it times a part of each round trip") }
        if harnessMs.count < toolCount { why.append("\(name) counted \(toolCount) round trips, the harness saw \(harnessMs.count)") }
        return RoundTrip(harnessMedianMs: harness, toolMedianMs: tool, differenceMs: tool - harness,
                         harnessCount: harnessMs.count, toolCount: toolCount, agrees: why.isEmpty,
                         why: why.isEmpty ? nil : why.joined(separator: "; "))
    }

    /// One warning per check that disagrees.
    var disagreements: [String] {
        goodput.filter { !$0.agrees }.map {
            "cross-check: \($0.direction.rawValue) goodput \(NumberFormat.trimmed($0.harnessMbps, decimals: 2)) Mbps (harness) vs \(NumberFormat.trimmed($0.toolMbps, decimals: 2)) Mbps (program), \(NumberFormat.trimmed($0.differencePercent, decimals: 1)) %: \($0.why ?? "")"
        } + [roundTrip].compactMap { $0 }.filter { !$0.agrees }.map { "cross-check: round trip: \($0.why ?? "")" }
    }
}

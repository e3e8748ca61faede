// The readable lines of a real program's run: what the program itself reported, beside the
// harness's own numbers, and the cross-check.
import DataPaths
import Measurement

extension PathReport {
    static func programLines(_ r: PathResult) -> [String] {
        guard let t = r.traffic else { return [] }
        var lines = ["  program: \(t.report.clientArgv.joined(separator: " "))"
            + (t.serverArgv.map { "  (server: \($0.joined(separator: " ")))" } ?? "")]
        if let iperf3 = t.report.iperf3 {
            for d in iperf3.directions {
                var parts = ["\(d.direction.rawValue): iperf3 receiver \(fmt(d.goodputMbps ?? 0)) Mbps"]
                if let sent = d.sent {
                    parts.append("sender \(fmt(sent.bitsPerSecond / 1e6)) Mbps")
                    if let re = sent.retransmits { parts.append("retransmits \(re)") }
                }
                if let received = d.received, let lost = received.lostPercent {
                    parts.append("lost \(fmt(lost)) %")
                }
                lines.append("    " + parts.joined(separator: ", "))
            }
            if let cpu = iperf3.cpu {
                lines.append("    iperf3's own CPU figures: client \(fmt(cpu.hostTotal)) %, server \(fmt(cpu.remoteTotal)) %")
            }
        }
        if let ping = t.report.ping {
            lines.append("    ping: \(ping.received)/\(ping.transmitted) replies"
                + (ping.summary.map { ", rtt min/avg/max \(fmt($0.minMs))/\(fmt($0.avgMs))/\(fmt($0.maxMs)) ms" } ?? ""))
        }
        if let sockperf = t.report.sockperf {
            let percentiles = [50.0, 99, 99.9].compactMap { p in sockperf.percentile(p).map { "p\(fmt(p)) \(fmt($0)) us" } }
            lines.append("    sockperf \(sockperf.measure.rawValue): avg \(fmt(sockperf.avgUs)) us"
                + (percentiles.isEmpty ? "" : ", " + percentiles.joined(separator: ", ")))
        }
        lines.append("    program CPU: client \(fmt(t.clientUserSeconds + t.clientSystemSeconds)) s (in \(t.clientComponent ?? Component.app.rawValue))"
            + (t.serverCPUSeconds.map { ", server \(fmt($0)) s (the peer's, not host)" } ?? ""))
        for g in t.crossCheck.goodput {
            lines.append("    cross-check \(g.direction.rawValue) goodput: harness \(fmt(g.harnessMbps)) Mbps vs program \(fmt(g.toolMbps)) Mbps (\(fmt(g.differencePercent)) %) \(g.agrees ? "agree" : "DISAGREE")")
        }
        if let rt = t.crossCheck.roundTrip {
            lines.append("    cross-check round trip: harness TUN to TUN median \(fmt(rt.harnessMedianMs)) ms vs the program's \(fmt(rt.toolMedianMs)) ms (+\(fmt(rt.differenceMs)) ms outside the harness's stamps) \(rt.agrees ? "agree" : "DISAGREE")")
        }
        for n in t.crossCheck.notChecked { lines.append("    not cross-checked: \(n)") }
        return lines
    }
}

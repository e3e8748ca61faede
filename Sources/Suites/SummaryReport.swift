// SUMMARY.md: each finding of the paper beside what this run measured, computed from the
// run's CSV files, with an honest verdict. Paper numbers come from PaperReference only.
import Foundation
import Measurement

public enum SummaryReport {
    struct Finding {
        var title: String
        var paper: String
        var measured: String
        /// nil: not measured in this run.
        var agrees: Bool?
    }

    public static func markdown(_ dir: ResultsDirectory, metadata: Metadata? = nil) -> String {
        var out = "# Summary: this run against the paper\n\n"
        if let m = metadata {
            if case .string(let s) = m.fields["status"] { out += "Status: **\(s)**" }
            if case .object(let suite) = m.fields["suite"], case .string(let f)? = suite["file"] { out += " · suite `\(f)`" }
            if case .number(let r) = m.fields["repetitions"] { out += " · \(Int(r)) repetitions per point" }
            if case .bool(true) = m.fields["quick"] { out += " · **quick mode** (short runs: indicative only)" }
            out += "\n\n"
        }
        out += "Measured values are medians over repetitions with 95 % confidence intervals. The machine is not "
            + "the paper's laptop and the radio is a model: absolute numbers differ; the findings are about ratios "
            + "and orderings. \"agrees\"/\"disagrees\" is computed from the numbers below, nothing else.\n\n"
        out += FigureBackends.summaryLine(dir) ?? ""
        out += "What decides each finding: the air model (the one simulated piece, 802.11 DCF on the device thread) "
            + "sets throughput parity (UDP, and TCP through real iperf3) and the interrupt rate, as long as every path keeps the radio busy (the headroom runs test that); the pipelines "
            + "(real threads, exits, system calls and wake-ups) decide the latency ordering, the extra path and its "
            + "translation share, the CPU ordering, the optimizations' savings and Table 1.\n\n"
        let findings = [throughput(dir), tcpThroughput(dir), latency(dir), extraPath(dir), translationShare(dir), cpuOrdering(dir)]
            + optimizations(dir) + [interruptRate(dir), table1(dir)]
        for f in findings {
            let verdict = f.agrees.map { $0 ? "**agrees**" : "**disagrees**" } ?? "*not measured in this run*"
            out += "## \(f.title): \(verdict)\n\n- Paper: \(f.paper)\n- Measured: \(f.measured)\n\n"
        }
        let warnings = metadata?.warnings ?? []
        if !warnings.isEmpty {
            out += "## Warnings\n\n" + warnings.map { "- \($0)\n" }.joined() + "\n"
        }
        out += "Files: fig5_throughput.csv, fig5_latency.csv, fig5_latency_cdf.csv (each scenario's pooled RTT distribution), fig6_extra_path.csv, fig7_cpu.csv, fig8_optimizations.csv, "
            + "table1_time.csv, headroom.csv (each path's unpaced TX rate against the air's), raw_*.csv (every repetition), metadata.json; charts fig*.png / fig*.svg.\n"
        return out
    }

    static func f(_ x: Double?, _ d: Int = 2) -> String { x.map { NumberFormat.trimmed($0, decimals: d) } ?? "?" }
    static func pct(_ r: Double) -> String { (r >= 0 ? "+" : "") + NumberFormat.trimmed(r * 100, decimals: 0) + "%" }

    static func throughput(_ dir: ResultsDirectory) -> Finding {
        let rows = dir.records(ResultLayout.fig5Throughput).filter { $0["protocol"] == "udp" }
        let parts = goodputParity(rows)
        let txScenarios = rows.filter { $0["direction"] == "tx" }.compactMap { $0["scenario"] }
        return Finding(title: "Throughput parity",
                       paper: "all scenarios reach about the same UDP goodput: ~22 Mbps TX, ~18 Mbps RX (802.11g, 1450-byte payloads)",
                       measured: !parts.isEmpty ? parts.map(\.text).joined(separator: "; ") + ". Parity here means every scenario within 10% of native. "
                           + whatSetsThroughput(dir, scenarios: txScenarios) + "." : "no fig5 throughput rows",
                       agrees: parts.isEmpty ? nil : parts.allSatisfy(\.withinParity))
    }

    /// Figure 5(b): iperf3's TCP stream through each path. The headroom runs are UDP only, so
    /// this finding does not say what set the TCP rate. Native alone is no comparison (a VM
    /// path's program runs may have failed), so it gets no verdict.
    static func tcpThroughput(_ dir: ResultsDirectory) -> Finding {
        let parts = goodputParity(dir.records(ResultLayout.fig5Throughput).filter { $0["protocol"] == "tcp" })
        let compared = parts.contains { $0.scenario != "native" }
        let measured = parts.isEmpty ? "no fig5 TCP rows with a native one (the iperf3-tcp experiments)"
            : parts.map(\.text).joined(separator: "; ") + ". Parity here means every scenario within 10% of native (real iperf3 through each path)"
                + (compared ? "." : "; only native was measured, so there is nothing to compare.")
        return Finding(title: "TCP throughput parity",
                       paper: "all scenarios reach about the same TCP goodput: ~20 Mbps TX, ~20 Mbps RX (802.11g, iPerf, 1448-byte writes)",
                       measured: measured, agrees: parts.isEmpty || !compared ? nil : parts.allSatisfy(\.withinParity))
    }

    /// Each row's goodput against native's of the same direction, TX rows first; directions
    /// without a native row are left out.
    static func goodputParity(_ rows: [[String: String]]) -> [(scenario: String, text: String, withinParity: Bool)] {
        var parts: [(scenario: String, text: String, withinParity: Bool)] = []
        for direction in ["tx", "rx"] {
            let d = rows.filter { $0["direction"] == direction }
            guard let native = d.first(where: { $0["scenario"] == "native" })?.double("goodput_mbps"), native > 0 else { continue }
            for r in d {
                guard let g = r.double("goodput_mbps"), let s = r["scenario"] else { continue }
                let ratio = g / native
                parts.append((s, "\(s) \(direction.uppercased()) \(f(g)) Mbps [\(f(r.double("ci95_low"))), \(f(r.double("ci95_high")))] (\(f(ratio, 3))x native)",
                              abs(ratio - 1) <= 0.10))
            }
        }
        return parts
    }

    static func latency(_ dir: ResultsDirectory) -> Finding {
        let (med, interval) = mediansAndIntervals(dir.records(ResultLayout.fig5Latency), row: "scenario", value: "rtt_ms_median")
        let paperOrder = ["native", "passthrough", "vwifi-iommu", "vwifi"].filter { med[$0] != nil }
        guard paperOrder.count >= 2 else {
            return Finding(title: "Latency ordering", paper: "native 5.74 < passthrough 6.17 < vwifi+VT-d 6.63 < vwifi 7.87 ms",
                           measured: "fewer than two fig5 latency scenarios", agrees: nil)
        }
        let measuredOrder = paperOrder.sorted { med[$0]! < med[$1]! }
        let native = med["native"]
        let desc = measuredOrder.map { s in
            "\(s) \(f(med[s], 3)) ms" + (native.map { n in n > 0 && s != "native" ? " (\(pct(med[s]! / n - 1)) vs native)" : "" } ?? "")
        }.joined(separator: " < ") + causes(inversions(paperOrder: paperOrder, measured: med), LatencyTables(dir), latencyCause)
            + overlapping(inversions(paperOrder: paperOrder, measured: med), interval) + latencyTails(dir, measuredOrder)
        return Finding(title: "Latency ordering",
                       paper: "native 5.74 < passthrough 6.17 (+7%) < vwifi with VT-d 6.63 (+15%) < vwifi 7.87 ms (+37%)",
                       measured: desc, agrees: measuredOrder == paperOrder)
    }

    /// The distribution behind each median: pooled percentiles from fig5_latency.csv's
    /// HdrHistogram columns (absent in results written before them: nothing is said).
    static func latencyTails(_ dir: ResultsDirectory, _ order: [String]) -> String {
        let rows = dir.records(ResultLayout.fig5Latency)
        let tails = order.compactMap { s -> String? in
            guard let r = rows.first(where: { $0["scenario"] == s }), let p50 = r.double("rtt_ms_p50"),
                  let p99 = r.double("rtt_ms_p99"), let p999 = r.double("rtt_ms_p999"), let max = r.double("rtt_ms_max") else { return nil }
            return "\(s) \(f(p50, 3)) / \(f(p99, 3)) / \(f(p999, 3)) / \(f(max, 3))"
        }
        guard !tails.isEmpty else { return "" }
        return ". Distributions (every echo of every repetition; p50 / p99 / p99.9 / max ms): "
            + tails.joined(separator: "; ") + " (fig5_latency_cdf.png)"
    }

    static func stageTotals(_ dir: ResultsDirectory) -> [String: (total: Double, translation: Double)] {
        var out: [String: (Double, Double)] = [:]
        for r in dir.records(ResultLayout.fig6) {
            guard let t = r["translation"], let c = r.double("cycles_median") else { continue }
            let stage = (r["stage"] ?? "").lowercased()
            let isTranslation = stage.contains("gpa") || stage.contains("transl") || stage.contains("hpa")
            let cur = out[t] ?? (0, 0)
            out[t] = (cur.0 + c, cur.1 + (isTranslation ? c : 0))
        }
        return out
    }

    static func extraPath(_ dir: ResultsDirectory) -> Finding {
        let totals = stageTotals(dir)
        guard let sw = totals["software"] else {
            return Finding(title: "Extra-path cycles", paper: "about 60,000 cycles per packet (software translation)",
                           measured: "no fig6 software rows", agrees: nil)
        }
        var m = "software translation \(f(sw.total, 0)) TSC cycles per packet (sum of stage medians)"
        var ok = sw.total > 0
        if let io = totals["iommu"] {
            m += "; IOMMU translation \(f(io.total, 0)) (\(pct(io.total / sw.total - 1)))"
            ok = ok && io.total < sw.total
        }
        m += ". Same order of magnitude as the paper's 60,000 means within 0.5x-2x: ratio \(f(sw.total / 60_000, 2))x"
        ok = ok && sw.total >= 30_000 && sw.total <= 120_000
        return Finding(title: "Extra-path cycles",
                       paper: "about 60,000 CPU cycles from the guest's MMIO write to the physical TX queue (software translation); VT-d removes most of the translation cost",
                       measured: m, agrees: ok)
    }

    static func translationShare(_ dir: ResultsDirectory) -> Finding {
        guard let sw = stageTotals(dir)["software"], sw.total > 0 else {
            return Finding(title: "Translation share", paper: "GPA -> HPA translation is almost half of the extra path",
                           measured: "no fig6 software rows", agrees: nil)
        }
        let share = sw.translation / sw.total
        return Finding(title: "Translation share",
                       paper: "GPA -> HPA translation is almost half of the extra-path cycles",
                       measured: "translation stages (names containing gpa/hpa/transl) take \(NumberFormat.trimmed(share * 100, decimals: 1))% of the software extra path"
                           + (sw.translation == 0 ? " (no stage is named as translation)" : ""),
                       agrees: share >= 0.35 && share <= 0.65)
    }

    /// Host CPU per Figure 7 scenario and component (what a CPU cause is read from).
    static func cpuParts(_ dir: ResultsDirectory) -> [String: [String: Double]] {
        var parts: [String: [String: Double]] = [:]
        for r in dir.records(ResultLayout.fig7) where r["counted_as_host"] != "false" {
            guard let s = r["scenario"], let c = r["component"], let v = r.double("cpu_percent") else { continue }
            parts[s, default: [:]][c, default: 0] += v
        }
        return parts
    }

    /// Host CPU per Figure 7 scenario: host components summed (the system row for system-idle).
    static func cpuTotals(_ dir: ResultsDirectory) -> [String: Double] {
        var totals: [String: Double] = [:]
        for r in dir.records(ResultLayout.fig7) where r["counted_as_host"] != "false" {
            guard let s = r["scenario"], let v = r.double("cpu_percent") else { continue }
            totals[s, default: 0] += v
        }
        return totals
    }

    static func cpuOrdering(_ dir: ResultsDirectory) -> Finding {
        let totals = cpuTotals(dir)
        let order = PaperReference.cpuOrder.filter { totals[$0] != nil }
        guard order.count >= 2 else {
            return Finding(title: "CPU ordering", paper: "system idle 5% < VM idle 10% < native 19.5% < passthrough 23.6% < vwifi 50.9%",
                           measured: "fewer than two fig7 scenarios", agrees: nil)
        }
        let measured = order.sorted { totals[$0]! < totals[$1]! }
        var m = measured.map { "\($0) \(f(totals[$0], 1))%" }.joined(separator: " < ")
        if let v = totals["vwifi"], let n = totals["native"], n > 0 { m += "; vwifi/native \(f(v / n, 2))x (paper 2.61x)" }
        m += " (host CPU, percent of one core; device rows excluded)"
        m += causes(inversions(paperOrder: order, measured: totals), cpuParts(dir), cpuCause)
        if let idle = totals["system-idle"], let busy = order.filter({ $0 != "system-idle" }).compactMap({ totals[$0] }).min(), idle > busy {
            m += ". system-idle is machine-wide busy CPU, other users' work included: \(f(idle, 1))% says this machine was not idle during the run"
        }
        return Finding(title: "CPU ordering",
                       paper: "system idle 5% < VM idle 10% < native 19.5% < passthrough 23.6% < vwifi 50.9%",
                       measured: m, agrees: measured == order)
    }

    static func optimizations(_ dir: ResultsDirectory) -> [Finding] {
        let (cpu, interval) = mediansAndIntervals(dir.records(ResultLayout.fig8), row: "configuration", value: "cpu_percent")
        let paperNone = PaperReference.optimizationCPUPercent["none"]!
        return ["coalescing", "iommu", "coalescing+iommu"].map { c in
            let paperValue = PaperReference.optimizationCPUPercent[c]!
            let paperSaving = 1 - paperValue / paperNone
            let paper = "\(c) lowers vwifi CPU from 50.4% to \(f(paperValue, 1))% (\(pct(-paperSaving)))"
            guard let none = cpu["none"], none > 0, let v = cpu[c] else {
                return Finding(title: "Saving of \(c)", paper: paper, measured: "fig8 none/\(c) not measured", agrees: nil)
            }
            let saving = 1 - v / none
            return Finding(title: "Saving of \(c)", paper: paper,
                           measured: "\(f(none, 1))% -> \(f(v, 1))% (\(pct(-saving)); the paper's relative saving is \(pct(-paperSaving))). "
                               + "Agreement means it saves CPU at all (a saving above 2%)"
                               + overlapping([("none", c)], interval),
                           agrees: saving > 0.02)
        }
    }

    static func interruptRate(_ dir: ResultsDirectory) -> Finding {
        let rows = dir.records(ResultLayout.fig8)
        guard let none = rows.first(where: { $0["configuration"] == "none" })?.double("interrupts_per_s") else {
            return Finding(title: "Interrupt rate", paper: "close to 1,900 interrupts/s at 22 Mbps (one per TX completion)",
                           measured: "fig8 none not measured", agrees: nil)
        }
        var m = "\(f(none, 0)) virtual interrupts/s without coalescing"
        var ok = abs(none / PaperReference.interruptsPerSecond - 1) <= 0.2
        if let co = rows.first(where: { $0["configuration"] == "coalescing" })?.double("interrupts_per_s"), none > 0 {
            m += "; \(f(co, 0))/s with coalescing (\(f(none / max(co, 1e-9), 1))x fewer; the paper's N was 10)"
            ok = ok && co < none
        }
        m += ". Agreement means within 20% of 1,900/s (and fewer with coalescing)"
        let frames = dir.records(ResultLayout.rawSamples).filter { $0["experiment"] == "opt-none" }.compactMap { $0.double("frames_per_s") }
        if !frames.isEmpty {
            let perFrame = none / Statistics.median(frames)
            m += ". The interrupt rate is the frame rate the air model allows (one completion, one interrupt): "
                + "\(f(Statistics.median(frames), 0)) frames/s at the access point, \(f(perFrame, 3)) interrupts per frame"
            ok = ok && abs(perFrame - 1) <= 0.05
        }
        return Finding(title: "Interrupt rate", paper: "close to 1,900 interrupts/s at 22 Mbps with 1450-byte packets; device-model coalescing waits for 10 completions",
                       measured: m, agrees: ok)
    }

    static func table1(_ dir: ResultsDirectory) -> Finding {
        var byScenario: [String: [String: Double]] = [:]
        for r in dir.records(ResultLayout.table1) {
            guard let s = r["scenario"], let c = r["category"], let v = r.double("percent_of_total") else { continue }
            byScenario[s, default: [:]][c, default: 0] += v
        }
        guard let v = byScenario["vwifi"], let p = byScenario["passthrough"] else {
            return Finding(title: "Where vwifi's extra time goes (Table 1)",
                           paper: "vwifi spends more than passthrough in every category; interrupt forwarding, I/O handling and locking lead",
                           measured: "table1 vwifi/passthrough not measured", agrees: nil)
        }
        let cats = v.keys.filter { p[$0] != nil }.sorted()
        let more = cats.filter { v[$0]! > p[$0]! }
        let top = v.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key) \(f($0.value, 2))%" }
        return Finding(title: "Where vwifi's extra time goes (Table 1)",
                       paper: "vwifi spends more than passthrough in every category; the largest are interrupt handling/forwarding (5.87%), I/O handling (4.95% + 2.06%) and locking (4.72%)",
                       measured: "vwifi above passthrough in \(more.count) of \(cats.count) categories; vwifi's largest: \(top.joined(separator: ", "))",
                       agrees: cats.isEmpty ? nil : more.count == cats.count)
    }
}

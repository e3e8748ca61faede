// The readable summary `vwifi-bench path` prints.
import DataPaths
import Measurement

enum PathReport {
    static func render(_ r: PathResult) -> String {
        let s = r.summary
        var lines: [String] = []
        lines.append("path \(s.path)  workload \(s.workload)  direction \(s.direction)  trap \(s.trapBackend)")
        if !r.trapReason.isEmpty { lines.append("  trap backend note: \(r.trapReason)") }
        lines.append("  packets: sent \(s.packetsSent), delivered \(s.packetsDelivered), dropped \(s.packetsDropped)")
        if !r.drops.isEmpty {
            lines.append("  drops: " + r.drops.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("  goodput \(fmt(s.goodputMbps)) Mbps, \(fmt(s.framesPerSecond)) frames/s, wall \(fmt(s.wallSeconds)) s")
        if let tx = r.goodputByDirectionMbps["tx"], let rx = r.goodputByDirectionMbps["rx"] {
            lines.append("  both directions share the medium: TX \(fmt(tx)) Mbps (at the access point), RX \(fmt(rx)) Mbps (at the station)")
        }
        if s.vms > 1 {
            lines.append("  per VM (one shared radio): " + r.deliveredByVM.sorted { $0.key < $1.key }.map {
                "\($0.key) delivered \($0.value), \(fmt(r.goodputByVMMbps[$0.key] ?? 0)) Mbps"
            }.joined(separator: "; "))
        }
        lines += programLines(r)
        if s.ringFullWaits > 0 { lines.append("  back-pressure: producers found a full ring \(s.ringFullWaits) times") }
        lines.append("  interrupts: physical \(s.interruptsPhysical), virtual \(s.interruptsVirtual); exits \(s.exits)")
        if s.translations > 0 || s.iotlbHits + s.iotlbMisses > 0 {
            lines.append("  translations \(s.translations); IOTLB hits \(s.iotlbHits), misses \(s.iotlbMisses), faults \(s.iommuFaults)")
        }
        if let d = r.rttDistributionMs {
            lines.append("  rtt ms: p50 \(fmt(d.p50)), p90 \(fmt(d.p90)), p99 \(fmt(d.p99)), p99.9 \(fmt(d.p999)), max \(fmt(d.max)), n \(d.count)")
        }
        if r.pingTimeouts > 0 {
            lines.append("  echo requests without a reply within --ping-timeout-ms: \(r.pingTimeouts)")
        }
        lines.append("  CPU (percent of one core): host \(fmt(s.hostCPUPercent)), device \(fmt(s.deviceCPUPercent)) (hardware stand-in, not host)")
        for c in r.cpu {
            lines.append("    \(pad(c.component.rawValue, 13)) \(pad(fmt(c.cpuPercent), 8))% user \(fmt(c.userSeconds)) s, system \(fmt(c.systemSeconds)) s\(c.countedAsHost ? "" : "  [not host]")")
        }
        if !r.stages.isEmpty {
            lines.append("  stages (TSC cycles; median / p99 / p99.9 / max, n):")
            for st in r.stages {
                lines.append("    \(pad(st.chain, 16)) \(pad(st.stage, 24)) \(pad(fmt(st.cyclesMedian), 10)) / \(pad(fmt(st.cyclesP99), 10))"
                             + " / \(pad(st.cyclesP999.map(fmt) ?? "-", 10)) / \(pad(st.cyclesMax.map(fmt) ?? "-", 10))  n \(st.count)")
            }
        }
        if !r.exits.isEmpty {
            for e in r.exits {
                lines.append("  exits \(e.reason): \(e.count), cycles min \(fmt(e.cyclesMin)) median \(fmt(e.cyclesMedian)) p99 \(fmt(e.cyclesP99))")
            }
        }
        let unavailable = Dictionary(grouping: r.counters.filter { !$0.available }, by: \.event)
        if !unavailable.isEmpty {
            lines.append("  counters not available:")
            for (event, rows) in unavailable.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(event): \(rows[0].reason)")
            }
        }
        for w in r.warnings { lines.append("  warning: \(w)") }
        if r.stealPercent > 5 {
            lines.append("  warning: steal time \(fmt(r.stealPercent))% during the run: the host took CPU away; rerun on a quieter machine")
        }
        return lines.joined(separator: "\n")
    }

    static func fmt(_ x: Double) -> String { NumberFormat.csv(x) }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}

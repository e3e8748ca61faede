// Reads iperf3 3.12's `--json` document. Checked against the real tool: TCP and UDP, -R and
// --bidir (which adds end.sum_sent_bidir_reverse and end.sum_received_bidir_reverse), and a
// failure, where "end" is empty and "error" says why (iperf3 then still exits 0).
import Foundation

extension Iperf3Report {
    public static func parse(_ output: String) throws(ToolOutputError) -> Iperf3Report {
        let object = try? JSONSerialization.jsonObject(with: Data(output.utf8))
        guard let top = object as? [String: Any] else {
            let first = output.split(separator: "\n").first.map(String.init)
            throw ToolOutputError(tool: "iperf3", missing: "JSON document (was --json dropped?)", said: first)
        }
        let start = top["start"] as? [String: Any] ?? [:]
        let testStart = start["test_start"] as? [String: Any] ?? [:]
        var report = Iperf3Report(version: start["version"] as? String,
                                  transport: testStart["protocol"] as? String,
                                  error: top["error"] as? String)
        let end = top["end"] as? [String: Any] ?? [:]
        report.cpu = (end["cpu_utilization_percent"] as? [String: Any]).flatMap(cpu)
        let reverse = (testStart["reverse"] as? Int ?? 0) != 0
        let forward = Direction(direction: reverse ? .rx : .tx,
                                sent: totals(end["sum_sent"]), received: totals(end["sum_received"]))
        if forward.sent != nil || forward.received != nil { report.directions.append(forward) }
        let back = Direction(direction: .rx, sent: totals(end["sum_sent_bidir_reverse"]),
                             received: totals(end["sum_received_bidir_reverse"]))
        if back.sent != nil || back.received != nil { report.directions.append(back) }
        // A failed run explains itself in "error"; a run that claims success must have totals.
        if report.error == nil && !report.directions.contains(where: { $0.received != nil }) {
            throw ToolOutputError(tool: "iperf3", missing: "end.sum_received (the receiver's totals)")
        }
        return report
    }

    private static func totals(_ value: Any?) -> Totals? {
        guard let sum = value as? [String: Any],
              let seconds = number(sum["seconds"]), let bytes = number(sum["bytes"]),
              let bits = number(sum["bits_per_second"]) else { return nil }
        return Totals(seconds: seconds, bytes: Int(bytes), bitsPerSecond: bits,
                      retransmits: number(sum["retransmits"]).map { Int($0) },
                      packets: number(sum["packets"]).map { Int($0) },
                      lostPackets: number(sum["lost_packets"]).map { Int($0) },
                      lostPercent: number(sum["lost_percent"]),
                      jitterMs: number(sum["jitter_ms"]))
    }

    private static func cpu(_ c: [String: Any]) -> CPU? {
        guard let ht = number(c["host_total"]), let hu = number(c["host_user"]), let hs = number(c["host_system"]),
              let rt = number(c["remote_total"]), let ru = number(c["remote_user"]),
              let rs = number(c["remote_system"]) else { return nil }
        return CPU(hostTotal: ht, hostUser: hu, hostSystem: hs, remoteTotal: rt, remoteUser: ru, remoteSystem: rs)
    }

    /// JSON numbers arrive as NSNumber, integral or not.
    private static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }
}

// The bench's output: a table for the terminal and bench.csv (written atomically), and the
// exit status the verdicts imply.
import DataPaths
import Foundation

public struct BenchReport: Sendable {
    public var metrics: [BenchMetric]
    /// Machine notes (steal over the whole bench, TSC rate, build), printed under the table.
    public var notes: [String]

    public init(metrics: [BenchMetric], notes: [String] = []) {
        self.metrics = metrics
        self.notes = notes
    }

    public static let csvHeader = "metric,value,reference,ratio,target,verdict,spread_percent,repetitions,unit,note"

    public var csv: String {
        var lines = [Self.csvHeader]
        for m in metrics {
            let fields = [m.metric, BenchFormat.number(m.value), m.reference.map(BenchFormat.number) ?? "",
                          m.ratio.map(BenchFormat.number) ?? "", m.target.description, m.verdict.rawValue,
                          BenchFormat.number(m.spreadPercent), String(m.repetitions), m.unit, m.note]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(",") || s.contains("\"") || s.contains("\n") else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Every repetition of every metric: metric, repetition, value, reference.
    public var samplesCSV: String {
        var lines = ["metric,repetition,value,reference"]
        for m in metrics {
            for (i, s) in m.samples.enumerated() {
                lines.append("\(m.metric),\(i + 1),\(BenchFormat.number(s.value)),\(s.reference.map(BenchFormat.number) ?? "")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `bench.csv` and `bench_samples.csv` into `directory` (temporary name, then rename).
    public func write(to directory: String) throws {
        try ResultFiles.prepare(directory: directory)
        try ResultFiles.write(csv, named: "bench.csv", in: directory)
        try ResultFiles.write(samplesCSV, named: "bench_samples.csv", in: directory)
    }

    /// 0 when no target was missed; 3 when one was missed on a quiet machine. `noisy` decides
    /// nothing (it is neither pass nor fail) and is printed as such.
    public var exitStatus: Int32 { metrics.contains { $0.verdict == .missed } ? 3 : 0 }

    public var table: String {
        let header = ["metric", "value", "reference", "ratio", "target", "verdict", "spread", "best-of ratio"]
        var rows = [header]
        for m in metrics {
            rows.append([m.metric, BenchFormat.number(m.value) + (m.unit.isEmpty ? "" : " " + m.unit),
                         m.reference.map(BenchFormat.number) ?? "-", m.ratio.map(BenchFormat.number) ?? "-",
                         m.target.description, m.verdict.rawValue, BenchFormat.number(m.spreadPercent) + "%",
                         m.bestRatio.map(BenchFormat.number) ?? "-"])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for (k, r) in rows.enumerated() {
            out += r.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ") + "\n"
            if k == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        let annotated = metrics.filter { !$0.note.isEmpty }
        if !annotated.isEmpty {
            out += "\n"
            for m in annotated { out += "\(m.metric): \(m.note)\n" }
        }
        if !notes.isEmpty {
            out += "\n" + notes.map { "note: " + $0 }.joined(separator: "\n") + "\n"
        }
        return out
    }
}

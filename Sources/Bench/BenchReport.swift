// The bench's output: a table for the terminal and bench.csv (written atomically), and the
// exit status the verdicts imply.
import DataPaths
import Foundation
import Measurement

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
        CSVTable.render(header: Self.csvHeader.split(separator: ",").map(String.init), rows: metrics.map { m in
            [m.metric, NumberFormat.compact(m.value), NumberFormat.compact(m.reference), NumberFormat.compact(m.ratio), m.target.description,
             m.verdict.rawValue, NumberFormat.compact(m.spreadPercent), String(m.repetitions), m.unit, m.note]
        })
    }

    /// Every repetition of every metric: metric, repetition, value, reference.
    public var samplesCSV: String {
        CSVTable.render(header: ["metric", "repetition", "value", "reference"], rows: metrics.flatMap { m in
            m.samples.enumerated().map { i, s in [m.metric, String(i + 1), NumberFormat.compact(s.value), NumberFormat.compact(s.reference)] }
        })
    }

    /// Writes `bench.csv` and `bench_samples.csv` into `directory` (temporary name, then rename).
    public func write(to directory: String) throws {
        try ResultFiles.prepare(directory: directory)
        try AtomicFile.write(csv, to: (directory as NSString).appendingPathComponent("bench.csv"))
        try AtomicFile.write(samplesCSV, to: (directory as NSString).appendingPathComponent("bench_samples.csv"))
    }

    /// 0 when no target was missed; 3 when one was missed on a quiet machine. `noisy` decides
    /// nothing (it is neither pass nor fail) and is printed as such.
    public var exitStatus: Int32 { metrics.contains { $0.verdict == .missed } ? 3 : 0 }

    public var table: String {
        let header = ["metric", "value", "reference", "ratio", "target", "verdict", "spread", "best-of ratio"]
        var rows = [header]
        for m in metrics {
            rows.append([m.metric, NumberFormat.compact(m.value) + (m.unit.isEmpty ? "" : " " + m.unit),
                         m.reference.map { NumberFormat.compact($0) } ?? "-", m.ratio.map { NumberFormat.compact($0) } ?? "-",
                         m.target.description, m.verdict.rawValue, NumberFormat.compact(m.spreadPercent) + "%",
                         m.bestRatio.map { NumberFormat.compact($0) } ?? "-"])
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

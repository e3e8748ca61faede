import Foundation
import Testing
@testable import Bench

@Suite struct BenchReportTests {
    private func metric(_ name: String, note: String = "") -> BenchMetric {
        BenchMetric(metric: name, value: 26.5, reference: 25, ratio: 1.06, target: .ratioAtMost(1.2), verdict: .met,
                    spreadPercent: 3, repetitions: 5, unit: "TSC cycles", note: note)
    }

    @Test func csvHasTheHeaderAndOneRowPerMetric() {
        let report = BenchReport(metrics: [metric("stamp_cost"), metric("handoff_futex", note: "a, b")])
        let lines = report.csv.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("metric,value,reference,ratio,target,verdict"))
        #expect(lines[1].hasPrefix("stamp_cost,26.5,25,1.06,ratio <= 1.2,met,"))
        // A note with a comma is quoted, so the row keeps the header's column count.
        #expect(lines[2].hasSuffix("\"a, b\""))
    }

    @Test func writesBenchCSVAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-report-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = BenchReport(metrics: [metric("stamp_cost")])
        try report.write(to: dir)
        let text = try String(contentsOfFile: dir + "/bench.csv", encoding: .utf8)
        #expect(text == report.csv)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func tableNamesEveryMetricAndVerdict() {
        var missed = metric("path_overhead_vwifi")
        missed.verdict = .missed
        let table = BenchReport(metrics: [metric("stamp_cost"), missed], notes: ["quiet"]).table
        #expect(table.contains("stamp_cost"))
        #expect(table.contains("path_overhead_vwifi"))
        #expect(table.contains("missed"))
        #expect(table.contains("note: quiet"))
    }

    @Test func samplesCSVHasOneRowPerRepetition() {
        let m = BenchMetric.judge(metric: "handoff_futex", values: [10, 11, 12], references: [10, 10, 10],
                                  target: .ratioAtMost(1.1), unit: "", stealPercent: 0)
        let lines = BenchReport(metrics: [m]).samplesCSV.split(separator: "\n").map(String.init)
        #expect(lines == ["metric,repetition,value,reference", "handoff_futex,1,10,10", "handoff_futex,2,11,10",
                          "handoff_futex,3,12,10"])
        #expect(m.bestRatio == 1)
    }
}

// The renderings of a comparison: `--format table` (the text report, default), csv, json, markdown.
import Foundation
import Measurement

extension Compare {
    public enum Format: String, Sendable, CaseIterable {
        case table, csv, json, markdown
    }

    public static func render(_ c: Comparison, format: Format) -> String {
        switch format {
        case .table: report(c)
        case .csv: csv(c).text
        case .json: json(c)
        case .markdown: markdown(c)
        }
    }

    static func number(_ x: Double?) -> String { x.map { NumberFormat.trimmed($0, decimals: 3) } ?? "" }
    static func pText(_ p: Double?) -> String { p.map { NumberFormat.trimmed($0, decimals: 4) } ?? "" }

    static func summaryLine(_ c: Comparison) -> String {
        let n = c.regressions.count
        let rule = "p <= \(NumberFormat.trimmed(c.alpha)) and beyond \(NumberFormat.trimmed(c.thresholdPercent))% and the unit's floor"
            + (c.rows.contains { $0.driftBand != nil } ? " and the run-to-run drift band" : "")
        var line = n == 0 ? "no regression (\(rule); \(c.rows.count) metrics compared)"
                          : "\(n) regression(s) (\(rule); \(c.rows.count) metrics compared)"
        let few = c.undetectable.count
        if few > 0 {
            line += "\n\(few) of \(c.rows.count) metrics have too few repetitions to detect a change at alpha "
                + "\(NumberFormat.trimmed(c.alpha)): rerun both with --repetitions 6 or more"
        }
        let unjudged = c.rows.filter { $0.pValue == nil }.count
        if unjudged > 0 { line += "\n\(unjudged) metrics have no repetitions to judge by: shown, never a regression" }
        return line
    }

    /// A plain-text report: the machine header, then one line per metric.
    public static func report(_ c: Comparison) -> String {
        var lines = c.header
        let w = max(20, c.rows.map { "\($0.file) \($0.key) \($0.metric)".count }.max() ?? 20)
        for r in c.rows {
            let name = "\(r.file) \(r.key) \(r.metric)"
            let ci = r.ratioLow.map { lo in " [\(NumberFormat.trimmed(lo, decimals: 3)), \(NumberFormat.trimmed(r.ratioHigh!, decimals: 3))]" } ?? " (no CI)"
            let stats = r.pValue.map { p in
                "  p=\(pText(p)) n=\(r.nBaseline)+\(r.nCandidate) effect \(number(r.effect)) \(r.unit) (\(NumberFormat.trimmed(r.effectPercent ?? .nan, decimals: 1))%)"
                    + (r.driftBand.map { " band \(number($0))" } ?? "")
            } ?? "  n=0"
            lines.append(name.padding(toLength: w, withPad: " ", startingAt: 0)
                         + "  \(NumberFormat.trimmed(r.baseline, decimals: 3)) -> \(NumberFormat.trimmed(r.candidate, decimals: 3)) \(r.unit)"
                         + "  ratio \(NumberFormat.trimmed(r.ratio, decimals: 3))\(ci)\(stats)  \(r.verdict.rawValue)"
                         + (r.regression ? "  REGRESSION" : "") + (r.note.isEmpty ? "" : "  (\(r.note))"))
        }
        for u in c.unmatched { lines.append("unmatched: \(u)") }
        lines.append(summaryLine(c))
        return lines.joined(separator: "\n") + "\n"
    }

    public static let csvColumns = ["file", "key", "metric", "unit", "baseline", "candidate", "ratio", "ratio_low",
                                    "ratio_high", "effect", "effect_percent", "p_value", "n_baseline", "n_candidate",
                                    "verdict", "regression", "note", "drift_band"]

    public static func csv(_ c: Comparison) -> CSVTable {
        var t = CSVTable(header: csvColumns)
        for r in c.rows {
            t.append([r.file, r.key, r.metric, r.unit, number(r.baseline), number(r.candidate), number(r.ratio),
                      number(r.ratioLow), number(r.ratioHigh), number(r.effect), number(r.effectPercent), pText(r.pValue),
                      "\(r.nBaseline)", "\(r.nCandidate)", r.verdict.rawValue, "\(r.regression)", r.note, number(r.driftBand)])
        }
        return t
    }

    struct JSONReport: Codable {
        var alpha: Double
        var thresholdPercent: Double
        var header: [String]
        var baselineMachine: String?
        var candidateMachine: String?
        var rows: [ComparisonRow]
        var unmatched: [String]
        var regressions: Int
        var tooFewRepetitions: Int
    }

    public static func json(_ c: Comparison) -> String {
        // Non-finite numbers (a ratio over a zero baseline) have no JSON form: left out.
        let rows = c.rows.map { r -> ComparisonRow in
            var r = r
            if !r.ratio.isFinite { r.ratio = 0; r.note += r.note.isEmpty ? "ratio undefined" : "; ratio undefined" }
            if let e = r.effectPercent, !e.isFinite { r.effectPercent = nil }
            return r
        }
        let report = JSONReport(alpha: c.alpha, thresholdPercent: c.thresholdPercent, header: c.header,
                                baselineMachine: c.baselineMachine?.label, candidateMachine: c.candidateMachine?.label,
                                rows: rows, unmatched: c.unmatched, regressions: c.regressions.count,
                                tooFewRepetitions: c.undetectable.count)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        guard let d = try? e.encode(report), let s = String(data: d, encoding: .utf8) else { return "{}\n" }
        return s + "\n"
    }

    public static func markdown(_ c: Comparison) -> String {
        var lines = c.header.map { $0.hasPrefix("  ") ? "  - " + $0.dropFirst(2) : "- " + $0 }
        if !lines.isEmpty { lines.append("") }
        lines.append("| file | key | metric | baseline | candidate | unit | effect % | p | n | verdict |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in c.rows {
            let verdict = r.regression ? "**worse (regression)**" : r.verdict.rawValue
            lines.append("| \(r.file) | \(r.key) | \(r.metric) | \(number(r.baseline)) | \(number(r.candidate)) | \(r.unit) | "
                         + "\(r.effectPercent.map { NumberFormat.trimmed($0, decimals: 1) } ?? "") | \(pText(r.pValue)) | "
                         + "\(r.nBaseline)+\(r.nCandidate) | \(verdict) |")
        }
        if !c.unmatched.isEmpty { lines.append(""); lines += c.unmatched.map { "- unmatched: \($0)" } }
        lines.append("")
        lines.append(summaryLine(c))
        return lines.joined(separator: "\n") + "\n"
    }
}

// `vwifi-bench compare`: matches rows of two results directories by their key columns and
// judges each metric: the candidate/baseline ratio with an interval from the two 95 % CIs.
import Foundation
import Measurement

public enum Verdict: String, Sendable, Codable {
    case better, worse
    case withinNoise = "within noise"
}

public struct ComparisonRow: Sendable {
    public var file: String
    /// The row's key values joined by `/`, e.g. `vwifi/udp/tx/default`.
    public var key: String
    public var metric: String
    public var baseline: Double
    public var candidate: Double
    public var ratio: Double
    /// Interval of the ratio from the rows' confidence intervals; nil when a file has none.
    public var ratioLow: Double?
    public var ratioHigh: Double?
    public var verdict: Verdict
    /// Worse by more than the threshold.
    public var regression: Bool
}

public struct Comparison: Sendable {
    public var rows: [ComparisonRow]
    /// Rows present in only one of the two directories.
    public var unmatched: [String]
    public var thresholdPercent: Double
    public var regressions: [ComparisonRow] { rows.filter(\.regression) }
}

/// A directory that cannot be compared (usage error, exit status 2).
public struct CompareError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

public enum Compare {
    struct Metric {
        var column: String
        var higherIsBetter: Bool
        var low: String?
        var high: String?
    }

    struct FileSpec {
        var file: String
        var keys: [String]
        var metrics: [Metric]
    }

    static let specs: [FileSpec] = [
        FileSpec(file: ResultLayout.fig5Throughput, keys: ["scenario", "protocol", "direction", "point"],
                 metrics: [Metric(column: "goodput_mbps", higherIsBetter: true, low: "ci95_low", high: "ci95_high")]),
        FileSpec(file: ResultLayout.fig5Latency, keys: ["scenario", "point"],
                 metrics: [Metric(column: "rtt_ms_median", higherIsBetter: false, low: "ci95_low", high: "ci95_high")]),
        FileSpec(file: ResultLayout.fig6, keys: ["translation", "stage", "point"],
                 metrics: [Metric(column: "cycles_median", higherIsBetter: false, low: "ci95_low", high: "ci95_high")]),
        FileSpec(file: ResultLayout.fig7, keys: ["scenario", "component", "point"],
                 metrics: [Metric(column: "cpu_percent", higherIsBetter: false, low: "ci95_low", high: "ci95_high")]),
        FileSpec(file: ResultLayout.fig8, keys: ["configuration", "point"],
                 metrics: [Metric(column: "cpu_percent", higherIsBetter: false, low: "ci95_low", high: "ci95_high"),
                           Metric(column: "goodput_mbps", higherIsBetter: true, low: nil, high: nil)]),
        FileSpec(file: ResultLayout.table1, keys: ["scenario", "component", "category", "point"],
                 metrics: [Metric(column: "percent_of_total", higherIsBetter: false, low: nil, high: nil)]),
        FileSpec(file: ResultLayout.headroom, keys: ["scenario", "point"],
                 metrics: [Metric(column: "frames_per_s_air_none", higherIsBetter: true, low: "ci95_low", high: "ci95_high")]),
    ]

    public static let defaultThresholdPercent = 10.0

    /// The CLI's exit status for a finished comparison: 0, or 3 when something regressed
    /// beyond the threshold. (A `CompareError` is a usage error: 2.)
    public static func exitStatus(_ c: Comparison) -> Int32 { c.regressions.isEmpty ? 0 : 3 }
    public static let usageErrorStatus: Int32 = 2

    public static func run(baseline: String, candidate: String, thresholdPercent: Double = defaultThresholdPercent) throws(CompareError) -> Comparison {
        let b = ResultsDirectory(path: baseline), c = ResultsDirectory(path: candidate)
        for (d, role) in [(b, "baseline"), (c, "candidate")] {
            guard d.exists else { throw CompareError(description: "\(role) \(d.path): no such directory; give a Results/<run-id> directory") }
            guard d.looksLikeResults else {
                throw CompareError(description: "\(role) \(d.path): holds no result tables (fig*_*.csv, table1_time.csv); give a directory written by `vwifi-bench run`")
            }
        }
        guard thresholdPercent >= 0, thresholdPercent.isFinite else {
            throw CompareError(description: "--threshold: \(thresholdPercent) is not a percentage; give a number such as 10")
        }
        var rows: [ComparisonRow] = []
        var unmatched: [String] = []
        for spec in specs {
            let base = b.records(spec.file), cand = c.records(spec.file)
            func key(_ r: [String: String]) -> String { spec.keys.compactMap { r[$0] }.joined(separator: "/") }
            var candByKey: [String: [String: String]] = [:]
            for r in cand { candByKey[key(r)] = r }
            var seen = Set<String>()
            for br in base {
                let k = key(br)
                seen.insert(k)
                guard let cr = candByKey[k] else { unmatched.append("\(spec.file) \(k): only in baseline"); continue }
                for m in spec.metrics {
                    guard let bv = br.double(m.column), let cv = cr.double(m.column) else { continue }
                    rows.append(judge(file: spec.file, key: k, metric: m, base: br, cand: cr, bv: bv, cv: cv,
                                      threshold: thresholdPercent))
                }
            }
            for cr in cand where !seen.contains(key(cr)) { unmatched.append("\(spec.file) \(key(cr)): only in candidate") }
        }
        return Comparison(rows: rows, unmatched: unmatched, thresholdPercent: thresholdPercent)
    }

    static func judge(file: String, key: String, metric m: Metric, base: [String: String], cand: [String: String],
                      bv: Double, cv: Double, threshold: Double) -> ComparisonRow {
        let ratio: Double = bv != 0 ? cv / bv : (cv == 0 ? 1 : .infinity)
        var low: Double? = nil, high: Double? = nil
        if let lo = m.low, let hi = m.high, let bl = base.double(lo), let bh = base.double(hi),
           let cl = cand.double(lo), let ch = cand.double(hi), bl > 0, bh > 0 {
            low = cl / bh
            high = ch / bl
        }
        let change = (ratio - 1) * 100
        let improved = m.higherIsBetter ? ratio > 1 : ratio < 1
        var verdict: Verdict
        if let low, let high {
            verdict = (low <= 1 && 1 <= high) ? .withinNoise : (improved ? .better : .worse)
        } else {
            verdict = abs(change) <= threshold ? .withinNoise : (improved ? .better : .worse)
        }
        if ratio == 1 { verdict = .withinNoise }
        let regression = verdict == .worse && abs(change) > threshold
        return ComparisonRow(file: file, key: key, metric: m.column, baseline: bv, candidate: cv, ratio: ratio,
                             ratioLow: low, ratioHigh: high, verdict: verdict, regression: regression)
    }

    /// A plain-text report, one line per metric.
    public static func report(_ c: Comparison) -> String {
        var lines: [String] = []
        let w = max(20, c.rows.map { "\($0.file) \($0.key) \($0.metric)".count }.max() ?? 20)
        for r in c.rows {
            let name = "\(r.file) \(r.key) \(r.metric)"
            let ci = r.ratioLow.map { lo in " [\(NumberFormat.trimmed(lo, decimals: 3)), \(NumberFormat.trimmed(r.ratioHigh!, decimals: 3))]" } ?? " (no CI)"
            lines.append(name.padding(toLength: w, withPad: " ", startingAt: 0)
                         + "  \(NumberFormat.trimmed(r.baseline, decimals: 3)) -> \(NumberFormat.trimmed(r.candidate, decimals: 3))"
                         + "  ratio \(NumberFormat.trimmed(r.ratio, decimals: 3))\(ci)  \(r.verdict.rawValue)"
                         + (r.regression ? "  REGRESSION" : ""))
        }
        for u in c.unmatched { lines.append("unmatched: \(u)") }
        let n = c.regressions.count
        lines.append(n == 0 ? "no regression beyond \(NumberFormat.trimmed(c.thresholdPercent))% (\(c.rows.count) metrics compared)"
                            : "\(n) regression(s) beyond \(NumberFormat.trimmed(c.thresholdPercent))% (\(c.rows.count) metrics compared)")
        return lines.joined(separator: "\n") + "\n"
    }
}

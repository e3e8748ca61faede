// When a measured ordering differs from the paper's, SUMMARY names what causes it, from the
// numbers: the stage (latency) or component (CPU) where the path the paper found cheaper spends
// the most more than the other.
import Measurement

extension SummaryReport {
    /// Pairs (cheaper in the paper, dearer in the paper) that the measurement inverts.
    static func inversions(paperOrder: [String], measured: [String: Double]) -> [(String, String)] {
        var out: [(String, String)] = []
        for (i, a) in paperOrder.enumerated() {
            for b in paperOrder[(i + 1)...] where (measured[a] ?? 0) > (measured[b] ?? 0) { out.append((a, b)) }
        }
        return out
    }

    /// Each row's `value` (the first row of a name wins) and its 95 % interval, where recorded.
    static func mediansAndIntervals(_ rows: [[String: String]], row: String, value: String)
        -> ([String: Double], [String: (low: Double, high: Double)]) {
        var medians: [String: Double] = [:]
        var intervals: [String: (low: Double, high: Double)] = [:]
        for r in rows {
            guard let name = r[row], let v = r.double(value), medians[name] == nil else { continue }
            medians[name] = v
            if let low = r.double("ci95_low"), let high = r.double("ci95_high") { intervals[name] = (low, high) }
        }
        return (medians, intervals)
    }

    /// The inverted pairs whose 95 % intervals overlap: the verdict follows the medians, but this
    /// run cannot tell those two apart (empty when every inversion is resolved or none has intervals).
    static func overlapping(_ pairs: [(String, String)], _ interval: [String: (low: Double, high: Double)]) -> String {
        let unresolved = pairs.compactMap { pair -> String? in
            let (a, b) = pair
            guard let x = interval[a], let y = interval[b], x.low <= y.high && y.low <= x.high else { return nil }
            return "\(a) [\(f(x.low, 3)), \(f(x.high, 3))] and \(b) [\(f(y.low, 3)), \(f(y.high, 3))]"
        }
        guard !unresolved.isEmpty else { return "" }
        return ". The 95 % intervals of " + unresolved.joined(separator: "; ")
            + " overlap: this run does not resolve their order (rerun with more repetitions)"
    }

    /// Median over repetitions of each stage's median cycles, per row (scenario) of `figure`.
    static func stageMedians(_ dir: ResultsDirectory, figure: String) -> [String: [String: Double]] {
        var samples: [String: [String: [Double]]] = [:]
        for r in dir.records(ResultLayout.rawStages) where r["figure"] == figure {
            guard let row = r["row"], let stage = r["stage"], let c = r.double("cycles_median") else { continue }
            samples[row, default: [:]][stage, default: []].append(c)
        }
        return samples.mapValues { $0.mapValues(Statistics.median) }
    }

    /// TSC ticks per microsecond of each row's runs (raw_samples' tsc_hz).
    static func ticksPerMicrosecond(_ dir: ResultsDirectory) -> [String: Double] {
        var hz: [String: [Double]] = [:]
        for r in dir.records(ResultLayout.rawSamples) {
            if let row = r["row"], let v = r.double("tsc_hz") { hz[row, default: []].append(v) }
        }
        return hz.mapValues { Statistics.median($0) / 1e6 }
    }

    /// The tables a latency cause is read from, read once per SUMMARY.
    struct LatencyTables {
        let stages: [String: [String: Double]]
        let ticksPerMicrosecond: [String: Double]
        init(_ dir: ResultsDirectory) {
            stages = SummaryReport.stageMedians(dir, figure: Figure.fig5Latency.rawValue)
            ticksPerMicrosecond = SummaryReport.ticksPerMicrosecond(dir)
        }
    }

    /// "why a > b": the stage of `a` that exceeds `b`'s most (a stage `b` lacks counts as 0 there).
    static func latencyCause(_ tables: LatencyTables, _ a: String, _ b: String) -> String? {
        guard let sa = tables.stages[a], let sb = tables.stages[b] else { return nil }
        let excess = sa.map { ($0.key, $0.value - (sb[$0.key] ?? 0)) }.max { $0.1 < $1.1 }
        guard let (stage, cycles) = excess, cycles > 0 else { return nil }
        let perUs = tables.ticksPerMicrosecond[a] ?? 1
        let unit = perUs == 1 ? " cycles" : " us"
        return "\(a) > \(b): \(a)'s `\(stage)` stage takes \(f(cycles / perUs, perUs == 1 ? 0 : 1))\(unit) more "
            + "(median \(f((sa[stage] ?? 0) / perUs, 1)) against \(f((sb[stage] ?? 0) / perUs, 1))\(unit))"
    }

    /// "why a > b" in host CPU: the component of `a` with the largest excess over `b`'s.
    static func cpuCause(_ parts: [String: [String: Double]], _ a: String, _ b: String) -> String? {
        guard let pa = parts[a], let pb = parts[b] else { return nil }
        guard let (component, excess) = pa.map({ ($0.key, $0.value - (pb[$0.key] ?? 0)) }).max(by: { $0.1 < $1.1 }),
              excess > 0 else { return nil }
        return "\(a) > \(b): \(a)'s `\(component)` takes \(f(pa[component], 1))% against \(f(pb[component] ?? 0, 1))%"
    }

    /// The cause sentence for every inverted pair, or "" when the order agrees; `tables` is
    /// read only when there is a pair to explain.
    static func causes<Tables>(_ pairs: [(String, String)], _ tables: @autoclosure () -> Tables,
                               _ cause: (Tables, String, String) -> String?) -> String {
        guard !pairs.isEmpty else { return "" }
        let read = tables()
        let found = pairs.compactMap { cause(read, $0.0, $0.1) }
        return found.isEmpty ? "" : ". Where it differs: " + found.joined(separator: "; ")
    }
}

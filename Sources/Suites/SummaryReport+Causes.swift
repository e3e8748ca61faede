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

    /// Median over repetitions of each stage's median cycles, per row (scenario) of `figure`.
    static func stageMedians(_ dir: ResultsDirectory, figure: String) -> [String: [String: Double]] {
        var samples: [String: [String: [Double]]] = [:]
        for r in dir.records(ResultLayout.rawStages) where r["figure"] == figure {
            guard let row = r["row"], let stage = r["stage"], let c = r.double("cycles_median") else { continue }
            samples[row, default: [:]][stage, default: []].append(c)
        }
        return samples.mapValues { $0.mapValues(Statistics.median) }
    }

    /// TSC ticks per microsecond of a row's runs (raw_samples' tsc_hz).
    static func ticksPerMicrosecond(_ dir: ResultsDirectory, row: String) -> Double? {
        let hz = dir.records(ResultLayout.rawSamples).filter { $0["row"] == row }.compactMap { $0.double("tsc_hz") }
        return hz.isEmpty ? nil : Statistics.median(hz) / 1e6
    }

    /// "why a > b": the stage of `a` that exceeds `b`'s most (a stage `b` lacks counts as 0 there).
    static func latencyCause(_ dir: ResultsDirectory, _ a: String, _ b: String) -> String? {
        let stages = stageMedians(dir, figure: Figure.fig5Latency.rawValue)
        guard let sa = stages[a], let sb = stages[b] else { return nil }
        let excess = sa.map { ($0.key, $0.value - (sb[$0.key] ?? 0)) }.max { $0.1 < $1.1 }
        guard let (stage, cycles) = excess, cycles > 0 else { return nil }
        let perUs = ticksPerMicrosecond(dir, row: a) ?? 1
        let unit = perUs == 1 ? " cycles" : " us"
        return "\(a) > \(b): \(a)'s `\(stage)` stage takes \(f(cycles / perUs, perUs == 1 ? 0 : 1))\(unit) more "
            + "(median \(f((sa[stage] ?? 0) / perUs, 1)) against \(f((sb[stage] ?? 0) / perUs, 1))\(unit))"
    }

    /// "why a > b" in host CPU: the component of `a` with the largest excess over `b`'s.
    static func cpuCause(_ dir: ResultsDirectory, _ a: String, _ b: String) -> String? {
        var parts: [String: [String: Double]] = [:]
        for r in dir.records(ResultLayout.fig7) where r["counted_as_host"] != "false" {
            guard let s = r["scenario"], let c = r["component"], let v = r.double("cpu_percent") else { continue }
            parts[s, default: [:]][c, default: 0] += v
        }
        guard let pa = parts[a], let pb = parts[b] else { return nil }
        guard let (component, excess) = pa.map({ ($0.key, $0.value - (pb[$0.key] ?? 0)) }).max(by: { $0.1 < $1.1 }),
              excess > 0 else { return nil }
        return "\(a) > \(b): \(a)'s `\(component)` takes \(f(pa[component], 1))% against \(f(pb[component] ?? 0, 1))%"
    }

    /// The cause sentence for every inverted pair, or "" when the order agrees.
    static func causes(_ pairs: [(String, String)], _ cause: (String, String) -> String?) -> String {
        let found = pairs.compactMap { cause($0.0, $0.1) }
        return found.isEmpty ? "" : ". Where it differs: " + found.joined(separator: "; ")
    }
}

// `vwifi-bench compare`: matches rows of two results directories by their key columns and
// judges each metric on the repetitions behind it (raw_*.csv): a two-sided exact rank-sum
// permutation test (Statistics.rankSumTest) for significance, and a minimum effect, relative
// (--threshold) and absolute (a floor per unit), so that a significant but tiny change is not news.
// The two machines are fingerprinted first; cycles from different TSC rates are compared as time.
import Foundation
import Measurement
import Platform

public enum Verdict: String, Sendable, Codable {
    case better, worse
    /// No significant change beyond the effect floors (benchstat's `~`).
    case withinNoise = "~"
}

public struct ComparisonRow: Sendable, Codable {
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
    /// Worse, significant at alpha, and beyond both the relative threshold and the unit's floor.
    public var regression: Bool
    /// Unit of baseline, candidate and effect (`ns` where TSC cycles were converted).
    public var unit: String = ""
    /// Two-sided p-value of the rank-sum test on the repetitions; nil without repetitions.
    public var pValue: Double?
    /// Median of the candidate's repetitions minus the baseline's, in `unit`.
    public var effect: Double?
    /// `effect` as percent of the baseline's median.
    public var effectPercent: Double?
    public var nBaseline: Int = 0
    public var nCandidate: Int = 0
    /// Why a row could not be judged, or how it was (e.g. cycles as nanoseconds).
    public var note: String = ""
    /// With `compare --drift`: the largest effect two same-code runs of this machine reach at
    /// alpha (RunDrift.Entry.band), in `unit`; a worse or better verdict needs an effect beyond it.
    public var driftBand: Double? = nil
}

public struct Comparison: Sendable {
    public var rows: [ComparisonRow]
    /// Rows present in only one of the two directories.
    public var unmatched: [String]
    public var thresholdPercent: Double
    public var alpha: Double = Compare.defaultAlpha
    public var baselineMachine: MachineFingerprint?
    public var candidateMachine: MachineFingerprint?
    /// Header lines: what differs between the two machines and commits, and what that changed.
    public var header: [String] = []
    public var regressions: [ComparisonRow] { rows.filter(\.regression) }
    /// Rows with repetitions too few for any p-value to reach alpha.
    public var undetectable: [ComparisonRow] { rows.filter { $0.note.hasPrefix(Compare.tooFewNote) } }
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
        var unit: String = ""
        /// The smallest absolute change in `unit` that counts as an effect.
        var floor: Double = 0
        var raw: RawSource? = nil
    }

    struct FileSpec {
        var file: String
        var keys: [String]
        var metrics: [Metric]

        /// A row's key values joined by `/` (ComparisonRow.key, RunDrift's entries).
        func key(of row: [String: String]) -> String { keys.compactMap { row[$0] }.joined(separator: "/") }
    }

    /// Absolute effect floors, documented in the README's compare section: below these a change is
    /// not news however significant (0.5 Mbps of a ~23 Mbps link; 0.01 ms of a ~0.4 ms round trip;
    /// 1,000 cycles, ~0.4 us, of a stage; half a point of one core; one point of a run's time;
    /// 500 frames/s of an unpaced rate of 15,000-190,000).
    static let goodputFloorMbps = 0.5
    static let rttFloorMs = 0.01
    static let cyclesFloor = 1_000.0
    static let nanosecondsFloor = 400.0
    static let cpuFloorPercent = 0.5
    static let table1FloorPercent = 1.0
    static let framesFloor = 500.0

    static let specs: [FileSpec] = [
        FileSpec(file: ResultLayout.fig5Throughput, keys: ["scenario", "protocol", "direction", "point"],
                 metrics: [Metric(column: "goodput_mbps", higherIsBetter: true, low: "ci95_low", high: "ci95_high",
                                  unit: "Mbps", floor: goodputFloorMbps, raw: .sample("goodput_mbps"))]),
        FileSpec(file: ResultLayout.fig5Latency, keys: ["scenario", "point"],
                 metrics: [Metric(column: "rtt_ms_median", higherIsBetter: false, low: "ci95_low", high: "ci95_high",
                                  unit: "ms", floor: rttFloorMs, raw: .rttMedian)]),
        FileSpec(file: ResultLayout.fig6, keys: ["translation", "stage", "point"],
                 metrics: [Metric(column: "cycles_median", higherIsBetter: false, low: "ci95_low", high: "ci95_high",
                                  unit: "cycles", floor: cyclesFloor, raw: .stageCycles)]),
        FileSpec(file: ResultLayout.fig7, keys: ["scenario", "component", "point"],
                 metrics: [Metric(column: "cpu_percent", higherIsBetter: false, low: "ci95_low", high: "ci95_high",
                                  unit: "% cpu", floor: cpuFloorPercent, raw: .componentCPU)]),
        FileSpec(file: ResultLayout.fig8, keys: ["configuration", "point"],
                 metrics: [Metric(column: "cpu_percent", higherIsBetter: false, low: "ci95_low", high: "ci95_high",
                                  unit: "% cpu", floor: cpuFloorPercent, raw: .sample("host_cpu_percent")),
                           Metric(column: "goodput_mbps", higherIsBetter: true, low: nil, high: nil,
                                  unit: "Mbps", floor: goodputFloorMbps, raw: .sample("goodput_mbps"))]),
        FileSpec(file: ResultLayout.table1, keys: ["scenario", "component", "category", "point"],
                 metrics: [Metric(column: "percent_of_total", higherIsBetter: false, low: nil, high: nil,
                                  unit: "% time", floor: table1FloorPercent, raw: .categoryPercent)]),
        FileSpec(file: ResultLayout.headroom, keys: ["scenario", "point"],
                 metrics: [Metric(column: "frames_per_s_air_none", higherIsBetter: true, low: "ci95_low", high: "ci95_high",
                                  unit: "frames/s", floor: framesFloor, raw: .sample("frames_per_s"))]),
    ]

    public static let defaultThresholdPercent = 10.0
    public static let defaultAlpha = 0.01
    static let tooFewNote = "too few repetitions"
    /// Fixed, so a Monte-Carlo p-value (more than 18 repetitions a side) is the same on every run.
    static let permutationSeed: UInt64 = 0xC0_4FA2E

    /// The CLI's exit status for a finished comparison: 0, or 3 when something regressed
    /// beyond the threshold. (A `CompareError` is a usage error: 2.)
    public static func exitStatus(_ c: Comparison) -> Int32 { c.regressions.isEmpty ? 0 : 3 }
    public static let usageErrorStatus: Int32 = 2

    /// `keepPerturbed`: judge every repetition, also those the run flagged as perturbed (by
    /// default they are left out on both sides, and the row says how many).
    /// `drift`: the run-to-run drift of same-code runs on this machine (`vwifi-bench drift`); a
    /// change within its band is `~`.
    public static func run(baseline: String, candidate: String, thresholdPercent: Double = defaultThresholdPercent,
                           alpha: Double = defaultAlpha, keepPerturbed: Bool = false,
                           drift: RunDrift? = nil) throws(CompareError) -> Comparison {
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
        guard alpha > 0, alpha < 1 else {
            throw CompareError(description: "--alpha: \(alpha) is not a significance level; give a number between 0 and 1 such as 0.01")
        }
        let bm = MachineFingerprint.load(directory: baseline), cm = MachineFingerprint.load(directory: candidate)
        var header: [String] = []
        var cyclesAsTime = false
        if let bm, let cm {
            let diffs = bm.differences(from: cm)
            header += diffs.isEmpty ? ["machines: same (\(bm.label))"] : ["machines differ (baseline vs candidate):"] + diffs.map { "  " + $0 }
            if let commit = bm.commitDifference(from: cm) { header.append(commit) }
            if bm.tscDiffers(from: cm) {
                cyclesAsTime = true
                header.append("TSC rates differ by more than \(NumberFormat.trimmed(MachineFingerprint.tscTolerance * 100)) %: "
                              + "\(ResultLayout.fig6) cycles are compared as nanoseconds (cycles / tsc_hz)")
            }
        } else {
            header.append("machines: \(bm == nil ? "baseline" : "candidate") has no readable \(ResultLayout.metadata); machines not compared")
        }
        if let drift { header += driftLines(drift, baseline: bm, alpha: alpha) }
        let rawB = RawRuns(b), rawC = RawRuns(c)
        header += noiseLines(baseline: rawB, candidate: rawC, keepPerturbed: keepPerturbed)
        var rows: [ComparisonRow] = []
        var unmatched: [String] = []
        for spec in specs {
            let base = b.records(spec.file), cand = c.records(spec.file)
            let key = spec.key(of:)
            var candByKey: [String: [String: String]] = [:]
            for r in cand { candByKey[key(r)] = r }
            var seen = Set<String>()
            for br in base {
                let k = key(br)
                seen.insert(k)
                guard let cr = candByKey[k] else { unmatched.append("\(spec.file) \(k): only in baseline"); continue }
                for m in spec.metrics {
                    guard let bv = br.double(m.column), let cv = cr.double(m.column) else { continue }
                    var bRaw = m.raw.map { rawB.values($0, row: br) } ?? []
                    var cRaw = m.raw.map { rawC.values($0, row: cr) } ?? []
                    var metric = m
                    var notes: [String] = []
                    if cyclesAsTime && m.unit == "cycles" {
                        func ns(_ xs: [Repetition], _ machine: MachineFingerprint?) -> [Repetition] {
                            xs.compactMap { x in (x.tscHz ?? machine?.tscHz).map { Repetition(value: x.value / $0 * 1e9, tscHz: $0, perturbed: x.perturbed) } }
                        }
                        bRaw = ns(bRaw, bm); cRaw = ns(cRaw, cm)
                        metric.unit = "ns"; metric.floor = nanosecondsFloor
                        notes.append("cycles as ns (TSC rates differ)")
                    }
                    let left = keepPerturbed ? nil : leftOut(&bRaw, &cRaw)
                    if let left { notes.append(left) }
                    let note = notes.joined(separator: "; ")
                    var row = judge(file: spec.file, key: k, metric: metric, base: br, cand: cr, bv: bv, cv: cv,
                                    threshold: thresholdPercent, alpha: alpha,
                                    baseRepetitions: bRaw.map(\.value), candidateRepetitions: cRaw.map(\.value))
                    // The judgement's own note first (a too-few note stays a prefix), then how.
                    if left != nil && (bRaw.isEmpty || cRaw.isEmpty) {
                        let side = bRaw.isEmpty && cRaw.isEmpty ? "both runs" : bRaw.isEmpty ? "the baseline" : "the candidate"
                        row.note = "every repetition of \(side) was perturbed: shown, not judged"
                    }
                    if !note.isEmpty { row.note = row.note.isEmpty ? note : row.note + "; " + note }
                    if let drift { applyDrift(drift, to: &row, alpha: alpha) }
                    rows.append(row)
                }
            }
            for cr in cand where !seen.contains(key(cr)) { unmatched.append("\(spec.file) \(key(cr)): only in candidate") }
        }
        return Comparison(rows: rows, unmatched: unmatched, thresholdPercent: thresholdPercent, alpha: alpha,
                          baselineMachine: bm, candidateMachine: cm, header: header)
    }

    /// Holds a verdict back when its effect is within what same-code runs of this machine differ
    /// by; records the band on every row the profile covers in the row's unit.
    static func applyDrift(_ drift: RunDrift, to row: inout ComparisonRow, alpha: Double) {
        guard let entry = drift.entry(file: row.file, key: row.key, metric: row.metric) else { return }
        guard entry.unit == row.unit else {
            row.note += (row.note.isEmpty ? "" : "; ") + "drift profile in \(entry.unit), row in \(row.unit): band not applied"
            return
        }
        guard let band = entry.band(alpha: alpha) else { return }
        row.driftBand = band
        guard row.verdict != .withinNoise, let effect = row.effect, abs(effect) <= band else { return }
        row.verdict = .withinNoise
        row.regression = false
        row.note += (row.note.isEmpty ? "" : "; ") + "within same-code run-to-run drift (band \(NumberFormat.trimmed(band, decimals: 3)) \(row.unit) from \(entry.runs) runs)"
    }

    /// The header's account of the drift profile: where it came from and whether it fits.
    static func driftLines(_ drift: RunDrift, baseline: MachineFingerprint?, alpha: Double) -> [String] {
        let t = Statistics.studentTQuantile(1 - alpha / 2, degreesOfFreedom: Double(max(1, (drift.entries.values.map(\.runs).min() ?? 2) - 1)))
        var lines = ["run-to-run drift: \(drift.entries.count) metrics from \(drift.entries.values.map(\.runs).max() ?? 0) same-code runs (\(drift.machine)); "
                     + "a change must also exceed t * sqrt(2) * s of its metric (t = \(NumberFormat.trimmed(t, decimals: 2)) at alpha \(NumberFormat.trimmed(alpha)))"]
        if let baseline, baseline.label != drift.machine {
            lines.append("run-to-run drift was measured on another machine (\(drift.machine)) than the baseline's (\(baseline.label)): its bands may not fit")
        }
        return lines
    }

    /// Drops the repetitions their runs flagged as perturbed from both sides; says what it
    /// dropped, or nil when it dropped nothing. A perturbed repetition's CPU and timing figures
    /// measure the machine's other load as well, which differs between runs: kept, they make a
    /// busy hour look like a regression.
    static func leftOut(_ base: inout [Repetition], _ cand: inout [Repetition]) -> String? {
        let bOut = base.filter { $0.perturbed != nil }, cOut = cand.filter { $0.perturbed != nil }
        guard !bOut.isEmpty || !cOut.isEmpty else { return nil }
        base.removeAll { $0.perturbed != nil }
        cand.removeAll { $0.perturbed != nil }
        let reasons = Set((bOut + cOut).compactMap(\.perturbed)).sorted().joined(separator: ", ")
        return "left out \(bOut.count) + \(cOut.count) perturbed repetitions (\(reasons); --keep-perturbed keeps them)"
    }

    /// The header's account of each run's perturbed repetitions (what is left out of every test).
    static func noiseLines(baseline b: RawRuns, candidate c: RawRuns, keepPerturbed: Bool) -> [String] {
        func describe(_ runs: RawRuns) -> String {
            let (total, reasons) = runs.perturbedCounts
            let n = reasons.values.reduce(0, +)
            return "\(n) of \(total)" + (n == 0 ? "" : " (" + reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
        }
        let b = describe(b), c = describe(c)
        guard !(b.hasPrefix("0 of") && c.hasPrefix("0 of")) else { return [] }
        return ["perturbed repetitions (steal over \(NumberFormat.trimmed(RunWarnings.stealLimitPercent)) %, a competing process or another instance, as each run recorded them): "
                + "baseline \(b), candidate \(c); " + (keepPerturbed ? "kept (--keep-perturbed)" : "left out of every test")]
    }

    /// One metric judged. With repetitions on both sides: significant when the rank-sum p <= alpha,
    /// and a verdict only when also beyond the relative threshold and the unit's floor; the shown
    /// values stay the tables' (medians), converted values (ns) are the repetitions' medians.
    /// Without repetitions the row is shown, `~`, never a regression.
    static func judge(file: String, key: String, metric m: Metric, base: [String: String], cand: [String: String],
                      bv: Double, cv: Double, threshold: Double, alpha: Double = defaultAlpha,
                      baseRepetitions: [Double] = [], candidateRepetitions: [Double] = []) -> ComparisonRow {
        var bv = bv, cv = cv
        if m.unit == "ns", !baseRepetitions.isEmpty, !candidateRepetitions.isEmpty {
            bv = Statistics.median(baseRepetitions); cv = Statistics.median(candidateRepetitions)
        }
        let ratio: Double = bv != 0 ? cv / bv : (cv == 0 ? 1 : .infinity)
        var low: Double? = nil, high: Double? = nil
        if m.unit != "ns", let lo = m.low, let hi = m.high, let bl = base.double(lo), let bh = base.double(hi),
           let cl = cand.double(lo), let ch = cand.double(hi), bl > 0, bh > 0 {
            low = cl / bh
            high = ch / bl
        }
        var row = ComparisonRow(file: file, key: key, metric: m.column, baseline: bv, candidate: cv, ratio: ratio,
                                ratioLow: low, ratioHigh: high, verdict: .withinNoise, regression: false, unit: m.unit,
                                nBaseline: baseRepetitions.count, nCandidate: candidateRepetitions.count)
        guard !baseRepetitions.isEmpty, !candidateRepetitions.isEmpty else {
            row.note = "no repetitions (raw rows) to judge by: shown, not judged"
            return row
        }
        let bMedian = Statistics.median(baseRepetitions), cMedian = Statistics.median(candidateRepetitions)
        let effect = cMedian - bMedian
        let effectPercent = bMedian != 0 ? effect / abs(bMedian) * 100 : (effect == 0 ? 0 : .infinity)
        var generator = SplitMix64(seed: permutationSeed)
        let test = Statistics.rankSumTest(baseRepetitions, candidateRepetitions, using: &generator)
        row.pValue = test.pValue
        row.effect = effect
        row.effectPercent = effectPercent
        let significant = test.pValue <= alpha
        let large = abs(effectPercent) > threshold && abs(effect) > m.floor
        let improved = m.higherIsBetter ? effect > 0 : effect < 0
        if significant && large { row.verdict = improved ? .better : .worse }
        row.regression = row.verdict == .worse
        if test.smallestPossiblePValue > alpha {
            row.note = "\(tooFewNote) (\(baseRepetitions.count) vs \(candidateRepetitions.count)) to detect a change at alpha "
                + "\(NumberFormat.trimmed(alpha)): the smallest possible p is \(NumberFormat.trimmed(test.smallestPossiblePValue))"
        } else if significant && !large && effect != 0 {
            row.note = "significant, below the effect floor (\(NumberFormat.trimmed(threshold)) % and \(NumberFormat.trimmed(m.floor)) \(m.unit))"
        }
        return row
    }

}

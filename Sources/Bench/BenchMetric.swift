// One row of bench.csv: what was measured, against which reference, the ratio, the target it
// must meet and the verdict. Verdicts come from the repeated samples, never from one run.
import Measurement

/// What a metric must satisfy.
public enum BenchTarget: Sendable, Equatable, CustomStringConvertible {
    /// ratio <= limit (a cost relative to its floor).
    case ratioAtMost(Double)
    /// ratio >= limit (a rate relative to the reference's rate).
    case ratioAtLeast(Double)
    /// |ratio - 1| <= tolerance (two rates that must agree).
    case ratioWithin(Double)
    /// lower <= ratio <= upper (a rate against a reference doing the same work: too fast is as
    /// telling as too slow, it means the two do different work).
    case ratioBetween(Double, Double)
    /// value == 0 (counted, e.g. allocations per packet).
    case valueZero
    /// Reported, no target (e.g. the suite's wall time).
    case none

    public var description: String {
        switch self {
        case .ratioAtMost(let x): "ratio <= \(NumberFormat.compact(x))"
        case .ratioAtLeast(let x): "ratio >= \(NumberFormat.compact(x))"
        case .ratioWithin(let x): "|ratio - 1| <= \(NumberFormat.compact(x))"
        case .ratioBetween(let lo, let hi): "\(NumberFormat.compact(lo)) <= ratio <= \(NumberFormat.compact(hi))"
        case .valueZero: "value = 0"
        case .none: "none (reported)"
        }
    }

    /// How far `x` is from the nearest value where the verdict flips.
    public func distanceToBoundary(from x: Double) -> Double {
        switch self {
        case .ratioAtMost(let limit), .ratioAtLeast(let limit): abs(x - limit)
        case .ratioWithin(let tolerance): abs(abs(x - 1) - tolerance)
        case .ratioBetween(let lo, let hi): min(abs(x - lo), abs(x - hi))
        case .valueZero: abs(x)
        case .none: .infinity
        }
    }

    /// Whether one number (a ratio, or the value for `valueZero`) meets the target.
    public func isMet(by x: Double) -> Bool {
        switch self {
        case .ratioAtMost(let limit): x <= limit
        case .ratioAtLeast(let limit): x >= limit
        case .ratioWithin(let tolerance): abs(x - 1) <= tolerance
        case .ratioBetween(let lo, let hi): x >= lo && x <= hi
        case .valueZero: x == 0
        case .none: true
        }
    }
}

public enum BenchVerdict: String, Sendable, Equatable {
    case met, missed
    /// The machine was too noisy for the ratio to decide: neither pass nor fail.
    case noisy
    /// No target (reported only).
    case reported
    /// Not run (e.g. the full suite without --full-suite); the note says why.
    case skipped
}

/// How noise turns a ratio into `noisy`.
public struct NoisePolicy: Sendable, Equatable {
    /// Relative spread (max - min) / median of the samples above which they are suspect, percent.
    public var maxSpreadPercent: Double
    /// Steal time over the measurement above which it is suspect, percent of CPU time.
    public var maxStealPercent: Double
    public init(maxSpreadPercent: Double = 10, maxStealPercent: Double = 5) {
        (self.maxSpreadPercent, self.maxStealPercent) = (maxSpreadPercent, maxStealPercent)
    }
}

public struct BenchMetric: Sendable, Equatable {
    public var metric: String
    /// The harness's number (median over repetitions).
    public var value: Double
    /// The floor or reference it is compared with (median); nil when there is none.
    public var reference: Double?
    /// Median of the per-repetition ratios value/reference (paired, interleaved runs).
    public var ratio: Double?
    public var target: BenchTarget
    public var verdict: BenchVerdict
    /// Interquartile range / median of the ratios (or of the values without a reference), percent.
    public var spreadPercent: Double
    public var repetitions: Int
    public var unit: String
    public var note: String
    /// Every repetition's (value, reference) pair, for bench_samples.csv.
    public var samples: [(value: Double, reference: Double?)] = []

    public static func == (a: BenchMetric, b: BenchMetric) -> Bool {
        a.metric == b.metric && a.value == b.value && a.reference == b.reference && a.ratio == b.ratio
            && a.target == b.target && a.verdict == b.verdict && a.spreadPercent == b.spreadPercent
            && a.repetitions == b.repetitions && a.unit == b.unit && a.note == b.note
    }

    public init(metric: String, value: Double, reference: Double?, ratio: Double?, target: BenchTarget,
                verdict: BenchVerdict, spreadPercent: Double, repetitions: Int, unit: String, note: String = "") {
        self.metric = metric; self.value = value; self.reference = reference; self.ratio = ratio
        self.target = target; self.verdict = verdict; self.spreadPercent = spreadPercent
        self.repetitions = repetitions; self.unit = unit; self.note = note
    }

    /// Judges paired samples: `values[i]` and `references[i]` were measured back to back.
    /// A ratio is `noisy` when the samples spread more than the policy allows (or steal was high)
    /// AND that spread could flip the verdict (samples on both sides of the target, or the median
    /// closer to the boundary than half the interquartile range). A clear pass or miss stays one.
    public static func judge(metric: String, values: [Double], references: [Double], target: BenchTarget,
                             unit: String, stealPercent: Double, policy: NoisePolicy = NoisePolicy(),
                             note: String = "") -> BenchMetric {
        let value = Samples.median(values)
        let reference = references.isEmpty ? nil : Samples.median(references)
        var ratios: [Double] = []
        if !references.isEmpty {
            for (v, r) in zip(values, references) where r != 0 { ratios.append(v / r) }
        }
        let decided = ratios.isEmpty ? values : ratios
        let central = Samples.median(decided)
        let spread = Samples.spreadPercent(decided)
        var verdict: BenchVerdict
        var why = note
        if case .none = target {
            verdict = .reported
        } else if decided.isEmpty {
            verdict = .skipped
        } else {
            let met = target.isMet(by: central)
            let sideSpread = references.isEmpty ? 0 : max(Samples.spreadPercent(values), Samples.spreadPercent(references))
            // The machine is noisy when either side alone varies (a small ratio spread over a few
            // samples can be a coincidence of two noisy series), or when the host stole CPU.
            let worstSpread = max(spread, sideSpread)
            let noisyMachine = worstSpread > policy.maxSpreadPercent || stealPercent > policy.maxStealPercent
            let straddles = decided.contains { target.isMet(by: $0) } && decided.contains { !target.isMet(by: $0) }
            // A decision is robust when the median sits farther from the target's boundary than
            // half the samples' interquartile range: noise of that size could not move it across.
            // Each side's own spread bounds how far one pairing could be off, so it counts too.
            let halfIQR = (Samples.percentile(decided, 75) - Samples.percentile(decided, 25)) / 2
            let sideUncertainty = abs(central) * sideSpread / 100 / 2
            let fragile = straddles || target.distanceToBoundary(from: central) < max(halfIQR, sideUncertainty)
            if noisyMachine && fragile {
                verdict = .noisy
                let reason = stealPercent > policy.maxStealPercent
                    ? "steal \(NumberFormat.compact(stealPercent))% > \(NumberFormat.compact(policy.maxStealPercent))%"
                    : "spread \(NumberFormat.compact(worstSpread))% > \(NumberFormat.compact(policy.maxSpreadPercent))%"
                why = [note, "noisy: \(reason) and the samples' range reaches the target; rerun on a quieter machine or with more repetitions"]
                    .filter { !$0.isEmpty }.joined(separator: "; ")
            } else {
                verdict = met ? .met : .missed
            }
        }
        if stealPercent > 0 && !why.contains("steal") {
            why = [why, "steal \(NumberFormat.compact(stealPercent))%"].filter { !$0.isEmpty }.joined(separator: "; ")
        }
        var m = BenchMetric(metric: metric, value: value, reference: reference,
                            ratio: ratios.isEmpty ? nil : central, target: target, verdict: verdict,
                            spreadPercent: spread, repetitions: values.count, unit: unit, note: why)
        m.samples = values.enumerated().map { i, v in (v, i < references.count ? references[i] : nil) }
        return m
    }

    /// The ratio of the best value to the best reference (interference only ever slows a run
    /// down, so the best of each side is the least disturbed); nil without a reference.
    public var bestRatio: Double? {
        let refs = samples.compactMap(\.reference)
        guard !refs.isEmpty, !samples.isEmpty else { return nil }
        let higherIsBetter: Bool
        switch target {
        case .ratioAtLeast, .ratioWithin, .ratioBetween: higherIsBetter = true
        default: higherIsBetter = false
        }
        let values = samples.map(\.value)
        let v = higherIsBetter ? values.max()! : values.min()!
        let r = higherIsBetter ? refs.max()! : refs.min()!
        return r != 0 ? v / r : nil
    }
}

/// Medians and spreads of small sample sets.
public enum Samples {
    public static func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Interquartile range over |median| x 100 (robust to one preempted sample, which a
    /// max - min spread is not); 0 for fewer than two samples or a zero median.
    public static func spreadPercent(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = abs(median(xs))
        return m > 0 ? (percentile(xs, 75) - percentile(xs, 25)) / m * 100 : 0
    }

    /// Linear-interpolated percentile (p in 0...100).
    public static func percentile(_ xs: [Double], _ p: Double) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        let rank = p / 100 * Double(s.count - 1)
        let lo = Int(rank.rounded(.down)), hi = Int(rank.rounded(.up))
        return s[lo] + (s[hi] - s[lo]) * (rank - Double(lo))
    }
}

import DataPaths
import Platform

/// What `vwifi-bench run` was asked for, beyond the suite file.
public struct RunOptions: Sendable {
    /// Runs go to `<resultsRoot>/<run-id>/`; `<resultsRoot>/latest` points at the newest.
    public var resultsRoot: String = "Results"
    public var quick: Bool = false
    /// Overrides the suite's `repetitions` (or `quick_repetitions`).
    public var repetitions: Int? = nil
    /// Overrides the suite's `seed`.
    public var seed: UInt64? = nil
    /// Experiment names (or figure names, e.g. fig8) to run; empty runs all.
    public var only: [String] = []
    public var toolVersion: String = "unknown"
    /// Fixed run id (tests); nil derives one from the UTC time and a short hash.
    public var runID: String? = nil
    /// Render charts at the end when gnuplot is present.
    public var renderCharts: Bool = true
    /// Directory holding the gnuplot scripts; nil searches (see `Plotter.locateScripts`).
    public var plotScripts: String? = nil
    /// Probe for scheduling gaps (5 ms of clock reads) before each run.
    public var probeGaps: Bool = true
    /// Run only this share of the suite's points (`--shard K/N`); nil runs them all.
    public var shard: Shard? = nil
    public init() {}
}

/// `--shard K/N`: the K-th of N deterministic shares of a suite's points. Points are dealt
/// longest first to the least loaded share (by estimated seconds, ties to the lower share), so
/// shares take about equally long; the deal depends only on the suite and the options.
public struct Shard: Sendable, Equatable, Codable, CustomStringConvertible {
    /// 1-based.
    public var index: Int
    public var count: Int
    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// Parses `K/N` with 1 <= K <= N <= 1000; nil otherwise.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), (1...1000).contains(n), (1...n).contains(k)
        else { return nil }
        index = k; count = n
    }

    public var description: String { "\(index)/\(count)" }

    /// The 1-based share of each point, for points whose runs take `seconds` each in all.
    static func deal(seconds: [Double], count: Int) -> [Int] {
        var load = [Double](repeating: 0, count: count)
        var share = [Int](repeating: 1, count: seconds.count)
        let order = seconds.indices.sorted { seconds[$0] != seconds[$1] ? seconds[$0] > seconds[$1] : $0 < $1 }
        for i in order {
            let k = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
            load[k] += seconds[i]
            share[i] = k + 1
        }
        return share
    }
}

/// A measured repetition already on record (a resumed run skips it).
public struct RepetitionKey: Hashable, Sendable {
    public var experiment: String
    public var point: String
    public var repetition: Int
    public init(experiment: String, point: String, repetition: Int) {
        self.experiment = experiment; self.point = point; self.repetition = repetition
    }
}

/// One run in execution order.
public struct PlannedRun: Sendable {
    public var pointIndex: Int
    /// 0-based measured repetition; nil for the point's warm-up run.
    public var repetition: Int?
    public var config: PathConfig
    public var estimatedSeconds: Double
    public var isWarmup: Bool { repetition == nil }
}

/// The order of a suite's runs: one shortened warm-up per point (results discarded) just before
/// its first measured run, then `repetitions` rounds; within each round every point runs once, in
/// an order shuffled with the seed, so slow drift of the machine spreads evenly over points.
public struct RunPlan: Sendable {
    public var points: [ExperimentPoint]
    public var repetitions: Int
    public var seed: UInt64
    public var runs: [PlannedRun]
    public var estimatedSeconds: Double { runs.reduce(0) { $0 + $1.estimatedSeconds } }

    public init(suite: Suite, options: RunOptions) throws(SuiteError) {
        var pts = suite.points(quick: options.quick)
        if !options.only.isEmpty {
            let names = suite.experiments.map(\.name)
            let figures = Figure.allCases.map(\.rawValue) + ["fig5"]
            for o in options.only where !names.contains(o) && !figures.contains(o) {
                throw SuiteError(file: suite.file, field: "--only", problem: "'\(o)' is not an experiment of this suite",
                                 fix: "use experiment names (\(names.joined(separator: ", "))) or figure names (\(figures.joined(separator: ", ")))")
            }
            pts = pts.filter { p in
                options.only.contains(p.experiment) || options.only.contains(p.figure.rawValue)
                    || (options.only.contains("fig5") && (p.figure == .fig5Throughput || p.figure == .fig5Latency))
            }
        }
        repetitions = options.repetitions ?? (options.quick ? suite.quickRepetitions : suite.repetitions)
        seed = options.seed ?? suite.seed
        if let shard = options.shard {
            let reps = Double(repetitions)
            let share = Shard.deal(seconds: pts.map { reps * Self.estimateSeconds($0.config) }, count: shard.count)
            pts = pts.indices.filter { share[$0] == shard.index }.map { pts[$0] }
        }
        points = pts
        var rng = SplitMix64(seed: seed)
        var planned: [PlannedRun] = []
        var warmed = Set<Int>()
        for round in 0..<repetitions {
            for i in rng.shuffledIndices(pts.count) {
                if warmed.insert(i).inserted {
                    let w = Self.warmupConfig(pts[i].config)
                    planned.append(PlannedRun(pointIndex: i, repetition: nil, config: w,
                                              estimatedSeconds: Self.estimateSeconds(w)))
                }
                var c = pts[i].config
                c.seed = Self.runSeed(base: c.seed, suiteSeed: seed, point: pts[i].displayName, repetition: round)
                planned.append(PlannedRun(pointIndex: i, repetition: round, config: c,
                                          estimatedSeconds: Self.estimateSeconds(c)))
            }
        }
        runs = planned
    }

    /// The runs still to do when `done` repetitions are on record and the points `failed` gave
    /// up: the same order, the measured runs not yet done, and a warm-up just before each
    /// point's first remaining run (a new process has cold code and caches again). With nothing
    /// done this is the plan itself.
    public func remaining(done: Set<RepetitionKey>, failed: Set<Int>) -> [PlannedRun] {
        var out: [PlannedRun] = []
        var warmed = Set<Int>()
        for r in runs {
            guard let rep = r.repetition, !failed.contains(r.pointIndex) else { continue }
            let p = points[r.pointIndex]
            if done.contains(RepetitionKey(experiment: p.experiment, point: p.label, repetition: rep)) { continue }
            if warmed.insert(r.pointIndex).inserted, let w = runs.first(where: { $0.pointIndex == r.pointIndex && $0.isWarmup }) {
                out.append(w)
            }
            out.append(r)
        }
        return out
    }

    /// The warm-up run: the same configuration, about a fifth as long. It brings code, page
    /// tables and caches in; its result is discarded.
    static func warmupConfig(_ c: PathConfig) -> PathConfig {
        var w = c
        w.packets = min(c.packets, max(c.warmupPackets + 100, c.packets / 5))
        if let d = c.duration { w.duration = min(d, 0.5) }
        w.pingCount = min(c.pingCount, max(10, c.pingCount / 5))
        return w
    }

    /// Each repetition gets its own seed (for backoff draws and the like), reproducible from the
    /// suite seed, the point and the repetition alone (so `--only` does not change it).
    static func runSeed(base: UInt64, suiteSeed: UInt64, point: String, repetition: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in point.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        var g = SplitMix64(seed: base ^ suiteSeed.rotated(17) ^ h ^ UInt64(repetition) &* 0x9e37_79b9_7f4a_7c15)
        return g.next()
    }

    /// Rough seconds a run takes, for the ETA and the up-front estimate: air time of the frames
    /// (802.11g ERP-OFDM at 54 Mbps, per FIELD-NOTES), echo gaps, or the idle duration, plus setup.
    public static func estimateSeconds(_ c: PathConfig) -> Double {
        let setup = 0.25
        let symbols = (Double((c.size + 64) * 8 + 22) / 216).rounded(.up)
        let frame: Double
        switch c.air {
        case .ieee80211g: frame = (c.slot == .long ? 270e-6 : 165e-6) + symbols * 4e-6
        case .none: frame = 5e-6
        }
        switch c.workload {
        case .udp:
            if let d = c.duration { return d + setup }
            let rateTime = c.rate.map { Double(c.packets) / $0 } ?? 0
            return max(Double(c.packets + c.warmupPackets) * frame, rateTime) + setup
        case .ping:
            if let d = c.duration { return d + setup }
            return Double(c.pingCount) * (c.pingIntervalMs / 1000 + 2 * frame + 1e-3) + setup
        case .idle:
            return (c.duration ?? 1) + setup
        }
    }
}

extension UInt64 {
    func rotated(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}

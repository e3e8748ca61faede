import DataPaths

/// One measured repetition of a point and the machine's noise around it.
public struct RunRecord: Sendable, Codable {
    public var repetition: Int
    /// The `seed` option the run was given.
    public var seed: UInt64
    public var result: PathResult
    /// Steal time during the run, percent of all CPU time (/proc/stat); nil where unknown.
    public var stealPercent: Double?
    /// Longest stall seen by a short clock-reading probe just before the run, microseconds.
    public var maxGapUs: Double
    public var elapsedSeconds: Double
    /// Other harness instances seen running on the machine just before or just after the run.
    public var otherInstances: [String]? = nil
    /// Processes outside the harness that took more than CompetingLoad.threshold of a CPU
    /// during the run, as `pid:percent (command)`, largest first.
    public var competingLoad: [String]? = nil
    public init(repetition: Int, seed: UInt64, result: PathResult, stealPercent: Double?, maxGapUs: Double,
                elapsedSeconds: Double) {
        self.repetition = repetition; self.seed = seed; self.result = result
        self.stealPercent = stealPercent; self.maxGapUs = maxGapUs; self.elapsedSeconds = elapsedSeconds
    }
}

/// A point and its measured repetitions (warm-up never included).
public struct PointRecords: Sendable {
    public var point: ExperimentPoint
    public var runs: [RunRecord]
    /// The machine its runs were made on, set only by a merge of shards from different machines.
    public var machine: String? = nil
    public init(point: ExperimentPoint, runs: [RunRecord] = []) { self.point = point; self.runs = runs }
}

/// Derived per-run quantities, shared by the tables and the warnings.
extension PathResult {
    /// Host CPU percent: the summary's own figure.
    var hostCPU: Double { summary.hostCPUPercent }
    var virtualInterruptsPerSecond: Double {
        summary.wallSeconds > 0 ? Double(summary.interruptsVirtual) / summary.wallSeconds : .nan
    }
    var physicalInterruptsPerSecond: Double {
        summary.wallSeconds > 0 ? Double(summary.interruptsPhysical) / summary.wallSeconds : .nan
    }
    var extraPathStages: [StageStatistic] { stages.filter { $0.chain == "tx_extra_path" } }
    var extraPathCycles: Double { extraPathStages.reduce(0) { $0 + $1.cyclesMedian } }
    var rttMedianMs: Double { Statistics.median(rttMs) }
}

import Measurement

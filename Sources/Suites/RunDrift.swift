// How far apart runs of the same code land on one machine. compare's rank-sum test treats the
// repetitions of a run as samples of the code's performance, but a shared machine drifts between
// runs (a neighbour's load, the host's own state) by more than the repetitions inside one run
// spread: two same-code runs ten minutes apart can then differ "significantly". The only honest
// measure of that drift is several same-code runs. `vwifi-bench drift` reads them and writes,
// per metric, the spread of the runs' medians; `compare --drift FILE` then calls a change news
// only when it is also beyond what two same-code runs differ by at the test's own level:
// t(1 - alpha/2, k - 1) * sqrt(2) * s, s the standard deviation of the k runs' medians.
import Foundation
import Measurement

public struct RunDrift: Sendable {
    public struct Entry: Sendable, Equatable {
        public var file: String
        public var key: String
        public var metric: String
        public var unit: String
        /// Each run's median of the metric's repetitions (perturbed ones left out unless kept).
        public var runMedians: [Double]

        public var runs: Int { runMedians.count }
        /// Standard deviation of the runs' medians (n - 1 in the denominator).
        public var standardDeviation: Double { Statistics.standardDeviation(runMedians) }
        public var largestDifference: Double { (runMedians.max() ?? 0) - (runMedians.min() ?? 0) }

        /// The largest difference between two new same-code runs' medians at two-sided level
        /// `alpha`: t(1 - alpha/2, runs - 1) * sqrt(2) * s. Nil below two runs.
        public func band(alpha: Double) -> Double? {
            guard runs >= 2 else { return nil }
            let t = Statistics.studentTQuantile(1 - alpha / 2, degreesOfFreedom: Double(runs - 1))
            return t * 2.0.squareRoot() * standardDeviation
        }

        /// `band` as percent of the runs' median; nil without a band or with a zero median.
        public func bandPercent(alpha: Double) -> Double? {
            let median = abs(Statistics.median(runMedians))
            guard let band = band(alpha: alpha), median > 0 else { return nil }
            return band / median * 100
        }

        var id: String { RunDrift.id(file: file, key: key, metric: metric) }
    }

    public var entries: [String: Entry]
    /// The machine the runs shared (MachineFingerprint.label), and the commits they ran.
    public var machine: String
    public var commits: [String]

    static func id(file: String, key: String, metric: String) -> String { "\(file)|\(key)|\(metric)" }

    public func entry(file: String, key: String, metric: String) -> Entry? { entries[Self.id(file: file, key: key, metric: metric)] }

    /// The fewest runs the command takes: two give a band of t(0.995, 1) = 63.7 standard
    /// deviations at alpha 0.01, which hides nearly everything; the README recommends four or more.
    public static let minimumRuns = 2
    public static let recommendedRuns = 4

    /// Reads same-code runs of one machine. Every metric found in all of them with repetitions
    /// in each becomes an entry. Refuses (usage error) fewer than two directories, one that holds
    /// no results, or runs whose machines differ: drift between machines is not run-to-run drift.
    public static func measure(runs: [String], keepPerturbed: Bool = false) throws(CompareError) -> RunDrift {
        guard runs.count >= minimumRuns else {
            throw CompareError(description: "runs: \(runs.count) given; give at least \(minimumRuns) results directories of the same code (\(recommendedRuns) or more for a useful band)")
        }
        var machines: [MachineFingerprint] = []
        // Each run's metrics, every entry holding that run's one median.
        var perRun: [[String: Entry]] = []
        for path in runs {
            let d = ResultsDirectory(path: path)
            guard d.exists else { throw CompareError(description: "runs: \(path): no such directory; give Results/<run-id> directories") }
            guard d.looksLikeResults else {
                throw CompareError(description: "runs: \(path): holds no result tables (fig*_*.csv, table1_time.csv); give directories written by `vwifi-bench run`")
            }
            guard let m = MachineFingerprint.load(directory: path) else {
                throw CompareError(description: "runs: \(path): no readable \(ResultLayout.metadata); the machine of each run must be known")
            }
            if let first = machines.first, !first.differences(from: m).isEmpty {
                throw CompareError(description: "runs: \(path) ran on another machine than \(runs[0]) (\(first.differences(from: m).joined(separator: "; "))); give runs of one machine")
            }
            machines.append(m)
            let raw = Compare.RawRuns(d)
            var medians: [String: Entry] = [:]
            for spec in Compare.specs {
                for row in d.records(spec.file) {
                    for metric in spec.metrics {
                        guard let source = metric.raw else { continue }
                        let values = raw.values(source, row: row).filter { keepPerturbed || $0.perturbed == nil }.map(\.value)
                        guard !values.isEmpty else { continue }
                        let e = Entry(file: spec.file, key: spec.key(of: row), metric: metric.column, unit: metric.unit,
                                      runMedians: [Statistics.median(values)])
                        medians[e.id] = e
                    }
                }
            }
            perRun.append(medians)
        }
        var entries: [String: Entry] = [:]
        for (id, first) in perRun[0] {
            let all = perRun.compactMap { $0[id]?.runMedians[0] }
            guard all.count == perRun.count else { continue }
            var e = first
            e.runMedians = all
            entries[id] = e
        }
        let commits = Array(Set(machines.compactMap(\.commit))).sorted()
        return RunDrift(entries: entries, machine: machines[0].label, commits: commits)
    }

    public static let columns = ["file", "key", "metric", "unit", "runs", "run_medians", "median", "sd_between",
                                 "sd_between_percent", "largest_difference", "band_alpha_0.01", "band_percent_alpha_0.01",
                                 "machine", "commits"]

    /// One row per metric, sorted; `band_alpha_0.01` is compare's default band, for reading.
    public var table: CSVTable {
        var t = CSVTable(header: Self.columns)
        for e in entries.values.sorted(by: { $0.id < $1.id }) {
            let median = Statistics.median(e.runMedians)
            let sdPercent = median != 0 ? e.standardDeviation / abs(median) * 100 : 0
            t.append([e.file, e.key, e.metric, e.unit, "\(e.runs)",
                      // Shortest round-tripping form: the file reads back to the same medians.
                      e.runMedians.map { "\($0)" }.joined(separator: ";"),
                      NumberFormat.trimmed(median, decimals: 6), NumberFormat.trimmed(e.standardDeviation, decimals: 6),
                      NumberFormat.trimmed(sdPercent, decimals: 3), NumberFormat.trimmed(e.largestDifference, decimals: 6),
                      e.band(alpha: Compare.defaultAlpha).map { NumberFormat.trimmed($0, decimals: 6) } ?? "",
                      e.bandPercent(alpha: Compare.defaultAlpha).map { NumberFormat.trimmed($0, decimals: 3) } ?? "",
                      machine, commits.joined(separator: " ")])
        }
        return t
    }

    /// Reads a file `table` wrote; a missing file, another CSV or a malformed row is a usage error.
    public static func load(path: String) throws(CompareError) -> RunDrift {
        guard let text = TextFile.read(path) else {
            throw CompareError(description: "--drift: \(path): cannot be read; give the file `vwifi-bench drift --out FILE RUN...` wrote")
        }
        let t = CSVTable.parse(text)
        let needed = ["file", "key", "metric", "unit", "run_medians", "machine", "commits"]
        guard needed.allSatisfy(t.header.contains) else {
            throw CompareError(description: "--drift: \(path): not a drift file (needs columns \(needed.joined(separator: ", "))); give the file `vwifi-bench drift` wrote")
        }
        var entries: [String: Entry] = [:]
        var machine = "", commits: [String] = []
        for (i, r) in t.records.enumerated() {
            let medians = (r["run_medians"] ?? "").split(separator: ";").map { Double($0) }
            guard medians.count >= minimumRuns, medians.allSatisfy({ $0?.isFinite == true }) else {
                throw CompareError(description: "--drift: \(path) row \(i + 2): run_medians '\(r["run_medians"] ?? "")' is not \(minimumRuns) or more numbers separated by ';'; rewrite it with `vwifi-bench drift`")
            }
            let e = Entry(file: r["file"] ?? "", key: r["key"] ?? "", metric: r["metric"] ?? "", unit: r["unit"] ?? "",
                          runMedians: medians.compactMap { $0 })
            entries[e.id] = e
            machine = r["machine"] ?? ""
            commits = (r["commits"] ?? "").split(separator: " ").map(String.init)
        }
        return RunDrift(entries: entries, machine: machine, commits: commits)
    }
}

// Where each compared metric's per-repetition values live in a results directory's raw_*.csv:
// the figure tables are medians over these, so a metric is judged on the repetitions it came from.
import Foundation
import Measurement

extension Compare {
    /// How a table row's metric maps to raw rows (matched on the row's experiment and point).
    enum RawSource {
        /// A column of raw_samples.csv.
        case sample(String)
        /// The median of each repetition's echoes in raw_rtt.csv.
        case rttMedian
        /// raw_stages.csv cycles_median of the row's stage on the TX extra path.
        case stageCycles
        /// raw_cpu.csv cpu_percent of the row's component (`system`: raw_samples system_cpu_percent).
        case componentCPU
        /// raw_categories.csv: the row's component and category cycles over the run's wall cycles.
        case categoryPercent
    }

    /// One repetition's value of a metric.
    struct Repetition {
        var value: Double
        var tscHz: Double?
        /// What the run recorded as perturbing this repetition, or nil.
        var perturbed: String?
    }

    /// One directory's raw rows, grouped by experiment and point.
    struct RawRuns {
        var samples: [String: [[String: String]]] = [:]
        var stages: [String: [[String: String]]] = [:]
        var cpu: [String: [[String: String]]] = [:]
        var categories: [String: [[String: String]]] = [:]
        var rtt: [String: [[String: String]]] = [:]

        static func group(_ rows: [[String: String]]) -> [String: [[String: String]]] {
            Dictionary(grouping: rows) { "\($0["experiment"] ?? "")|\($0["point"] ?? "")" }
        }

        /// What the run itself flagged in a raw_samples row as perturbing its CPU and timing
        /// figures (the same limits as its warnings): steal time beyond RunWarnings' limit, a
        /// competing process, another harness instance. Nil for a quiet repetition.
        static func perturbation(_ sample: [String: String]) -> String? {
            if let steal = sample.double("steal_percent"), steal > RunWarnings.stealLimitPercent { return "steal" }
            if let load = sample["competing_load"], !load.isEmpty { return "competing load" }
            if let others = sample["other_instances"], !others.isEmpty { return "another instance" }
            return nil
        }

        /// Repetitions of the whole directory the run flagged, by what flagged them.
        var perturbedCounts: (total: Int, byReason: [String: Int]) {
            let all = samples.values.joined()
            var reasons: [String: Int] = [:]
            for s in all { if let r = Self.perturbation(s) { reasons[r, default: 0] += 1 } }
            return (all.count, reasons)
        }

        init(_ d: ResultsDirectory) {
            samples = Self.group(d.records(ResultLayout.rawSamples))
            stages = Self.group(d.records(ResultLayout.rawStages))
            cpu = Self.group(d.records(ResultLayout.rawCPU))
            categories = Self.group(d.records(ResultLayout.rawCategories))
            rtt = Self.group(d.records(ResultLayout.rawRTT))
        }

        /// Per-repetition values of `source` for a table row, each with its repetition's TSC rate
        /// (nil when raw_samples does not say) and what perturbed it (nil when nothing the run
        /// recorded did), in repetition order.
        func values(_ source: RawSource, row: [String: String]) -> [Repetition] {
            let key = "\(row["experiment"] ?? "")|\(row["point"] ?? "")"
            let runs = samples[key] ?? []
            var tsc: [String: Double] = [:]
            var noise: [String: String] = [:]
            for s in runs {
                guard let r = s["repetition"] else { continue }
                if let hz = s.double("tsc_hz"), hz > 0 { tsc[r] = hz }
                noise[r] = Self.perturbation(s)
            }
            func byRepetition(_ rows: [[String: String]], _ value: ([[String: String]]) -> Double?) -> [Repetition] {
                let grouped = Dictionary(grouping: rows) { $0["repetition"] ?? "" }
                return grouped.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.compactMap { r in
                    value(grouped[r]!).map { Repetition(value: $0, tscHz: tsc[r], perturbed: noise[r]) }
                }
            }
            switch source {
            case .sample(let column):
                return byRepetition(runs) { $0.first?.double(column) }
            case .rttMedian:
                let echoes = rtt[key] ?? []
                if echoes.isEmpty { return byRepetition(runs) { $0.first?.double("rtt_ms_median") } }
                return byRepetition(echoes) { rs in
                    let xs = rs.compactMap { $0.double("rtt_ms") }
                    return xs.isEmpty ? nil : Statistics.median(xs)
                }
            case .stageCycles:
                let mine = (stages[key] ?? []).filter { $0["stage"] == row["stage"] && $0["chain"] == "tx_extra_path" }
                return byRepetition(mine) { $0.first?.double("cycles_median") }
            case .componentCPU:
                if row["component"] == "system" { return byRepetition(runs) { $0.first?.double("system_cpu_percent") } }
                let mine = (cpu[key] ?? []).filter { $0["component"] == row["component"] }
                return byRepetition(mine) { $0.first?.double("cpu_percent") }
            case .categoryPercent:
                // As table1_time.csv: every repetition with wall cycles counts, 0 where it did no such work.
                let cats = Dictionary(grouping: (categories[key] ?? []).filter {
                    $0["component"] == row["component"] && $0["category"] == row["category"]
                }) { $0["repetition"] ?? "" }
                guard !cats.isEmpty else { return [] }
                return byRepetition(runs) { rs in
                    guard let s = rs.first, let wall = s.double("wall_cycles"), wall > 0 else { return nil }
                    let cycles = (cats[s["repetition"] ?? ""] ?? []).compactMap { $0.double("cycles") }.reduce(0, +)
                    return cycles / wall * 100
                }
            }
        }
    }
}

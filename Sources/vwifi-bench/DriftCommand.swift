// `vwifi-bench drift --out FILE RUN RUN...`: how far same-code runs of this machine land apart,
// per metric, for `compare --drift`.
import ArgumentParser
import Foundation
import Measurement
import Suites

struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Measure run-to-run drift from several same-code results directories of one machine.",
        discussion: """
            For every metric compare judges, each run's median of its repetitions (perturbed \
            repetitions left out, as compare does, unless --keep-perturbed), their standard \
            deviation s and largest difference, written as CSV. `compare --drift FILE` then needs \
            a change to exceed t(1 - alpha/2, k - 1) * sqrt(2) * s as well: what two more runs of \
            the same code differ by at most at compare's alpha. Give runs of the same suite and \
            commit, made at different times (e.g. four `make paper` runs). Runs from different \
            machines are refused. Exit status: 0 written, 2 refused (nothing written).
            """)

    @Option(name: .long, help: "The drift file to write (CSV).")
    var out: String

    @Flag(name: .long, help: "Use every repetition, also those the runs flagged as perturbed.")
    var keepPerturbed = false

    @Argument(help: "Same-code results directories of this machine (two or more; four or more recommended).")
    var runs: [String] = []

    func run() throws {
        let drift: RunDrift
        do { drift = try RunDrift.measure(runs: runs, keepPerturbed: keepPerturbed) } catch {
            fail(error.description, code: 2)
        }
        guard !drift.entries.isEmpty else {
            fail("runs: no metric has repetitions in every run; give runs of the same suite", code: 2)
        }
        do { try drift.table.write(to: out) } catch { fail("--out: \(out): \(error); give a writable path", code: 2) }
        print("drift: \(drift.entries.count) metrics from \(runs.count) runs (\(drift.machine)) -> \(out)")
        if runs.count < RunDrift.recommendedRuns {
            print("note: with \(runs.count) runs the band is wide (t has \(runs.count - 1) degrees of freedom); \(RunDrift.recommendedRuns) or more runs narrow it")
        }
        // How many metrics this machine cannot judge at compare's default threshold: their band
        // alone is wider than 10 % of the metric.
        let wide = drift.entries.values.filter { ($0.bandPercent(alpha: Compare.defaultAlpha) ?? 0) > Compare.defaultThresholdPercent }.count
        print("\(wide) of \(drift.entries.count) metrics drift by more than \(NumberFormat.trimmed(Compare.defaultThresholdPercent)) % at alpha \(NumberFormat.trimmed(Compare.defaultAlpha)) (band_percent_alpha_0.01)")
    }
}

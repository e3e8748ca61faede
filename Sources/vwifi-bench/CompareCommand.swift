// `vwifi-bench compare BASELINE CANDIDATE`: per metric, a rank-sum test on the repetitions, the
// effect, and a verdict; the two machines' differences first.
import ArgumentParser
import Foundation
import Suites

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two results directories metric by metric.",
        discussion: """
            Each metric is judged on the repetitions behind it (raw_*.csv): a two-sided exact \
            permutation test on the rank sum (Mann-Whitney U; Monte-Carlo with a fixed seed beyond \
            18 + 18 repetitions). A metric is `worse` or `better` only when p <= --alpha AND its \
            median moved by more than --threshold percent AND by more than its unit's floor \
            (0.5 Mbps, 0.01 ms, 1000 cycles or 400 ns, 0.5 CPU points, 1 point of a run's time, \
            500 frames/s); otherwise `~`. A regression is a worse metric. With 3 + 3 repetitions \
            the smallest possible p is 0.1 and with 2 + 2 it is 0.33: the report says such metrics \
            cannot be judged at alpha 0.01 (use --repetitions 6). Metrics without raw rows are \
            shown, never regressions. The header lists what differs between the two machines (CPU, \
            TSC rate, kernel, KVM module, counters, trap backends) and the harness commits; when \
            the TSC rates differ by more than 1 %, Figure 6's cycles are compared as nanoseconds. \
            Repetitions their run flagged as perturbed (steal time over 5 %, a competing process, \
            another instance: raw_samples.csv) are left out of each test on both sides, and each \
            row says how many (--keep-perturbed keeps them). A shared machine also drifts between \
            runs by more than the repetitions of one run spread; with --drift FILE (from \
            `vwifi-bench drift`, several same-code runs of this machine) a change counts only when \
            it is also beyond what two same-code runs differ by at --alpha: t(1 - alpha/2, k - 1) \
            * sqrt(2) * s, s the standard deviation of the k runs' medians of that metric.
            Exit status: 0 no regression, 2 usage error, 3 regression.
            """)

    @Argument(help: "The baseline results directory.")
    var baseline: String

    @Argument(help: "The candidate results directory.")
    var candidate: String

    @Option(name: .long, help: "Percent change of the median beyond which a significant worse metric counts as a regression.")
    var threshold: Double = Compare.defaultThresholdPercent

    @Option(name: .long, help: "Significance level of the rank-sum test (default 0.01).")
    var alpha: Double = Compare.defaultAlpha

    @Flag(name: .long, help: "Judge every repetition, also those the run flagged as perturbed (steal time, a competing process, another instance), which are left out by default.")
    var keepPerturbed = false

    @Option(name: .long, help: "Run-to-run drift of same-code runs on this machine (the CSV `vwifi-bench drift` writes): changes within it are `~`.")
    var drift: String?

    @Option(name: .long, help: "Output: table (default), csv, json or markdown.")
    var format: String = Compare.Format.table.rawValue

    func run() throws {
        guard let f = Compare.Format(rawValue: format) else {
            fail("--format: '\(format)' is not a format; give one of table, csv, json, markdown", code: Compare.usageErrorStatus)
        }
        let c: Comparison
        do {
            let profile = try drift.map { path throws(CompareError) in try RunDrift.load(path: path) }
            c = try Compare.run(baseline: baseline, candidate: candidate, thresholdPercent: threshold, alpha: alpha,
                                keepPerturbed: keepPerturbed, drift: profile)
        } catch {
            fail(error.description, code: Compare.usageErrorStatus)
        }
        print(Compare.render(c, format: f), terminator: "")
        let status = Compare.exitStatus(c)
        if status != 0 { throw ExitCode(status) }
    }
}

// `vwifi-bench compare BASELINE CANDIDATE`: ratio, interval and verdict per metric.
import ArgumentParser
import Foundation
import Suites

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two results directories metric by metric.",
        discussion: "Exit status: 0 nothing regressed beyond the threshold, 2 usage error, 3 regression.")

    @Argument(help: "The baseline results directory.")
    var baseline: String

    @Argument(help: "The candidate results directory.")
    var candidate: String

    @Option(name: .long, help: "Percent change beyond which a worse metric counts as a regression.")
    var threshold: Double = Compare.defaultThresholdPercent

    func run() throws {
        let c: Comparison
        do { c = try Compare.run(baseline: baseline, candidate: candidate, thresholdPercent: threshold) } catch {
            fail(error.description, code: Compare.usageErrorStatus)
        }
        print(Compare.report(c), terminator: "")
        let status = Compare.exitStatus(c)
        if status != 0 { throw ExitCode(status) }
    }
}


// `vwifi-bench merge --out DIR SHARD...`: joins the shards of one suite run into one results directory.
import ArgumentParser
import Foundation
import Suites

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the results directories of `run --shard K/N` into one.",
        discussion: """
            Every shard must be the same suite with the same options, all N of them present and
            finished. Shards from machines whose fingerprints (CPU, TSC rate, kernel, KVM module,
            counters, trap backends) differ are refused unless --allow-mixed-machines; then every
            table gains a `machine` column. Exit status: 0 ok, 1 charts could not be rendered,
            2 shards refused (nothing written).
            """)

    @Option(name: .long, help: "The merged results directory (new, or empty).")
    var out: String

    @Flag(name: .long, help: "Accept shards from different machines; the tables keep a `machine` column.")
    var allowMixedMachines = false

    @Flag(name: .long, help: "Do not render charts.")
    var noCharts = false

    @Option(name: .long, help: "Directory holding the gnuplot scripts (default: ./plots).")
    var scripts: String?

    @Argument(help: "The shards' results directories.")
    var shards: [String] = []

    func run() throws {
        if shards.isEmpty { fail("shards: none given; give every shard's results directory", code: 2) }
        let r: ReportOutcome
        do {
            r = try ShardMerge.merge(shards: shards, into: out, allowMixedMachines: allowMixedMachines,
                                     renderCharts: !noCharts, plotScripts: scripts)
        } catch let e as ReportError { fail(e.description, code: 2) }
        catch { fail("could not write results: \(error)", code: 1) }
        printReport(r)
        if let note = r.chartNote { fail("charts: \(note)", code: 1) }
    }
}

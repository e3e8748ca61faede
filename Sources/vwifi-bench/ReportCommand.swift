// `vwifi-bench report DIR`: rebuilds a results directory's tables, metadata totals, SUMMARY.md
// and charts from its journal (runs.jsonl); marks a run whose process is gone as killed.
import ArgumentParser
import Foundation
import Suites

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild the tables, SUMMARY.md and charts of a results directory from its raw records.",
        discussion: """
            Works on any directory `run`, `run --resume` or `merge` wrote, finished or not: a run
            killed outright gets every table of the repetitions it finished, and metadata.json's
            status `killed` (`run --resume DIR` can then finish it). Exit status: 0 ok, 1 charts
            could not be rendered, 2 not a results directory or still being written.
            """)

    @Argument(help: "A results directory, e.g. Results/latest.")
    var directory: String

    @Flag(name: .long, help: "Do not render charts.")
    var noCharts = false

    @Option(name: .long, help: "Directory holding the gnuplot scripts (default: ./plots).")
    var scripts: String?

    func run() throws {
        let r: ReportOutcome
        do { r = try ResultsReport.rebuild(directory: directory, renderCharts: !noCharts, plotScripts: scripts) }
        catch let e as ReportError { fail(e.description, code: 2) }
        catch { fail("could not write results: \(error)", code: 1) }
        printReport(r)
        if let note = r.chartNote { fail("charts: \(note)", code: 1) }
    }
}

/// The lines `report` and `merge` end with.
func printReport(_ r: ReportOutcome) {
    if r.droppedEntries > 0 { print("dropped: \(r.droppedEntries) torn or unreadable journal line(s)") }
    for w in r.warnings { print("warning: \(w)") }
    for f in r.failures { print("failed: \(f)") }
    print("results: \(r.directory) (\(r.measuredRuns) of \(r.plannedRuns) runs, status \(r.status))")
    print("summary: \((r.directory as NSString).appendingPathComponent("SUMMARY.md"))")
    for c in r.charts where c.hasSuffix(".png") { print("  \(c)") }
}

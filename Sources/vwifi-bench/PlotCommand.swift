// `vwifi-bench plot DIR`: renders a results directory's charts (PNG and SVG) with gnuplot.
import ArgumentParser
import Foundation
import Suites

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Render the charts of a results directory (fig5..fig8, table1 as PNG and SVG).")

    @Argument(help: "A results directory, e.g. Results/latest.")
    var directory: String

    @Option(name: .long, help: "Directory holding the gnuplot scripts (default: ./plots).")
    var scripts: String?

    func run() throws {
        let dir = ResultsDirectory(path: directory)
        guard dir.exists, dir.looksLikeResults else {
            fail("\(directory): not a results directory (no fig*_*.csv); give one written by `vwifi-bench run`", code: 2)
        }
        let r = Plotter.render(directory: directory, scripts: scripts)
        for f in r.files { print(f) }
        if let note = r.note { fail("charts: \(note)", code: 1) }
    }
}

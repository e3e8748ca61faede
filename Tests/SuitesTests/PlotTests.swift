import Foundation
import Testing
@testable import Suites

@Suite struct PlotTests {
    @Test(.enabled(if: Plotter.gnuplot() != nil, "gnuplot is not installed"))
    func gnuplotScriptsRenderEveryChartOnAGeneratedResultsDirectory() throws {
        let out = try runSuite("paper.yaml", charts: true)
        defer { cleanup(out) }
        #expect(out.chartNote == nil, "\(out.chartNote ?? "")")
        let names = Set(out.charts.map { ($0 as NSString).lastPathComponent })
        for figure in ["fig5", "fig6", "fig7", "fig8", "table1"] {
            #expect(names.contains("\(figure).png") && names.contains("\(figure).svg"), "\(figure)")
            let attrs = try FileManager.default.attributesOfItem(atPath: out.directory + "/\(figure).png")
            #expect((attrs[.size] as? Int ?? 0) > 5_000, "\(figure).png is suspiciously small")
        }
        let svg = try String(contentsOfFile: out.directory + "/fig7.svg", encoding: .utf8)
        #expect(svg.contains("device (hardware stand-in, not host CPU)"))
    }

    @Test(.enabled(if: Plotter.gnuplot() != nil, "gnuplot is not installed"))
    func chartsRenderEvenWhenAFigureHasNoData() throws {
        let out = try runSuite("quick.yaml", only: ["thr-native"], charts: true)
        defer { cleanup(out) }
        #expect(out.chartNote == nil, "\(out.chartNote ?? "")")
        #expect(out.charts.count == 10)
    }

    @Test func plotDataCarriesThePaperValuesFromPaperReference() throws {
        let out = try runSuite("paper.yaml")
        defer { cleanup(out) }
        try Plotter.writePlotData(directory: out.directory)
        let vars = try String(contentsOfFile: out.directory + "/plotdata/vars.gp", encoding: .utf8)
        #expect(vars.contains("fig7_nscenarios = 5"))
        let fig8 = try String(contentsOfFile: out.directory + "/plotdata/fig8_optimizations.dat", encoding: .utf8)
        #expect(fig8.contains("\"none\"") && fig8.contains(" 50.4 "))
    }
}

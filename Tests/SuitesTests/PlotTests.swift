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
        for figure in ["fig5", "fig5_latency_cdf", "fig6", "fig7", "fig8", "table1"] {
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
        // No TCP rows (as in a results directory from before Figure 5(b)): panel (b) is drawn empty;
        // no latency rows: the CDF chart says so.
        let vars = try String(contentsOfFile: out.directory + "/plotdata/vars.gp", encoding: .utf8)
        #expect(out.charts.count == 12)
        #expect(vars.contains("fig5_ncdf = 0"))
        #expect(vars.contains("fig5_ntcp = 0") && vars.contains("fig5_nthroughput = 1"))
    }

    @Test func plotDataCarriesThePaperValuesFromPaperReference() throws {
        let out = try runSuite("paper.yaml")
        defer { cleanup(out) }
        try Plotter.writePlotData(directory: out.directory)
        let vars = try String(contentsOfFile: out.directory + "/plotdata/vars.gp", encoding: .utf8)
        #expect(vars.contains("fig7_nscenarios = 5"))
        // Figure 5(a) plots the UDP rows only, 5(b) the TCP (iperf3) rows, each with its paper marks.
        #expect(vars.contains("fig5_nthroughput = 4") && vars.contains("fig5_ntcp = 4"))
        func lines(_ file: String) throws -> [[String]] {
            try String(contentsOfFile: out.directory + "/plotdata/" + file, encoding: .utf8)
                .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").map(String.init) }
        }
        let udp = try lines("fig5_throughput.dat"), tcp = try lines("fig5_tcp_throughput.dat")
        #expect(udp.map { $0[1] } == ["\"native\"", "\"passthrough\"", "\"vwifi\"", "\"vwifi-iommu\""])
        #expect(tcp.map { $0[1] } == udp.map { $0[1] })
        #expect(udp.first.map { Array($0.suffix(2)) } == ["22", "18"] && tcp.first.map { Array($0.suffix(2)) } == ["20", "20"])
        #expect(tcp.last.map { Array($0.suffix(2)) } == ["?", "?"])
        #expect(tcp.allSatisfy { abs(Double($0[2])! - 19.6) < 0.5 && abs(Double($0[5])! - 19.6) < 0.5 })
        #expect(udp.allSatisfy { Double($0[2])! > 22 && Double($0[5])! < 19 })
        // The CDF: one data block per latency scenario, fractions rising to 1, the tail column
        // 1/(1 - fraction) (? at 1); the paper's average RTT beside each scenario.
        #expect(vars.contains("fig5_ncdf = 4") && vars.contains("fig5_cdf_scenarios = \"native passthrough vwifi vwifi-iommu\""))
        let cdf = try String(contentsOfFile: out.directory + "/plotdata/fig5_latency_cdf.dat", encoding: .utf8)
        let blocks = cdf.components(separatedBy: "\n\n\n")
        #expect(blocks.count == 4)
        for block in blocks {
            let rows = block.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
            #expect(rows.count > 10 && rows.last?[1] == "1" && rows.last?[2] == "?")
            #expect(rows.dropLast().allSatisfy { Double($0[2]).map { $0 >= 1 } == true })
        }
        #expect(try lines("fig5_latency_cdf_paper.dat").map { $0[2] } == ["5.74", "6.17", "7.87", "6.63"])
        let fig8 = try String(contentsOfFile: out.directory + "/plotdata/fig8_optimizations.dat", encoding: .utf8)
        #expect(fig8.contains("\"none\"") && fig8.contains(" 50.4 "))
    }
}

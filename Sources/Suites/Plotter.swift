// Charts: turns a results directory's CSVs into plot-ready data files (plotdata/), then runs
// the gnuplot scripts in plots/ on it. The paper's values reach the charts through
// plotdata/vars.gp, written from PaperReference, so they live in one place.
import Foundation
import Measurement

public enum Plotter {
    public static let scripts = ["fig5.gp", "fig5_latency_cdf.gp", "fig6.gp", "fig7.gp", "fig8.gp", "table1.gp"]
    static let scenarioOrder = ["system-idle", "vm-idle", "native", "passthrough", "vwifi", "vwifi-iommu"]
    static let configurationOrder = ["none", "coalescing", "iommu", "coalescing+iommu"]
    static let hostComponents = ["system", "app", "guest", "hypervisor", "device_model", "host_driver"]

    /// The gnuplot executable on PATH, or nil.
    public static func gnuplot() -> String? {
        ExecutableSearch.locate("gnuplot")
    }

    /// Finds the scripts: the explicit directory, else `plots/` in the working directory, else
    /// `plots/` above the executable (a `.build/<config>/vwifi-bench` inside the checkout).
    public static func locateScripts(_ explicit: String?) -> String? {
        let fm = FileManager.default
        func ok(_ d: String) -> Bool { fm.fileExists(atPath: (d as NSString).appendingPathComponent("fig5.gp")) }
        if let e = explicit { return ok(e) ? e : nil }
        let cwd = (fm.currentDirectoryPath as NSString).appendingPathComponent("plots")
        if ok(cwd) { return cwd }
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = url.appendingPathComponent("plots").path
            if ok(candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    /// Writes plotdata/*.dat and plotdata/vars.gp for `directory`.
    public static func writePlotData(directory: String) throws {
        let results = ResultsDirectory(path: directory)
        let out = (directory as NSString).appendingPathComponent(ResultLayout.plotDataDirectory)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var vars: [String] = ["# Written by vwifi-bench from the CSVs and PaperReference; read by plots/*.gp"]
        func save(_ name: String, _ lines: [String]) throws {
            try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: (out as NSString).appendingPathComponent(name))
        }
        func v(_ x: Double?) -> String { x.flatMap { $0.isFinite ? NumberFormat.trimmed($0, decimals: 4) : nil } ?? "?" }
        func firstPerKey(_ rows: [[String: String]], _ key: String) -> [String: [String: String]] {
            var m: [String: [String: String]] = [:]
            for r in rows { if let k = r[key], m[k] == nil { m[k] = r } }
            return m
        }
        // Stacked bars: each column is the running total of the parts so far (a missing part adds 0).
        func cumulative(_ parts: [String], _ value: (String) -> Double?) -> String {
            var total = 0.0
            return parts.map { total += value($0) ?? 0; return v(total) }.joined(separator: " ")
        }
        func ordered(_ keys: some Collection<String>, _ order: [String]) -> [String] {
            order.filter { keys.contains($0) } + keys.filter { !order.contains($0) }.sorted()
        }

        // Figure 5(a) (UDP) and 5(b) (TCP, iperf3): TX and RX goodput per scenario, one file each.
        let thr = dir(results, ResultLayout.fig5Throughput)
        for (proto, file, count) in [("udp", "fig5_throughput.dat", "fig5_nthroughput"), ("tcp", "fig5_tcp_throughput.dat", "fig5_ntcp")] {
            let rows = thr.filter { $0["protocol"] == proto }
            var lines = ["# idx scenario tx tx_lo tx_hi rx rx_lo rx_hi paper_tx paper_rx"]
            let scenarios = ordered(Set(rows.compactMap { $0["scenario"] }), scenarioOrder)
            for (i, s) in scenarios.enumerated() {
                let tx = rows.first { $0["scenario"] == s && $0["direction"] == "tx" }
                let rx = rows.first { $0["scenario"] == s && $0["direction"] == "rx" }
                lines.append("\(i) \"\(s)\" \(v(tx?.double("goodput_mbps"))) \(v(tx?.double("ci95_low"))) \(v(tx?.double("ci95_high"))) "
                             + "\(v(rx?.double("goodput_mbps"))) \(v(rx?.double("ci95_low"))) \(v(rx?.double("ci95_high"))) "
                             + "\(v(PaperReference.goodputMbps(protocol: proto, scenario: s, direction: "tx"))) "
                             + "\(v(PaperReference.goodputMbps(protocol: proto, scenario: s, direction: "rx")))")
            }
            try save(file, lines)
            vars.append("\(count) = \(scenarios.count)")
        }

        // Figure 5(c): round-trip time per scenario.
        let lat = firstPerKey(dir(results, ResultLayout.fig5Latency), "scenario")
        var fig5c = ["# idx scenario rtt lo hi p99 paper"]
        for (i, s) in ordered(lat.keys, scenarioOrder).enumerated() {
            let r = lat[s]!
            fig5c.append("\(i) \"\(s)\" \(v(r.double("rtt_ms_median"))) \(v(r.double("ci95_low"))) \(v(r.double("ci95_high"))) "
                         + "\(v(r.double("rtt_ms_p99"))) \(v(PaperReference.rttMs[s]))")
        }
        try save("fig5_latency.dat", fig5c)
        vars.append("fig5_nlatency = \(lat.count)")

        // Figure 5(c)'s distributions: one data block (gnuplot `index`) per scenario, each step of
        // its pooled CDF with 1/(1 - fraction) for the tail panel (? at fraction 1, off a log axis).
        let cdfRows = dir(results, ResultLayout.fig5LatencyCDF)
        let cdfScenarios = ordered(Set(cdfRows.compactMap { $0["scenario"] }), scenarioOrder)
        var cdf: [String] = ["# one block per scenario (\(cdfScenarios.joined(separator: " "))): rtt_ms fraction 1/(1-fraction)"]
        var cdfPaper = ["# idx scenario paper_rtt_ms fraction"]
        for (i, sc) in cdfScenarios.enumerated() {
            if i > 0 { cdf += ["", ""] }
            cdf.append("# \(sc)")
            for r in cdfRows where r["scenario"] == sc {
                guard let x = r.double("rtt_ms"), let f = r.double("fraction") else { continue }
                cdf.append("\(v(x)) \(NumberFormat.trimmed(f, decimals: 6)) \(f < 1 ? NumberFormat.trimmed(1 / (1 - f), decimals: 3) : "?")")
            }
            cdfPaper.append("\(i) \"\(sc)\" \(v(PaperReference.rttMs[sc])) 0.5")
        }
        try save("fig5_latency_cdf.dat", cdf)
        try save("fig5_latency_cdf_paper.dat", cdfPaper)
        vars.append("fig5_ncdf = \(cdfScenarios.count)")
        vars.append("fig5_cdf_scenarios = \"\(cdfScenarios.map(gnuplotWord).joined(separator: " "))\"")

        // Figure 6: stacked stage cycles per translation mode (cumulative columns for stacking).
        let st = dir(results, ResultLayout.fig6)
        var stages: [String] = []
        for r in st { if let s = r["stage"], !stages.contains(s) { stages.append(s) } }
        let translations = ordered(Set(st.compactMap { $0["translation"] }), ["software", "iommu"])
        var fig6 = ["# idx translation cumulative cycles per stage (\(stages.joined(separator: " "))) paper_total"]
        for (i, t) in translations.enumerated() {
            let cols = cumulative(stages) { s in st.first { $0["translation"] == t && $0["stage"] == s }?.double("cycles_median") }
            fig6.append("\(i) \"\(t)\" " + cols + " " + v(t == "software" ? PaperReference.extraPathCyclesSoftware : nil))
        }
        try save("fig6_extra_path.dat", fig6)
        vars.append("fig6_ntranslations = \(translations.count)")
        vars.append("fig6_nstages = \(stages.count)")
        vars.append("fig6_stages = \"\(stages.map(gnuplotWord).joined(separator: " "))\"")

        // Figure 7: stacked host CPU per scenario; the device (hardware stand-in) apart. Rows not
        // counted as host other than the device (the harness: the instrument, part of no system
        // the paper compares) stay in fig7.csv but off the chart, so no bar reads as host CPU.
        let cpu = dir(results, ResultLayout.fig7)
        let scen7 = ordered(Set(cpu.compactMap { $0["scenario"] }), scenarioOrder)
        let host = cpu.filter { $0["counted_as_host"] != "false" }
        let comps = hostComponents.filter { c in host.contains { $0["component"] == c } }
            + Set(host.compactMap { $0["component"] }).filter { !hostComponents.contains($0) }.sorted()
        var fig7 = ["# idx scenario cumulative host cpu% per component (\(comps.joined(separator: " "))) device paper_total"]
        for (i, s) in scen7.enumerated() {
            let cols = cumulative(comps) { c in cpu.first { $0["scenario"] == s && $0["component"] == c }?.double("cpu_percent") }
            let device = cpu.first { $0["scenario"] == s && $0["component"] == "device" }?.double("cpu_percent")
            fig7.append("\(i) \"\(s)\" " + cols + " \(v(device)) \(v(PaperReference.cpuPercent[s]))")
        }
        try save("fig7_cpu.dat", fig7)
        vars.append("fig7_nscenarios = \(scen7.count)")
        vars.append("fig7_ncomponents = \(comps.count)")
        vars.append("fig7_components = \"\(comps.map(gnuplotWord).joined(separator: " "))\"")

        // Figure 8: CPU per optimization, interrupts per second.
        let opt = firstPerKey(dir(results, ResultLayout.fig8), "configuration")
        var fig8 = ["# idx configuration cpu lo hi paper virq_per_s pirq_per_s goodput"]
        for (i, c) in ordered(opt.keys, configurationOrder).enumerated() {
            let r = opt[c]!
            fig8.append("\(i) \"\(c)\" \(v(r.double("cpu_percent"))) \(v(r.double("ci95_low"))) \(v(r.double("ci95_high"))) "
                        + "\(v(PaperReference.optimizationCPUPercent[c])) \(v(r.double("interrupts_per_s"))) "
                        + "\(v(r.double("physical_interrupts_per_s"))) \(v(r.double("goodput_mbps")))")
        }
        try save("fig8_optimizations.dat", fig8)
        vars.append("fig8_nconfigurations = \(opt.count)")
        vars.append("paper_interrupts_per_s = \(NumberFormat.trimmed(PaperReference.interruptsPerSecond))")

        // Table 1: percent of total per category (summed over components) for each scenario.
        let t1 = dir(results, ResultLayout.table1)
        var cats: [String] = []
        for r in t1 { if let c = r["category"], !cats.contains(c) { cats.append(c) } }
        let scen1 = ["vwifi", "passthrough", "native"]
        var tab = ["# idx category vwifi passthrough native paper_vwifi paper_passthrough paper_native"]
        for (i, c) in cats.enumerated() {
            let measured = scen1.map { s -> String in
                let xs = t1.filter { $0["scenario"] == s && $0["category"] == c }.compactMap { $0.double("percent_of_total") }
                return xs.isEmpty ? "?" : v(xs.reduce(0, +))
            }
            let paper = scen1.map { s -> String in
                let xs = PaperReference.table1.filter { $0.category == c }.compactMap { $0.value(scenario: s) }
                return xs.isEmpty ? "?" : v(xs.reduce(0, +))
            }
            tab.append("\(i) \"\(c)\" " + (measured + paper).joined(separator: " "))
        }
        try save("table1_time.dat", tab)
        vars.append("table1_ncategories = \(cats.count)")
        try save("vars.gp", vars)
    }

    static func dir(_ r: ResultsDirectory, _ name: String) -> [[String: String]] { r.records(name) }
    static func gnuplotWord(_ s: String) -> String { s.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "\"", with: "") }

    /// Writes the plot data, then runs every script with gnuplot. Returns the chart files made, or
    /// why there are none; a failing script is reported in the note, never fatal.
    public static func render(directory: String, scripts explicit: String?) -> (files: [String], note: String?) {
        guard let gp = gnuplot() else {
            return ([], "gnuplot not found: install gnuplot-nox (make deps) and run `vwifi-bench plot \(directory)`")
        }
        guard let scriptDir = locateScripts(explicit) else {
            return ([], "gnuplot scripts (plots/*.gp) not found: run from the checkout or pass --scripts")
        }
        do { try writePlotData(directory: directory) } catch {
            return ([], "could not write plot data: \(error)")
        }
        var notes: [String] = []
        for s in scripts {
            let path = (scriptDir as NSString).appendingPathComponent(s)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: gp)
            p.arguments = ["-e", "dir='\(directory.replacingOccurrences(of: "'", with: "''"))'", path]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            do { try p.run() } catch { notes.append("\(s): \(error)"); continue }
            let data = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            if p.terminationStatus != 0 {
                let msg = String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(2).joined(separator: " ")
                notes.append("\(s) failed: \(msg)")
            }
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".png") || $0.hasSuffix(".svg") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
        return (files, notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}

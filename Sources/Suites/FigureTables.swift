// Turns measured repetitions into the figure tables. Every measured column is a statistic over
// repetitions of what the runs reported; `paper_*` columns come from `PaperReference` only.
import DataPaths
import Measurement

public enum FigureTables {
    static func n(_ x: Double, _ decimals: Int = 4) -> String { NumberFormat.trimmed(x, decimals: decimals) }
    static func opt(_ x: Double?) -> String { NumberFormat.trimmed(x) }

    /// Every table by file name, figures first, then the raw files (`raw` marks those).
    static var builders: [(name: String, raw: Bool, build: ([PointRecords]) -> CSVTable)] {
        [
            (ResultLayout.fig5Throughput, false, fig5Throughput), (ResultLayout.fig5Latency, false, fig5Latency),
            (ResultLayout.fig5LatencyCDF, false, fig5LatencyCDF),
            (ResultLayout.fig6, false, fig6), (ResultLayout.fig7, false, fig7), (ResultLayout.fig8, false, fig8),
            (ResultLayout.table1, false, table1), (ResultLayout.headroom, false, headroom),
            (ResultLayout.rawSamples, true, rawSamples), (ResultLayout.rawStages, true, rawStages),
            (ResultLayout.rawCPU, true, rawCPU), (ResultLayout.rawCategories, true, rawCategories),
            (ResultLayout.rawRTT, true, rawRTT),
        ]
    }

    /// All figure tables and raw files, by file name.
    public static func all(_ points: [PointRecords]) -> [(String, CSVTable)] {
        builders.map { ($0.name, $0.build(points)) }
    }

    public static func raw(_ points: [PointRecords]) -> [(String, CSVTable)] {
        builders.filter(\.raw).map { ($0.name, $0.build(points)) }
    }

    static func measured(_ points: [PointRecords], _ figure: Figure) -> [PointRecords] {
        points.filter { $0.point.figure == figure && !$0.runs.isEmpty }
    }

    /// Figure 5(a) and 5(b) in one table: `protocol` tells UDP rows from TCP (iperf3) rows.
    public static func fig5Throughput(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.fig5ThroughputColumns
                         + ["ci_exact", "experiment", "point", "paper_goodput_mbps"])
        for p in measured(points, .fig5Throughput) {
            let c = p.point.config
            let g = Statistics.summarize(p.runs.map { $0.result.summary.goodputMbps })
            let f = Statistics.median(p.runs.map { $0.result.summary.framesPerSecond })
            t.append([p.point.rowName, c.transportProtocol, c.direction.rawValue, n(g.median, 4), n(g.ci95Low, 4),
                      n(g.ci95High, 4), n(f, 2), "\(g.count)", "\(g.ciExact)", p.point.experiment, p.point.label,
                      opt(PaperReference.goodputMbps(protocol: c.transportProtocol, scenario: p.point.rowName,
                                                     direction: c.direction.rawValue))])
        }
        return t
    }

    /// The median and its interval are over per-repetition medians (a repetition is the unit of
    /// independent measurement); the percentiles and the maximum pool every echo of every
    /// repetition in one HdrHistogram (nearest rank, within 0.1 %).
    public static func fig5Latency(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.fig5LatencyColumns
                         + ["repetitions", "ci_exact", "experiment", "point", "paper_rtt_ms",
                            "rtt_ms_p50", "rtt_ms_p90", "rtt_ms_p999", "rtt_ms_max"])
        for p in measured(points, .fig5Latency) {
            let perRep = p.runs.map { $0.result.rttMedianMs }.filter { $0.isFinite }
            let d = Statistics.summarize(perRep)
            let pooled = pooledRTT(p)
            let tail = pooled.summary(scale: 1e-6)
            func q(_ x: Double?) -> String { x.map { n($0, 4) } ?? "" }
            t.append([p.point.rowName, n(d.median, 4), q(tail?.p99), n(d.ci95Low, 4),
                      n(d.ci95High, 4), "\(pooled.count)", "\(p.runs.count)", "\(d.ciExact)", p.point.experiment,
                      p.point.label, opt(PaperReference.rttMs[p.point.rowName]),
                      q(tail?.p50), q(tail?.p90), q(tail?.p999), q(tail?.max)])
        }
        return t
    }

    /// Every echo of every repetition of a point, nanoseconds.
    static func pooledRTT(_ p: PointRecords) -> LatencyHistogram {
        p.runs.reduce(into: LatencyHistogram()) { $0.add($1.result.rttHistogram) }
    }

    /// The round-trip CDF of each Figure 5 latency scenario, every repetition's echoes pooled:
    /// one row per step of the pooled histogram's percentile distribution (finer toward the tail).
    public static func fig5LatencyCDF(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.fig5LatencyCDFColumns + ["samples", "repetitions", "experiment", "point"])
        for p in measured(points, .fig5Latency) {
            let pooled = pooledRTT(p)
            for step in pooled.cdf(scale: 1e-6) {
                t.append([p.point.rowName, n(step.value, 4), n(step.fraction, 6), "\(pooled.count)", "\(p.runs.count)",
                          p.point.experiment, p.point.label])
            }
        }
        return t
    }

    /// Stage order follows the first repetition; `share` is the stage's median over the sum of
    /// the stage medians of the same point.
    public static func fig6(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.fig6Columns
                         + ["ci95_low", "ci95_high", "count", "repetitions", "order", "experiment", "point",
                            "paper_total_cycles", "cycles_p999"])
        for p in measured(points, .fig6) {
            var order: [String] = []
            for r in p.runs { for s in r.result.extraPathStages where !order.contains(s.stage) { order.append(s.stage) } }
            let dists = order.map { name in
                Statistics.summarize(p.runs.compactMap { $0.result.extraPathStages.first { $0.stage == name }?.cyclesMedian })
            }
            let p99s = order.map { name in
                Statistics.median(p.runs.compactMap { $0.result.extraPathStages.first { $0.stage == name }?.cyclesP99 })
            }
            let p999s = order.map { name in
                Statistics.median(p.runs.compactMap { $0.result.extraPathStages.first { $0.stage == name }?.cyclesP999 })
            }
            let counts = order.map { name in
                p.runs.compactMap { $0.result.extraPathStages.first { $0.stage == name }?.count }.reduce(0, +)
            }
            let total = dists.reduce(0) { $0 + ($1.median.isFinite ? $1.median : 0) }
            let translation = p.point.config.translation.rawValue
            let paper = translation == "software" ? PaperReference.extraPathCyclesSoftware : nil
            for (i, name) in order.enumerated() {
                let d = dists[i]
                t.append([translation, name, n(d.median, 1), n(p99s[i], 1), n(total > 0 ? d.median / total : .nan, 4),
                          n(d.ci95Low, 1), n(d.ci95High, 1), "\(counts[i])", "\(p.runs.count)", "\(i)",
                          p.point.experiment, p.point.label, opt(paper), p999s[i].isFinite ? n(p999s[i], 1) : ""])
            }
        }
        return t
    }

    /// One row per component: the median over repetitions of its CPU percent. The system-idle
    /// scenario adds `system`: machine-wide busy CPU. `device` stands for hardware and is marked
    /// `counted_as_host = false`.
    public static func fig7(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.fig7Columns
                         + ["counted_as_host", "ci95_low", "ci95_high", "repetitions", "experiment", "point",
                            "paper_total_percent"])
        for p in measured(points, .fig7) {
            let paper = opt(PaperReference.cpuPercent[p.point.rowName])
            var rows: [(String, Bool, Distribution)] = []
            if p.point.scenario == .systemIdle {
                rows.append(("system", true, Statistics.summarize(p.runs.map { $0.result.systemCPUPercent })))
            }
            for comp in Component.allCases {
                let xs = p.runs.compactMap { $0.result.cpu.first { $0.component == comp }?.cpuPercent }
                guard !xs.isEmpty else { continue }
                rows.append((comp.rawValue, comp.countedAsHost, Statistics.summarize(xs)))
            }
            for (name, host, d) in rows {
                t.append([p.point.rowName, name, n(d.median, 3), "\(host)", n(d.ci95Low, 3), n(d.ci95High, 3),
                          "\(p.runs.count)", p.point.experiment, p.point.label, paper])
            }
        }
        return t
    }

    public static func fig8(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.fig8Columns
                         + ["physical_interrupts_per_s", "device_cpu_percent", "ci_exact", "repetitions", "experiment",
                            "point", "paper_cpu_percent"])
        for p in measured(points, .fig8) {
            let rs = p.runs.map(\.result)
            let cpu = Statistics.summarize(rs.map(\.hostCPU))
            t.append([p.point.rowName, n(cpu.median, 3), n(cpu.ci95Low, 3), n(cpu.ci95High, 3),
                      n(Statistics.median(rs.map(\.summary.goodputMbps)), 4),
                      n(Statistics.median(rs.map(\.virtualInterruptsPerSecond)), 1),
                      n(Statistics.median(rs.map(\.physicalInterruptsPerSecond)), 1),
                      n(Statistics.median(rs.map(\.summary.deviceCPUPercent)), 3),
                      "\(cpu.ciExact)", "\(p.runs.count)", p.point.experiment, p.point.label,
                      opt(PaperReference.optimizationCPUPercent[p.point.rowName])])
        }
        return t
    }

    /// Per repetition: category cycles over the run's wall cycles x 100; then the median.
    public static func table1(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.table1Columns
                         + ["cycles_median", "repetitions", "experiment", "point", "paper_percent"])
        for p in measured(points, .table1) {
            var keys: [(Component, TimeCategory)] = []
            for r in p.runs { for c in r.result.categories where !keys.contains(where: { $0 == (c.component, c.category) }) {
                keys.append((c.component, c.category))
            } }
            keys.sort { ($0.0.sortIndex, $0.1.sortIndex) < ($1.0.sortIndex, $1.1.sortIndex) }
            for (comp, cat) in keys {
                var pct: [Double] = [], cyc: [Double] = []
                for r in p.runs where r.result.wallCycles > 0 {
                    let c = r.result.categories.filter { $0.component == comp && $0.category == cat }.reduce(0) { $0 + $1.cycles }
                    pct.append(c / r.result.wallCycles * 100)
                    cyc.append(c)
                }
                t.append([p.point.rowName, comp.rawValue, cat.rawValue, n(Statistics.median(pct), 4),
                          n(Statistics.median(cyc), 0), "\(pct.count)", p.point.experiment, p.point.label,
                          opt(paperPercent(scenario: p.point.rowName, component: comp, category: cat, measured: keys))])
            }
        }
        return t
    }

    /// The paper's Table 1 value for a measured row: the same component and category, or, when
    /// the pipeline does that work in another component (e.g. the device model delivers virtual
    /// IRQs that KVM delivered in the paper), the paper's only row of that category, provided no
    /// measured row of this point matches that paper row exactly (each paper value is used once).
    static func paperPercent(scenario: String, component: Component, category: TimeCategory,
                             measured: [(Component, TimeCategory)]) -> Double? {
        if let exact = PaperReference.table1Percent(scenario: scenario, component: component.rawValue,
                                                    category: category.rawValue) { return exact }
        let rows = PaperReference.table1.filter { $0.category == category.rawValue }
        guard rows.count == 1, let row = rows.first,
              !measured.contains(where: { $0.0.rawValue == row.component && $0.1 == category }) else { return nil }
        // Several measured components may do that work; give the value to the first of them only.
        guard let first = measured.first(where: { $0.1 == category }), first.0 == component else { return nil }
        return row.value(scenario: scenario)
    }

    static func key(_ p: PointRecords, _ r: RunRecord) -> [String] {
        [p.point.experiment, p.point.figure.rawValue, p.point.label, p.point.rowName, "\(r.repetition)", "\(r.seed)"]
    }

    public static let rawSampleColumns = ResultLayout.rawKeyColumns + [
        "path", "direction", "workload", "translation", "coalesce_device_model", "coalesce_device",
        "packets_sent", "packets_delivered", "packets_dropped", "goodput_mbps", "frames_per_s",
        "interrupts_physical", "interrupts_virtual", "exits", "host_cpu_percent", "device_cpu_percent",
        "system_cpu_percent", "wall_seconds", "wall_cycles", "tsc_hz", "translations", "iotlb_hits", "iotlb_misses",
        "iommu_faults", "wakeups", "trap_backend", "interrupt_mechanism", "virtual_interrupts_per_s",
        "physical_interrupts_per_s", "extra_path_cycles", "rtt_ms_median", "steal_percent", "max_gap_us",
        "elapsed_seconds", "tool_goodput_mbps", "tool_rtt_ms_median", "cross_check_agrees", "other_instances",
        "competing_load",
    ]

    public static func rawSamples(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: rawSampleColumns)
        for p in points {
            for r in p.runs {
                let s = r.result.summary, c = r.result.config, res = r.result
                t.append(key(p, r) + [
                    s.path, s.direction, s.workload, c.translation.rawValue, "\(c.coalesceDeviceModel)", "\(c.coalesceDevice)",
                    "\(s.packetsSent)", "\(s.packetsDelivered)", "\(s.packetsDropped)", n(s.goodputMbps, 4),
                    n(s.framesPerSecond, 2), "\(s.interruptsPhysical)", "\(s.interruptsVirtual)", "\(s.exits)",
                    n(s.hostCPUPercent, 3), n(s.deviceCPUPercent, 3), n(res.systemCPUPercent, 3), n(s.wallSeconds, 6),
                    n(res.wallCycles, 0), n(res.tscHz, 0), "\(s.translations)", "\(s.iotlbHits)", "\(s.iotlbMisses)",
                    "\(s.iommuFaults)", "\(s.wakeups)", s.trapBackend, s.interruptMechanism,
                    n(res.virtualInterruptsPerSecond, 1), n(res.physicalInterruptsPerSecond, 1),
                    res.extraPathStages.isEmpty ? "" : n(res.extraPathCycles, 1),
                    res.rttMs.isEmpty ? "" : n(res.rttMedianMs, 4),
                    opt(r.stealPercent), n(r.maxGapUs, 1), n(r.elapsedSeconds, 3),
                    opt(res.traffic?.toolGoodputMbps), opt(res.traffic?.toolRTTMedianMs),
                    res.traffic.map { "\($0.crossCheck.agrees)" } ?? "",
                    (r.otherInstances ?? []).joined(separator: "; "),
                    (r.competingLoad ?? []).joined(separator: "; "),
                ])
            }
        }
        return t
    }

    public static func rawStages(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.rawKeyColumns + ["stage", "chain", "count", "cycles_median", "cycles_p90",
                                                              "cycles_p99", "cycles_mean", "cycles_p999", "cycles_max"])
        for p in points { for r in p.runs { for s in r.result.stages {
            t.append(key(p, r) + [s.stage, s.chain, "\(s.count)", n(s.cyclesMedian, 1), n(s.cyclesP90, 1),
                                  n(s.cyclesP99, 1), n(s.cyclesMean, 1), s.cyclesP999.map { n($0, 1) } ?? "",
                                  s.cyclesMax.map { n($0, 1) } ?? ""])
        } } }
        return t
    }

    public static func rawCPU(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.rawKeyColumns + ["component", "user_seconds", "system_seconds", "cpu_percent",
                                                              "counted_as_host", "voluntary_switches",
                                                              "involuntary_switches"])
        for p in points { for r in p.runs { for c in r.result.cpu {
            t.append(key(p, r) + [c.component.rawValue, n(c.userSeconds, 6), n(c.systemSeconds, 6), n(c.cpuPercent, 3),
                                  "\(c.countedAsHost)", "\(c.voluntarySwitches)", "\(c.involuntarySwitches)"])
        } } }
        return t
    }

    public static func rawCategories(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.rawKeyColumns + ["component", "category", "cycles", "wall_cycles",
                                                              "percent_of_total"])
        for p in points { for r in p.runs { for c in r.result.categories {
            let w = r.result.wallCycles
            t.append(key(p, r) + [c.component.rawValue, c.category.rawValue, n(c.cycles, 0), n(w, 0),
                                  n(w > 0 ? c.cycles / w * 100 : .nan, 4)])
        } } }
        return t
    }

    public static func rawRTT(_ points: [PointRecords]) -> CSVTable {
        var t = CSVTable(header: ResultLayout.rawKeyColumns + ["echo", "rtt_ms"])
        for p in points { for r in p.runs { for (i, x) in r.result.rttMs.enumerated() {
            t.append(key(p, r) + ["\(i)", n(x, 4)])
        } } }
        return t
    }
}

extension Component {
    var sortIndex: Int { Component.allCases.firstIndex(of: self) ?? 0 }
}

extension TimeCategory {
    var sortIndex: Int { TimeCategory.allCases.firstIndex(of: self) ?? 0 }
}

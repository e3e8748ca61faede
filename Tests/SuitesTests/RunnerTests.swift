import DataPaths
import Foundation
import Synchronization
import Testing
@testable import Suites

struct FixedEnvironment: RunEnvironment {
    func machineReport() -> JSONValue? {
        .object(["cpu": .object(["model": .string("test cpu")]), "kvm": .object(["flavour": .string("kvm_pvm")])])
    }
    func gitRevision() -> GitRevision? { GitRevision(commit: "abc123", dirty: false) }
    func cpuTimes() -> CPUTimes? { CPUTimes(busy: 100, idle: 900, steal: 0) }
}

func temporaryDirectory() -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("vwb-test-\(UUID().uuidString.prefix(8))").path
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

/// Removes a test run's results root (the run directory's parent).
func cleanup(_ out: RunOutcome) {
    try? FileManager.default.removeItem(atPath: (out.directory as NSString).deletingLastPathComponent)
}

/// Runs a suite with the fake executor into a fresh temporary results root.
/// Steal time grows by 10 % of all CPU time between any two readings: a very noisy host.
final class StealingEnvironment: RunEnvironment {
    let ticks = Mutex<UInt64>(0)
    func machineReport() -> JSONValue? { nil }
    func gitRevision() -> GitRevision? { nil }
    func cpuTimes() -> CPUTimes? {
        let t = ticks.withLock { $0 += 1; return $0 }
        return CPUTimes(busy: 50 * t, idle: 40 * t, steal: 10 * t)
    }
}

func runSuite(_ file: String, quick: Bool = true, executor: FakeExecutor = FakeExecutor(), control: RunControl = RunControl(),
              environment: any RunEnvironment = FixedEnvironment(),
              runID: String = "run", root: String = temporaryDirectory(), repetitions: Int? = nil,
              only: [String] = [], charts: Bool = false) throws -> RunOutcome {
    let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/" + file)
    var o = RunOptions()
    o.resultsRoot = root
    o.quick = quick
    o.runID = runID
    o.renderCharts = charts
    o.plotScripts = repositoryRoot + "/plots"
    o.probeGaps = false
    o.repetitions = repetitions
    o.only = only
    return try SuiteRunner(suite: suite, executor: executor, environment: environment, options: o, control: control).run()
}

@Suite struct RunnerTests {
    @Test func quickPaperSuiteEndToEnd() throws {
        let fake = FakeExecutor()
        let out = try runSuite("paper.yaml", executor: fake)
        defer { cleanup(out) }
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/paper.yaml")
        let points = suite.points(quick: true).count
        #expect(!out.interrupted && out.failures.isEmpty)
        #expect(out.measuredRuns == points * 2)
        // One warm-up per point, whose result is discarded.
        #expect(fake.callCount == points * 3)
        let dir = ResultsDirectory(path: out.directory)
        #expect(dir.table(ResultLayout.rawSamples)?.rows.count == points * 2)
        #expect(dir.table(ResultLayout.fig5Throughput)?.rows.count == 16)
        // Figure 5(a) rows say udp with the paper's UDP values, 5(b)'s (iperf3) tcp with its TCP ones.
        let fig5 = dir.records(ResultLayout.fig5Throughput)
        let udpRows = fig5.filter { $0["protocol"] == "udp" }, tcpRows = fig5.filter { $0["protocol"] == "tcp" }
        #expect(udpRows.count == 8 && tcpRows.count == 8)
        #expect(udpRows.allSatisfy { $0["experiment"]!.hasPrefix("fig5-") } && tcpRows.allSatisfy { $0["experiment"]!.hasPrefix("fig5b-") })
        #expect(udpRows.first { $0["scenario"] == "vwifi" && $0["direction"] == "tx" }?["paper_goodput_mbps"] == "22")
        #expect(udpRows.first { $0["scenario"] == "vwifi" && $0["direction"] == "rx" }?["paper_goodput_mbps"] == "18")
        #expect(tcpRows.filter { $0["scenario"] != "vwifi-iommu" }.allSatisfy { $0["paper_goodput_mbps"] == "20" })
        #expect(tcpRows.filter { $0["scenario"] == "vwifi-iommu" }.allSatisfy { $0["paper_goodput_mbps"] == "" })
        #expect(tcpRows.allSatisfy { abs($0.double("goodput_mbps")! - 19.6) < 0.5 })
        #expect(dir.table(ResultLayout.fig5Latency)?.rows.count == 4)
        // The latency distribution pools every echo of the raw file: each percentile is the
        // nearest-rank echo (within the histogram's 0.1 % and the files' 4 decimals), the maximum
        // the largest echo, and the CDF climbs to it.
        let rawRTT = dir.records(ResultLayout.rawRTT)
        let cdf = dir.records(ResultLayout.fig5LatencyCDF)
        for row in dir.records(ResultLayout.fig5Latency) {
            let scenario = row["scenario"]!
            let echoes = rawRTT.filter { $0["row"] == scenario }.compactMap { $0.double("rtt_ms") }.sorted()
            #expect(echoes.count == Int(row["samples"]!), "\(scenario)")
            for (column, p) in [("rtt_ms_p50", 50.0), ("rtt_ms_p90", 90), ("rtt_ms_p99", 99), ("rtt_ms_p999", 99.9)] {
                let exact = echoes[max(1, Int((p * Double(echoes.count) / 100 - 1e-9).rounded(.up))) - 1]
                let reported = row.double(column) ?? .nan
                #expect(reported >= exact - 1e-4 && reported <= exact * 1.001 + 1e-4, "\(scenario) \(column): \(reported) vs \(exact)")
            }
            #expect(abs((row.double("rtt_ms_max") ?? .nan) - echoes.last!) <= 1e-4, "\(scenario) max")
            let steps = cdf.filter { $0["scenario"] == scenario }
            let fractions = steps.compactMap { $0.double("fraction") }, values = steps.compactMap { $0.double("rtt_ms") }
            #expect(fractions.count > 10 && fractions.first == 0 && fractions.last == 1, "\(scenario)")
            #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 } && zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(abs(values.last! - echoes.last!) <= 1e-4)
        }
        #expect(dir.table(ResultLayout.fig8)?.rows.count == 4)
        // Headroom: one row per fig5 TX scenario, set against that scenario's fig5 TX run.
        let headroom = dir.records(ResultLayout.headroom)
        #expect(Set(headroom.compactMap { $0["scenario"] }) == ["native", "passthrough", "vwifi", "vwifi-iommu"])
        #expect(headroom.allSatisfy { $0["experiment"]!.hasPrefix("headroom-") && $0["air_experiment"]!.hasPrefix("fig5-") })
        let vwifiRoom = headroom.first { $0["scenario"] == "vwifi" }!
        let unpaced = vwifiRoom.double("frames_per_s_air_none")!, air = vwifiRoom.double("air_frames_per_s")!
        #expect(unpaced > 14_000 && unpaced < 16_000 && air > 1_900 && air < 2_000)
        #expect(abs(vwifiRoom.double("headroom")! - unpaced / air) < 0.01)
        #expect(abs(vwifiRoom.double("air_utilization")! - 0.6) < 0.01)
        // fig5's rows stay fig5's: the unpaced runs never mix into them.
        #expect(dir.records(ResultLayout.fig5Throughput).allSatisfy { $0.double("frames_per_s")! < 2_100 })
        let fig6 = dir.records(ResultLayout.fig6)
        #expect(Set(fig6.compactMap { $0["translation"] }) == ["software", "iommu"])
        let shares = fig6.filter { $0["translation"] == "software" }.compactMap { $0.double("share") }
        #expect(abs(shares.reduce(0, +) - 1) < 1e-3)
        let fig7 = dir.records(ResultLayout.fig7)
        #expect(fig7.contains { $0["scenario"] == "system-idle" && $0["component"] == "system" })
        #expect(fig7.contains { $0["component"] == "device" && $0["counted_as_host"] == "false" })
        // fig8 interrupts_per_s is virtual interrupts over wall seconds: coalescing by 10 divides it.
        let fig8 = dir.records(ResultLayout.fig8)
        let none = fig8.first { $0["configuration"] == "none" }!.double("interrupts_per_s")!
        let co = fig8.first { $0["configuration"] == "coalescing" }!.double("interrupts_per_s")!
        #expect(abs(none / co - 10) < 0.5)
        // Paper values only in paper columns.
        #expect(fig8.first { $0["configuration"] == "none" }!["paper_cpu_percent"] == "50.4")
        let table1 = dir.records(ResultLayout.table1)
        #expect(table1.contains { $0["scenario"] == "vwifi" && $0["category"] == "locking" && $0["paper_percent"] == "4.72" })
        // Metadata.
        let meta = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: out.directory + "/metadata.json")))
        #expect(meta["status"] == .string("complete"))
        #expect(meta["git"]?["commit"] == .string("abc123"))
        #expect(meta["kvm"]?["flavour"] == .string("kvm_pvm"))
        #expect(meta["suite"]?["sha256"] == .string(suite.fileHash))
        #expect(meta["counters_in_runs"]?["cycles"]?["reason"] == .string("no hardware PMU in this VM"))
        #expect(meta["started_at"] != nil && meta["ended_at"] != nil && meta["seed"] == .number(1))
        // SUMMARY states findings with verdicts.
        let summary = try String(contentsOfFile: out.directory + "/SUMMARY.md", encoding: .utf8)
        #expect(summary.contains("## Throughput parity: **agrees**"))
        #expect(summary.contains("## TCP throughput parity: **agrees**"))
        #expect(summary.contains("Set by the air model: every path's pipeline sustains more than 1.1x"))
        #expect(summary.contains("headroom.csv"))
        #expect(summary.contains("## Latency ordering: **agrees**"))
        #expect(summary.contains("Distributions (every echo of every repetition; p50 / p99 / p99.9 / max ms): native "))
        #expect(summary.contains("## CPU ordering"))
        #expect(summary.contains("## Saving of coalescing: **agrees**"))
        // Latest points at the run; no temporary files left.
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: (out.directory as NSString).deletingLastPathComponent + "/latest")) == "run")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.directory).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func csvHeadersAreStable() throws {
        let out = try runSuite("quick.yaml")
        defer { cleanup(out) }
        let dir = ResultsDirectory(path: out.directory)
        let expected: [(String, [String])] = [
            ("fig5_throughput.csv", ["scenario", "protocol", "direction", "goodput_mbps", "ci95_low", "ci95_high", "frames_per_s", "repetitions"]),
            ("fig5_latency.csv", ["scenario", "rtt_ms_median", "rtt_ms_p99", "ci95_low", "ci95_high", "samples"]),
            ("fig5_latency_cdf.csv", ["scenario", "rtt_ms", "fraction"]),
            ("fig6_extra_path.csv", ["translation", "stage", "cycles_median", "cycles_p99", "share"]),
            ("fig7_cpu.csv", ["scenario", "component", "cpu_percent"]),
            ("fig8_optimizations.csv", ["configuration", "cpu_percent", "ci95_low", "ci95_high", "goodput_mbps", "interrupts_per_s"]),
            ("table1_time.csv", ["scenario", "component", "category", "percent_of_total"]),
            ("headroom.csv", ["scenario", "frames_per_s_air_none", "ci95_low", "ci95_high", "air_frames_per_s", "headroom"]),
            ("raw_samples.csv", ["experiment", "figure", "point", "row", "repetition", "seed"]),
        ]
        for (file, columns) in expected {
            let header = dir.table(file)?.header ?? []
            #expect(Array(header.prefix(columns.count)) == columns, "\(file)")
        }
        // The sweep gives one raw row per point and repetition, labelled by its point.
        let raw = dir.records(ResultLayout.rawSamples).filter { $0["experiment"] == "coalescing-sweep" }
        #expect(raw.count == 5)
        #expect(raw.contains { $0["point"] == "coalesce-device-model=20" })
    }

    @Test func interleavedOrderIsSeededAndCoversEveryPointEachRound() throws {
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/paper.yaml")
        var o = RunOptions()
        o.repetitions = 3
        let a = try RunPlan(suite: suite, options: o)
        let b = try RunPlan(suite: suite, options: o)
        o.seed = 99
        let c = try RunPlan(suite: suite, options: o)
        let order = { (p: RunPlan) in p.runs.filter { !$0.isWarmup }.map(\.pointIndex) }
        #expect(order(a) == order(b))
        #expect(order(a) != order(c))
        let n = a.points.count
        let rounds = stride(from: 0, to: n * 3, by: n).map { Array(order(a)[$0..<$0 + n]) }
        for r in rounds { #expect(Set(r).count == n) }
        #expect(rounds[0] != rounds[1])   // shuffled per round, not repeated
        // Each point's warm-up precedes its first measured run; every measured run has its own seed.
        for i in 0..<n {
            let firstWarm = a.runs.firstIndex { $0.pointIndex == i && $0.isWarmup }!
            let firstRun = a.runs.firstIndex { $0.pointIndex == i && !$0.isWarmup }!
            #expect(firstWarm == firstRun - 1)
        }
        #expect(Set(a.runs.filter { !$0.isWarmup }.map(\.config.seed)).count == n * 3)
    }

    @Test func cancellationKeepsFinishedRunsAndWritesOnlyCompleteFiles() throws {
        let control = RunControl()
        let root = temporaryDirectory()
        let fake = FakeExecutor(cancelAfter: 7)
        let out = try runSuite("quick.yaml", executor: fake, control: control, root: root)
        defer { cleanup(out) }
        #expect(out.interrupted)
        #expect(out.measuredRuns > 0 && out.measuredRuns < out.plannedRuns)
        let dir = ResultsDirectory(path: out.directory)
        #expect(dir.table(ResultLayout.rawSamples)?.rows.count == out.measuredRuns)
        let meta = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: out.directory + "/metadata.json")))
        #expect(meta["status"] == .string("interrupted"))
        let names = try FileManager.default.contentsOfDirectory(atPath: out.directory)
        #expect(!names.contains { $0.contains(".tmp") })
        #expect(names.contains("SUMMARY.md"))
        // An interrupted run does not become `latest`.
        #expect(!FileManager.default.fileExists(atPath: root + "/latest"))
    }

    @Test func failingPointIsReportedAndOthersStillRun() throws {
        let fake = FakeExecutor(failWhen: { $0.workload == .ping })
        let out = try runSuite("quick.yaml", executor: fake)
        defer { cleanup(out) }
        #expect(out.failures.count == 1 && out.failures[0].contains("ping-vwifi"))
        #expect(ResultsDirectory(path: out.directory).table(ResultLayout.fig5Latency)?.rows.isEmpty == true)
        #expect(ResultsDirectory(path: out.directory).table(ResultLayout.fig5Throughput)?.rows.count == 2)
    }

    @Test func fewRepetitionsAreFlagged() throws {
        let out = try runSuite("quick.yaml")
        defer { cleanup(out) }
        #expect(out.warnings.contains { $0.contains("min-max") })
    }

    @Test func summarySaysDisagreesWhenTheMeasurementDoes() throws {
        // A vwifi path cheaper than native contradicts the paper's CPU ordering and savings.
        let out = try runSuite("paper.yaml", executor: FakeExecutor(pathCPUScale: [.vwifi: 0.2]), only: ["fig7"])
        defer { cleanup(out) }
        let summary = try String(contentsOfFile: out.directory + "/SUMMARY.md", encoding: .utf8)
        #expect(summary.contains("## CPU ordering: **disagrees**"))
        #expect(summary.contains("## Latency ordering: *not measured in this run*"))
        let agreeing = try runSuite("paper.yaml", only: ["fig7", "fig8"])
        defer { cleanup(agreeing) }
        let s2 = try String(contentsOfFile: agreeing.directory + "/SUMMARY.md", encoding: .utf8)
        #expect(s2.contains("## CPU ordering: **agrees**"))
        #expect(s2.contains("## Interrupt rate: **agrees**"))
    }

    @Test func aPipelineSlowerThanTheAirIsNamedInTheThroughputFinding() throws {
        let out = try runSuite("paper.yaml", executor: FakeExecutor(unpacedFramesPerSecond: [.passthrough: 1_500]),
                               only: ["fig5_throughput", "headroom"])
        defer { cleanup(out) }
        let summary = try String(contentsOfFile: out.directory + "/SUMMARY.md", encoding: .utf8)
        #expect(summary.contains("Not set by the air model alone: passthrough (its pipeline sustains only 0.7"))
        #expect(summary.contains("the pipeline, not the air, limited it"))
        let noHeadroom = try runSuite("paper.yaml", only: ["fig5_throughput"])
        defer { cleanup(noHeadroom) }
        let s2 = try String(contentsOfFile: noHeadroom.directory + "/SUMMARY.md", encoding: .utf8)
        #expect(s2.contains("What sets it was not measured in this run: no headroom runs"))
    }

    @Test func noisyMachineAndWideSpreadGetWarningsSayingWhatToDo() throws {
        let out = try runSuite("quick.yaml", executor: FakeExecutor(goodputJitter: 0.5), environment: StealingEnvironment(),
                               repetitions: 6, only: ["thr-native"])
        defer { cleanup(out) }
        #expect(out.warnings.contains { $0.hasPrefix("thr-native: steal time reached 10%") && $0.contains("rerun") })
        #expect(out.warnings.contains { $0.hasPrefix("thr-native: goodput_mbps spreads") && $0.contains("--repetitions 12") })
        #expect(!out.warnings.contains { $0.contains("min-max") })
        let raw = ResultsDirectory(path: out.directory).records(ResultLayout.rawSamples)
        #expect(raw.count == 6 && raw.allSatisfy { $0["steal_percent"] == "10" })
        let meta = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: out.directory + "/metadata.json")))
        #expect(meta["noise"]?["runs_with_steal_over_5_percent"] == .number(6))
        #expect(meta["git"] == .null)
    }

    @Test func aFigureWhoseVMRunsMixTrapBackendsIsFlagged() throws {
        let mixed = try runSuite("paper.yaml", executor: FakeExecutor(vwifiBackend: "kvm"), only: ["fig7"])
        defer { cleanup(mixed) }
        #expect(mixed.warnings.contains { $0.hasPrefix("fig7: its VM runs used different trap backends (kvm, thread)") })
        let summary = try String(contentsOfFile: mixed.directory + "/SUMMARY.md", encoding: .utf8)
        #expect(summary.contains("fig7 kvm + thread (**mixed**)"))
        let meta = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: mixed.directory + "/metadata.json")))
        #expect(meta["trap_backends_by_figure"]?["fig7"] == .array([.string("kvm"), .string("thread")]))

        let one = try runSuite("paper.yaml", only: ["fig7"])
        defer { cleanup(one) }
        #expect(!one.warnings.contains { $0.contains("different trap backends") })
        let s2 = try String(contentsOfFile: one.directory + "/SUMMARY.md", encoding: .utf8)
        #expect(s2.contains("Trap backend of the VM runs, per figure: fig7 thread."))
    }
}

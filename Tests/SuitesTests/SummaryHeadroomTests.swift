// SUMMARY's throughput finding says what set the rate from headroom.csv: the air model only
// when every path has headroom above the margin and kept the radio busy.
import DataPaths
import Foundation
import Testing
@testable import Suites

@Suite struct SummaryHeadroomTests {
    func directory(_ files: [String: String]) throws -> ResultsDirectory {
        let path = NSTemporaryDirectory() + "vw-headroom-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return ResultsDirectory(path: path)
    }

    let fig5 = """
        scenario,protocol,direction,goodput_mbps,ci95_low,ci95_high,frames_per_s,repetitions
        native,udp,tx,23.3,23.2,23.4,2008,6
        vwifi,udp,tx,23.2,23.1,23.3,2000,6
        native,udp,rx,23.1,23,23.2,1991,6
        vwifi,udp,rx,23,22.9,23.1,1983,6
        """

    func headroom(_ rows: String) -> String {
        "scenario,frames_per_s_air_none,ci95_low,ci95_high,air_frames_per_s,headroom,headroom_ci95_low,air_utilization,air_utilization_saturated\n" + rows
    }

    func finding(_ files: [String: String]) throws -> SummaryReport.Finding {
        let dir = try directory(files)
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        return SummaryReport.throughput(dir)
    }

    @Test func headroomAboveTheMarginAndABusyRadioIsTheAirModelsFinding() throws {
        let f = try finding([ResultLayout.fig5Throughput: fig5, ResultLayout.headroom: headroom("""
            native,100000,98000,103000,2008,49.8,48.8,0.601,0.5987
            vwifi,14000,13500,14500,2000,7,6.75,0.6,0.5987
            """)])
        #expect(f.agrees == true)
        #expect(f.measured.contains("native 100000 frames/s unpaced [98000, 103000] against 2008 frames/s on the air: 49.8x (48.8x at the low end), air utilization 0.601 of 0.599 saturated"))
        #expect(f.measured.contains("vwifi 14000 frames/s unpaced [13500, 14500] against 2000 frames/s on the air: 7x (6.75x at the low end)"))
        #expect(f.measured.contains("Set by the air model: every path's pipeline sustains more than 1.1x"))
        #expect(!f.measured.contains("not measured"))
    }

    @Test func aPathBelowTheAirsRateIsNamedAsPipelineLimited() throws {
        let f = try finding([ResultLayout.fig5Throughput: fig5, ResultLayout.headroom: headroom("""
            native,100000,98000,103000,2008,49.8,48.8,0.601,0.5987
            vwifi,1600,1550,1650,2000,0.8,0.775,0.48,0.5987
            """)])
        // Parity still comes from the goodput numbers alone.
        #expect(f.agrees == true)
        #expect(f.measured.contains("Not set by the air model alone: vwifi (its pipeline sustains only 0.8x the frames/s the air takes) could not keep the radio busy: the pipeline, not the air, limited it"))
        #expect(!f.measured.contains("Set by the air model:"))
        #expect(!f.measured.contains("native ("))
    }

    @Test func anIdleRadioIsPipelineLimitedEvenWithHeadroom() throws {
        let f = try finding([ResultLayout.fig5Throughput: fig5, ResultLayout.headroom: headroom("""
            native,100000,98000,103000,2008,49.8,48.8,0.601,0.5987
            vwifi,14000,13500,14500,2000,7,6.75,0.3,0.5987
            """)])
        #expect(f.measured.contains("Not set by the air model alone: vwifi (its fig5 TX run kept the air busy 50% of a saturated medium's time)"))
    }

    @Test func headroomWithinTheMarginOrAMissingRowIsNotShown() throws {
        let close = try finding([ResultLayout.fig5Throughput: fig5, ResultLayout.headroom: headroom("""
            native,2100,2050,2150,2008,1.05,1.02,0.6,0.5987
            """)])
        #expect(close.measured.contains("Not shown to be set by the air model: native (headroom 1.02x at the low end, within the 1.1x margin), vwifi (no headroom run)"))
        let spread = try finding([ResultLayout.fig5Throughput: fig5, ResultLayout.headroom: headroom("""
            native,100000,98000,103000,2008,49.8,48.8,0.601,0.5987
            vwifi,3000,2100,3200,2000,1.5,1.05,0.6,0.5987
            """)])
        #expect(spread.measured.contains("Not shown to be set by the air model: vwifi (headroom 1.05x at the low end, within the 1.1x margin)"))
        let unrecorded = try finding([ResultLayout.fig5Throughput: fig5, ResultLayout.headroom: headroom("""
            native,100000,98000,103000,2008,49.8,48.8,,
            vwifi,14000,13500,14500,2000,7,6.75,0.6,0.5987
            """)])
        #expect(unrecorded.measured.contains("Not shown to be set by the air model: native (its fig5 TX run's air utilization was not recorded)"))
    }

    @Test func withoutHeadroomRunsWhatSetsTheRateIsNotMeasured() throws {
        let f = try finding([ResultLayout.fig5Throughput: fig5])
        #expect(f.agrees == true)
        #expect(f.measured.contains("What sets it was not measured in this run: no headroom runs"))
        #expect(!f.measured.contains("Set by the air model"))
    }

    /// Figure 5(b)'s TCP rows have a finding of their own; the UDP finding and its headroom
    /// sentence never take them, even listed first.
    @Test func tcpRowsStayOutOfTheUDPFinding() throws {
        let tcp = """
            native,tcp,tx,19.6,19.5,19.7,1700,6
            vwifi,tcp,tx,12.1,12,12.2,1040,6
            native,tcp,rx,19.4,19.3,19.5,1690,6
            """
        let lines = fig5.split(separator: "\n")
        let both = ([lines[0]] + tcp.split(separator: "\n") + lines.dropFirst()).joined(separator: "\n")
        let files = [ResultLayout.fig5Throughput: both, ResultLayout.headroom: headroom("""
            native,100000,98000,103000,2008,49.8,48.8,0.601,0.5987
            vwifi,14000,13500,14500,2000,7,6.75,0.6,0.5987
            """)]
        let udp = try finding(files)
        #expect(udp.agrees == true)
        #expect(!udp.measured.contains("19.6") && !udp.measured.contains("12.1"))
        #expect(udp.measured.contains("native TX 23.3 Mbps") && udp.measured.contains("Set by the air model"))
        let dir = try directory(files)
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        let tcpFinding = SummaryReport.tcpThroughput(dir)
        #expect(tcpFinding.agrees == false)
        #expect(tcpFinding.measured.contains("vwifi TX 12.1 Mbps [12, 12.2] (0.617x native)"))
        #expect(!tcpFinding.measured.contains("23.3"))
    }

    /// Native's TCP rows alone (the VM paths' program runs failed or were not run) are no comparison.
    @Test func tcpParityNeedsAScenarioBesideNative() throws {
        let dir = try directory([ResultLayout.fig5Throughput: """
            scenario,protocol,direction,goodput_mbps,ci95_low,ci95_high,frames_per_s,repetitions
            native,tcp,tx,19.6,19.5,19.7,1700,6
            """])
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        let f = SummaryReport.tcpThroughput(dir)
        #expect(f.agrees == nil && f.measured.contains("only native was measured"))
        let none = try directory([ResultLayout.fig5Throughput: fig5])
        defer { try? FileManager.default.removeItem(atPath: none.path) }
        #expect(SummaryReport.tcpThroughput(none).agrees == nil)
    }

    /// headroom.csv sets each unpaced run against fig5's UDP TX run of its scenario, never the
    /// iperf3 TCP one, whichever comes first.
    @Test func headroomTakesFig5sUDPRunNotTheTCPOne() {
        func record(_ experiment: String, _ figure: Figure, _ traffic: Traffic, framesPerSecond: Double) -> PointRecords {
            var c = PathConfig(path: .native)
            c.traffic = traffic
            c.air = figure == .headroom ? .none : .ieee80211g
            var s = PathSummary(path: "native", direction: "tx", workload: "udp")
            s.framesPerSecond = framesPerSecond
            let point = ExperimentPoint(experiment: experiment, figure: figure, scenario: .native, optimization: nil,
                                        label: "default", sweptValues: [], config: c)
            return PointRecords(point: point, runs: [RunRecord(repetition: 0, seed: 1, result: PathResult(config: c, summary: s),
                                                               stealPercent: nil, maxGapUs: 0, elapsedSeconds: 1)])
        }
        let rows = FigureTables.headroom([record("fig5b-native", .fig5Throughput, .iperf3TCP, framesPerSecond: 1_700),
                                          record("fig5-native", .fig5Throughput, .builtin, framesPerSecond: 2_000),
                                          record("headroom-native", .headroom, .builtin, framesPerSecond: 100_000)]).records
        #expect(rows.count == 1)
        #expect(rows.first?["air_experiment"] == "fig5-native" && rows.first?["air_frames_per_s"] == "2000")
        #expect(rows.first?["headroom"] == "50")
    }

    @Test func headroomOnAnotherTrapBackendThanFig5IsFlagged() {
        func record(_ figure: Figure, _ backend: String) -> PointRecords {
            var s = PathSummary(path: "vwifi", direction: "tx", workload: "udp")
            s.trapBackend = backend
            let point = ExperimentPoint(experiment: "e", figure: figure, scenario: .vwifi, optimization: nil, label: "default",
                                        sweptValues: [], config: PathConfig(path: .vwifi))
            return PointRecords(point: point, runs: [RunRecord(repetition: 0, seed: 1, result: PathResult(config: point.config, summary: s),
                                                               stealPercent: nil, maxGapUs: 0, elapsedSeconds: 1)])
        }
        let mixed = FigureBackends.warnings([record(.fig5Throughput, "kvm"), record(.headroom, "thread")])
        #expect(mixed.contains { $0.hasPrefix("headroom: its VM runs used thread but fig5_throughput's used kvm") })
        #expect(FigureBackends.warnings([record(.fig5Throughput, "kvm"), record(.headroom, "kvm")]).isEmpty)
    }

    /// 802.11g long slot, 1450-byte payload (FIELD-NOTES): data 254 us + SIFS 10 + ACK 34 busy in
    /// a 498 us exchange; an 80-byte beacon at 6 Mbps (28 symbols: 138 us) every 102.4 ms.
    @Test func saturatedUtilizationFollowsTheExchangeAndTheBeacons() {
        var c = PathConfig(path: .native)
        c.size = 1450
        let expected = 138.0 / 102_400 + (1 - 188.0 / 102_400) * 298 / 498
        #expect(abs(FigureTables.saturatedUtilization(c)! - expected) < 1e-9)
        c.loss = 0.1
        #expect(FigureTables.saturatedUtilization(c) == nil)
        c.loss = 0
        c.air = .none
        #expect(FigureTables.saturatedUtilization(c) == nil)
    }
}

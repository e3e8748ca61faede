import DataPaths
import Foundation
import Measurement
import Testing
@testable import Suites

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

func suiteError(_ yaml: String, file: String = "t.yaml") -> SuiteError? {
    do { _ = try SuiteParser.parse(yaml, file: file); return nil } catch { return error }
}

/// Wraps one experiment's fields in a minimal suite.
func oneExperiment(_ body: String) -> String {
    "experiments:\n  - name: e\n" + body.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n") + "\n"
}

@Suite struct SuiteParserTests {
    @Test func paperSuiteCoversEveryFigure() throws {
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/paper.yaml")
        #expect(suite.repetitions == 6 && suite.quickRepetitions == 2 && suite.seed == 1)
        #expect(suite.fileHash.count == 64)
        let points = suite.points(quick: false)
        func rows(_ f: Figure) -> [String] { points.filter { $0.figure == f }.map(\.rowName) }
        #expect(Set(rows(.fig5Throughput)) == ["native", "passthrough", "vwifi", "vwifi-iommu"])
        #expect(rows(.fig5Throughput).count == 16)
        // Figure 5(a) is the harness's UDP stream; 5(b) real iperf3 TCP, both directions, every scenario.
        let fig5 = points.filter { $0.figure == .fig5Throughput }
        let tcp = fig5.filter { $0.config.transportProtocol == "tcp" }
        #expect(tcp.count == 8 && Set(tcp.map(\.rowName)) == Set(rows(.fig5Throughput)))
        #expect(fig5.filter { $0.config.transportProtocol == "udp" }.allSatisfy { $0.config.traffic == .builtin })
        #expect(tcp.allSatisfy { $0.experiment.hasPrefix("fig5b-") && $0.config.traffic == .iperf3TCP
                                 && $0.config.trafficArgs == ["-l", "1448", "-w", "416K"] && $0.config.duration == 3 })
        #expect(Set(tcp.map(\.config.direction)) == [.tx, .rx])
        #expect(tcp.first { $0.experiment == "fig5b-vwifi" }!.config.pagemap)
        #expect(tcp.filter { $0.experiment == "fig5b-vwifi-iommu" }.allSatisfy { $0.config.translation == .iommu })
        #expect(Set(rows(.fig5Latency)) == ["native", "passthrough", "vwifi", "vwifi-iommu"])
        #expect(Set(rows(.fig6)) == ["vwifi", "vwifi-iommu"])
        #expect(Set(rows(.fig7)) == ["system-idle", "vm-idle", "native", "passthrough", "vwifi"])
        #expect(Set(rows(.fig8)) == ["none", "coalescing", "iommu", "coalescing+iommu"])
        #expect(Set(rows(.table1)) == ["vwifi", "passthrough", "native"])
        // Headroom: every fig5 throughput scenario, TX, with the air model off; fig5 keeps the air.
        #expect(Set(rows(.headroom)) == Set(rows(.fig5Throughput)) && rows(.headroom).count == 4)
        #expect(points.filter { $0.figure == .headroom }.allSatisfy { $0.config.air == .none && $0.config.direction == .tx })
        #expect(points.filter { $0.figure == .fig5Throughput }.allSatisfy { $0.config.air == .ieee80211g })
        // Scenario and configuration meanings reach the configs.
        let byName = Dictionary(grouping: points, by: \.experiment)
        #expect(byName["fig5-vwifi-iommu"]!.allSatisfy { $0.config.translation == .iommu && $0.config.path == .vwifi })
        #expect(byName["opt-coalescing-iommu"]![0].config.coalesceDeviceModel == 10)
        #expect(byName["opt-coalescing-iommu"]![0].config.translation == .iommu)
        #expect(byName["opt-none"]![0].config.coalesceDeviceModel == 1)
        #expect(byName["cpu-vm-idle"]![0].config.workload == .idle && byName["cpu-vm-idle"]![0].config.path == .vwifi)
        #expect(byName["ping-native"]![0].config.workload == .ping && byName["ping-native"]![0].config.pingCount == 200)
        #expect(byName["fig5-native"]!.map(\.config.direction) == [.tx, .rx])
        // Quick overrides shorten runs.
        let quick = suite.points(quick: true)
        #expect(quick.first { $0.experiment == "fig5-native" }!.config.packets == 1000)
        #expect(quick.first { $0.experiment == "extra-path-software" }!.config.packets == 200)
        #expect(byName["extra-path-software"]![0].config.pagemap && byName["extra-path-software"]![0].config.rate == 200)
        #expect(quick.first { $0.experiment == "cpu-vm-idle" }!.config.duration == 1)
        #expect(quick.filter { $0.config.workload != .idle && !$0.config.traffic.isTool }.allSatisfy { $0.config.duration == nil })
        #expect(quick.filter { $0.experiment.hasPrefix("fig5b-") }.allSatisfy { $0.config.duration == 1 })
    }

    @Test func fullPaperSuiteFitsTheTimeBudget() throws {
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/paper.yaml")
        let full = try RunPlan(suite: suite, options: RunOptions())
        var q = RunOptions(); q.quick = true
        let quick = try RunPlan(suite: suite, options: q)
        #expect(full.estimatedSeconds < 720 && full.estimatedSeconds > 120)
        #expect(quick.estimatedSeconds < 90)
    }

    @Test func quickSuiteParsesWithASweep() throws {
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/quick.yaml")
        let sweep = suite.points(quick: false).filter { $0.experiment == "coalescing-sweep" }
        #expect(sweep.map(\.config.coalesceDeviceModel) == [1, 2, 5, 10, 20])
        #expect(sweep.map(\.label) == ["coalesce-device-model=1", "coalesce-device-model=2", "coalesce-device-model=5",
                                       "coalesce-device-model=10", "coalesce-device-model=20"])
    }

    @Test func sweepsMakeTheCartesianProductInFileOrder() throws {
        let s = try SuiteParser.parse(oneExperiment("""
            figure: custom
            path: vwifi
            sweep: { direction: [tx, rx], coalesce-device-model: [1, 10] }
            """), file: "t.yaml")
        #expect(s.points(quick: false).map(\.label) == [
            "direction=tx,coalesce-device-model=1", "direction=tx,coalesce-device-model=10",
            "direction=rx,coalesce-device-model=1", "direction=rx,coalesce-device-model=10"])
    }

    @Test func vmsFieldSetsSeveralVMsAndIsValidated() throws {
        let s = try SuiteParser.parse(oneExperiment("""
            figure: custom
            path: vwifi
            options: { vms: 2, packets: 100 }
            sweep: { vms: [1, 3] }
            """), file: "t.yaml")
        #expect(s.points(quick: false).map(\.config.vms) == [1, 3])
        #expect(suiteError(oneExperiment("figure: custom\npath: vwifi\noptions: { vms: 9 }"))?.description.contains("vms") == true)
        #expect(suiteError(oneExperiment("figure: custom\npath: native\noptions: { vms: 2 }"))?.description.contains("vms") == true)
    }

    /// Option fields are exactly the option table's names: each is taken under `defaults`,
    /// `options` and `sweep` (a bad value is then its error, not "unknown option"); only list
    /// options take a YAML list; the suite's own fields are not options.
    @Test func optionFieldsAreExactlyTheOptionTable() {
        for option in PathOption.all {
            let n = option.name
            for yaml in ["defaults: { \(n): zz }\nexperiments: []\n",
                         oneExperiment("figure: custom\npath: vwifi\noptions: { \(n): zz }"),
                         oneExperiment("figure: custom\npath: vwifi\nsweep: { \(n): [zz] }")] {
                #expect(suiteError(yaml)?.problem != "unknown option", "\(n) refused in:\n\(yaml)")
            }
            let list = suiteError(oneExperiment("figure: custom\npath: vwifi\noptions: { \(n): [a, b] }"))
            #expect((list?.problem == "takes one value, not a list") == (option.values != .list), "\(n) as a YAML list")
        }
        for key in Set(SuiteParser.suiteKeys + SuiteParser.experimentKeys).subtracting(PathOption.names) {
            #expect(suiteError("defaults: { \(key): 1 }\nexperiments: []\n")?.problem == "unknown option", "\(key)")
        }
    }

    /// A real program on a VM path parses as the path command will take it (`validate()` still
    /// refuses it there); the harness's checks and the program's own still apply.
    @Test(.enabled(if: ExecutableSearch.locate("iperf3") != nil, "iperf3 is not installed"))
    func aProgramOnAVMPathIsCheckedAsThePathCommandWill() throws {
        let s = try SuiteParser.parse(oneExperiment("""
            figure: fig5_throughput
            scenario: passthrough
            options: { traffic: iperf3-tcp, duration: 3 }
            """), file: "t.yaml")
        #expect(s.points(quick: false).map(\.config.traffic) == [.iperf3TCP])
        let harness = suiteError(oneExperiment("figure: custom\npath: passthrough\noptions: { traffic: iperf3-tcp, coalesce-device-model: 10 }"))
        #expect(harness?.field == "experiments[0].options.coalesce-device-model", "\(harness?.description ?? "parsed")")
        let program = suiteError(oneExperiment("figure: custom\npath: vwifi\noptions: { traffic: sockperf, direction: rx }"))
        #expect(program?.field == "experiments[0].options.direction", "\(program?.description ?? "parsed")")
    }

    @Test func optionErrorsCarryTheFileTheFieldPathAndTheContractsWording() {
        let e = suiteError("""
            experiments:
              - name: a
                figure: fig5_throughput
                scenario: native
              - name: b
                figure: fig8
                configuration: coalescing
                options: { coalesce-device-model: 0 }
            """, file: "Workloads/paper.yaml")
        #expect(e?.description == "Workloads/paper.yaml: experiments[1].options.coalesce-device-model: 0 is out of range; give a whole number from 1 to 4096")
    }

    /// Each malformed input, the field path its error must name and a word the fix must contain.
    static let cases: [(String, String, String, String)] = [
        ("yaml syntax", "experiments: [\n  - name: a", "", "YAML"),
        ("empty file", "", "", "experiments"),
        ("top level not a mapping", "- a\n- b\n", "(top level)", "indent"),
        ("unknown suite field", "experiment: []\n", "experiment", "experiments"),
        ("missing experiments", "name: x\n", "experiments", "list"),
        ("experiments not a list", "experiments: 3\n", "experiments", "name"),
        ("repetitions zero", "repetitions: 0\nexperiments: []\n", "repetitions", "1 to 1000"),
        ("bad seed", "seed: -4\nexperiments: []\n", "seed", "seed"),
        ("bad default option", "defaults: { packets: lots }\nexperiments: []\n", "defaults.packets", "whole number"),
        ("unknown default option", "defaults: { colour: red }\nexperiments: []\n", "defaults.colour", "coalesce-device-model"),
        ("experiment not a mapping", "experiments:\n  - 3\n", "experiments[0]", "indent"),
        ("missing name", "experiments:\n  - figure: fig6\n", "experiments[0].name", "unique"),
        ("unusable name", oneExperiment("figure: fig6").replacingOccurrences(of: "name: e", with: "name: a b"), "experiments[0].name", "letters"),
        ("unknown experiment field", oneExperiment("figure: fig6\nscenario: vwifi\npackets: 3"), "experiments[0].packets", "options"),
        ("missing figure", oneExperiment("scenario: vwifi"), "experiments[0].figure", "fig5_throughput"),
        ("bad figure", oneExperiment("figure: fig9"), "experiments[0].figure", "table1"),
        ("bad scenario", oneExperiment("figure: fig5_throughput\nscenario: wifi"), "experiments[0].scenario", "vwifi-iommu"),
        ("scenario not of figure", oneExperiment("figure: fig6\nscenario: native"), "experiments[0].scenario", "vwifi-iommu"),
        ("missing scenario", oneExperiment("figure: fig7"), "experiments[0].scenario", "system-idle"),
        ("fig8 with scenario", oneExperiment("figure: fig8\nscenario: vwifi"), "experiments[0].scenario", "configuration"),
        ("fig8 without configuration", oneExperiment("figure: fig8"), "experiments[0].configuration", "coalescing+iommu"),
        ("configuration outside fig8", oneExperiment("figure: fig7\nconfiguration: none"), "experiments[0].configuration", "scenario"),
        ("bad configuration", oneExperiment("figure: fig8\nconfiguration: both"), "experiments[0].configuration", "coalescing+iommu"),
        ("path contradicts scenario", oneExperiment("figure: fig7\nscenario: native\npath: vwifi"), "experiments[0].path", "native"),
        ("custom without path", oneExperiment("figure: custom"), "experiments[0].path", "passthrough"),
        ("unknown option", oneExperiment("figure: fig6\nscenario: vwifi\noptions: { packet: 5 }"), "experiments[0].options.packet", "packets"),
        ("option out of range", oneExperiment("figure: fig6\nscenario: vwifi\noptions: { ring-size: 100 }"), "experiments[0].options.ring-size", "power of two"),
        ("option list", oneExperiment("figure: fig6\nscenario: vwifi\noptions: { packets: [1, 2] }"), "experiments[0].options.packets", "sweep"),
        ("options not a mapping", oneExperiment("figure: fig6\nscenario: vwifi\noptions: 5"), "experiments[0].options", "indent"),
        ("sweep unknown option", oneExperiment("figure: custom\npath: vwifi\nsweep: { speed: [1] }"), "experiments[0].sweep.speed", "coalesce-device-model"),
        ("sweep not a list", oneExperiment("figure: custom\npath: vwifi\nsweep: { packets: 5 }"), "experiments[0].sweep.packets", "[1, 2, 5, 10, 20]"),
        ("sweep bad value", oneExperiment("figure: custom\npath: vwifi\nsweep: { coalesce-device-model: [1, 0] }"), "experiments[0].sweep.coalesce-device-model", "1 to 4096"),
        ("validate: native iommu", oneExperiment("figure: custom\npath: native\noptions: { translation: iommu }"), "experiments[0].options.translation", "native"),
        ("validate at sweep point", oneExperiment("figure: custom\npath: passthrough\nsweep: { coalesce-device-model: [1, 4] }"), "experiments[0].options.coalesce-device-model", "vwifi"),
        ("latency needs ping", oneExperiment("figure: fig5_latency\nscenario: native\noptions: { workload: udp }"), "experiments[0].options.workload", "drop"),
        ("throughput not ping", oneExperiment("figure: fig5_throughput\nscenario: native\noptions: { ping: 10 }"), "experiments[0].options.workload", "drop"),
        ("headroom rx", oneExperiment("figure: headroom\nscenario: native\noptions: { direction: rx }"), "experiments[0].options.direction", "drop `direction`"),
        ("headroom on the air", oneExperiment("figure: headroom\nscenario: vwifi\noptions: { air: 80211g }"), "experiments[0].options.air", "implies air: none"),
        ("headroom idle scenario", oneExperiment("figure: headroom\nscenario: vm-idle"), "experiments[0].scenario", "vwifi-iommu"),
        ("fig6 rx", oneExperiment("figure: fig6\nscenario: vwifi\noptions: { direction: rx }"), "experiments[0].options.direction", "direction"),
        ("vwifi with iommu", oneExperiment("figure: fig7\nscenario: vwifi\noptions: { translation: iommu }"), "experiments[0].options.translation", "vwifi-iommu"),
        ("coalescing configuration without coalescing", oneExperiment("figure: fig8\nconfiguration: coalescing\noptions: { coalesce-device-model: 1 }"), "experiments[0].options.coalesce-device-model", "10"),
        ("iommu configuration with software", oneExperiment("figure: fig8\nconfiguration: iommu\noptions: { translation: software }"), "experiments[0].options.translation", "drop"),
        ("idle without duration", oneExperiment("figure: fig7\nscenario: vm-idle"), "experiments[0].options.duration", "duration"),
        ("bad quick override", oneExperiment("figure: fig6\nscenario: vwifi\nquick: { packets: 0 }"), "experiments[0].quick.packets", "1 to"),
        ("quick makes it invalid", oneExperiment("figure: fig6\nscenario: vwifi\nquick: { warmup: 6000 }"), "experiments[0].options.warmup", "packets"),
        ("duplicate names", "experiments:\n  - {name: a, figure: fig6, scenario: vwifi}\n  - {name: a, figure: fig6, scenario: vwifi}\n", "experiments[1].name", "own name"),
        ("duplicate key", oneExperiment("figure: fig6\nfigure: fig7\nscenario: vwifi"), "", "duplicated key(s): 'figure'"),
    ]

    @Test(arguments: 0..<cases.count)
    func everyMalformedSuiteGetsOneClearError(_ i: Int) {
        let (what, yaml, field, fixWord) = Self.cases[i]
        guard let e = suiteError(yaml, file: "bad.yaml") else {
            Issue.record("\(what): accepted")
            return
        }
        #expect(e.file == "bad.yaml", "\(what)")
        #expect(e.field == field, "\(what): field \(e.field)")
        #expect((e.fix + " " + e.problem).contains(fixWord), "\(what): \(e.description)")
        #expect(e.description.hasPrefix("bad.yaml: "), "\(what)")
        #expect(!e.description.contains("\n"), "\(what): not one line")
    }

    @Test func unknownOnlyNameIsAnError() throws {
        let suite = try SuiteParser.load(path: repositoryRoot + "/Workloads/paper.yaml")
        var o = RunOptions()
        o.only = ["fig9"]
        #expect(throws: SuiteError.self) { try RunPlan(suite: suite, options: o) }
        o.only = ["fig8", "ping-native"]
        let plan = try RunPlan(suite: suite, options: o)
        #expect(Set(plan.points.map(\.experiment)) == ["opt-none", "opt-coalescing", "opt-iommu", "opt-coalescing-iommu", "ping-native"])
    }

    @Test func missingFileIsAnError() {
        #expect(throws: SuiteError.self) { try SuiteParser.load(path: "/nonexistent/suite.yaml") }
    }
}

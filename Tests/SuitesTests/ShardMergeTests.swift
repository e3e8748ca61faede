// A suite run in shards and merged gives the tables of one run; shards of different machines
// are refused unless told, and then every row says where it was measured.
import DataPaths
import Foundation
import Testing
@testable import Suites

struct OtherMachine: RunEnvironment {
    func machineReport() -> JSONValue? {
        .object(["cpu": .object(["model": .string("another cpu")]), "kvm": .object(["flavour": .string("kvm_pvm")])])
    }
    func gitRevision() -> GitRevision? { GitRevision(commit: "abc123", dirty: false) }
    func cpuTimes() -> CPUTimes? { CPUTimes(busy: 100, idle: 900, steal: 0) }
}

@Suite struct ShardMergeTests {
    @Test("2 shards merged: the figure tables of one run; the raw rows of one run")
    func twoShardsMergeIntoOneRun() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try runQuick(options(root: root, runID: "whole"))
        let a = try runQuick(options(root: root, runID: "a", shard: Shard(index: 1, count: 2)))
        let b = try runQuick(options(root: root, runID: "b", shard: Shard(index: 2, count: 2)))
        #expect(a.measuredRuns > 0 && b.measuredRuns > 0 && a.measuredRuns + b.measuredRuns == whole.measuredRuns)
        let merged = try ShardMerge.merge(shards: [b.directory, a.directory], into: root + "/merged", renderCharts: false)
        #expect(merged.status == "complete" && merged.measuredRuns == whole.measuredRuns)
        for name in derivedTables { #expect(text(merged.directory, name) == text(whole.directory, name), "\(name)") }
        for name in rawTables { #expect(rawRows(merged.directory, name) == rawRows(whole.directory, name), "\(name)") }
        // The merged directory is an ordinary one: report rebuilds it.
        #expect(try ResultsReport.rebuild(directory: merged.directory, renderCharts: false).status == "complete")
    }

    @Test("merge refuses a missing shard, a repeated one, a non-empty --out, and different machines unless allowed")
    func refusalsAndMixedMachines() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = try runQuick(options(root: root, runID: "a", shard: Shard(index: 1, count: 2)))
        let b = try runQuick(options(root: root, runID: "b", shard: Shard(index: 2, count: 2)), environment: OtherMachine())
        #expect(throws: ReportError.self) { try ShardMerge.merge(shards: [a.directory], into: root + "/m1", renderCharts: false) }
        #expect(throws: ReportError.self) { try ShardMerge.merge(shards: [a.directory, a.directory], into: root + "/m2", renderCharts: false) }
        #expect(throws: ReportError.self) { try ShardMerge.merge(shards: [a.directory, b.directory], into: a.directory, renderCharts: false) }
        do {
            _ = try ShardMerge.merge(shards: [a.directory, b.directory], into: root + "/m3", renderCharts: false)
            Issue.record("shards of different machines were merged")
        } catch let e as ReportError { #expect(e.description.contains("another cpu"), "\(e)") }
        for m in ["m1", "m2", "m3"] { #expect(!FileManager.default.fileExists(atPath: root + "/" + m), "nothing written: \(m)") }

        let mixed = try ShardMerge.merge(shards: [a.directory, b.directory], into: root + "/mixed", allowMixedMachines: true,
                                         renderCharts: false)
        let fig5 = try #require(ResultsDirectory(path: mixed.directory).table(ResultLayout.fig5Throughput))
        #expect(fig5.header.last == "machine")
        let machines = Set(ResultsDirectory(path: mixed.directory).records(ResultLayout.rawSamples).map { $0["machine"] ?? "" })
        #expect(machines.count == 2 && machines.allSatisfy { $0.hasPrefix("shard") }, "\(machines)")
    }
}

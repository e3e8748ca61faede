import DataPaths
import Foundation
import Testing
@testable import Bench

@Suite struct BenchRunTests {
    @Test func tinyBenchRunsEndToEnd() throws {
        var o = BenchOptions(repetitions: 1, stampCount: 2_000, spinRoundTrips: 200, blockingRoundTrips: 50,
                             path: PathRunSettings(packets: 600, warmup: 100))
        o.suite = .skip
        let report = try BenchRunner.run(o)
        let names = report.metrics.map(\.metric)
        var expected = ["stamp_cost", "handoff_spinning", "handoff_futex", "handoff_eventfd"]
        for p in PathKind.allCases {
            expected += ["path_overhead_\(p.rawValue)", "perturbation_\(p.rawValue)", "allocations_\(p.rawValue)"]
        }
        #expect(names == expected)
        for m in report.metrics where m.metric.hasPrefix("path_overhead") || m.metric.hasPrefix("perturbation") {
            #expect(m.value > 0, "\(m.metric) measured no rate")
            #expect((m.reference ?? 0) > 0, "\(m.metric) has no reference rate")
        }
        #expect(report.csv.split(separator: "\n").count == expected.count + 1)
    }

    @Test func harnessConfigurationMatchesTheReference() throws {
        let s = PathRunSettings(packets: 1_000, warmup: 100)
        let on = PathOverhead.harnessConfig(.vwifi, s, instrumented: true)
        let off = PathOverhead.harnessConfig(.vwifi, s, instrumented: false)
        #expect(on.air == .none && on.rate == nil && on.trap == .thread)
        #expect(on.stamps && !on.counters.isEmpty)
        #expect(!off.stamps && off.counters.isEmpty)
        try on.validate()
        try PathOverhead.harnessConfig(.native, s, instrumented: true).validate()
    }
}

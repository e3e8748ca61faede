import CPfm
import Testing
@testable import Measurement

@inline(never) func counterTestSink(_ value: UInt64) { _ = value }

@Suite struct CounterGroupTests {
    @Test func libpfmInitializes() {
        #expect(CounterGroup.libpfmInitializationResult == PFM_SUCCESS)
        #expect(pfm_initialize() == PFM_SUCCESS)
    }

    @Test func everyRequestedCounterIsAccountedFor() {
        let events = CounterGroup.defaultEvents + ["NO_SUCH_EVENT_XYZ"]
        let availability = CounterGroup.probe(events: events)
        #expect(availability.map(\.name) == events)
        for entry in availability where !entry.available {
            #expect(!entry.reason.isEmpty, "\(entry.name) is unavailable without a reason")
        }
        let unknown = availability.last!
        #expect(!unknown.available)
        #expect(unknown.reason.contains("libpfm4"), "\(unknown.reason)")
    }

    @Test func hardwareEventFailuresNameTheMissingPMU() {
        guard !PerfOpenFailure.hasHardwarePMU else { return }  // a machine with a PMU counts them
        let availability = CounterGroup.probe(events: ["cycles"])
        #expect(!availability[0].available)
        #expect(availability[0].reason.contains("no hardware PMU") || availability[0].reason.contains("libpfm4"),
                "\(availability[0].reason)")
    }

    @Test func taskClockGrowsWithWork() throws {
        let group = CounterGroup(events: ["perf::TASK-CLOCK", "perf::PAGE-FAULTS"])
        let taskClock = try #require(group.availability.first)
        try #require(taskClock.available, "perf::TASK-CLOCK unavailable here: \(taskClock.reason)")
        group.start()
        var x: UInt64 = 1
        for i in 0..<3_000_000 { x = x &* 6364136223846793005 &+ UInt64(i) }
        counterTestSink(x)
        let first = group.read()["perf::TASK-CLOCK"] ?? 0
        for i in 0..<3_000_000 { x = x &* 6364136223846793005 &+ UInt64(i) }
        counterTestSink(x)
        group.stop()
        let second = group.read()["perf::TASK-CLOCK"] ?? 0
        #expect(first > 0)
        #expect(second > first)
        var values: [Double] = []
        group.read(into: &values)
        #expect(values.count == group.openedEvents.count)
        #expect(values[group.openedEvents.firstIndex(of: "perf::TASK-CLOCK")!] == second, "stopped counters hold still")
        group.close()
    }
}

@Suite struct CounterGroupFallbackTests {
    @Test func aMemberThatCannotJoinIsOpenedAloneAndSaysSo() throws {
        // The kernel lets only a group leader be exclusive, so this member cannot join.
        let group = CounterGroup(events: ["perf::TASK-CLOCK", "perf::PAGE-FAULTS:excl=1"])
        defer { group.close() }
        let member = group.availability[1]
        try #require(group.availability[0].available)
        if member.available {
            #expect(member.reason.contains("opened alone"), "\(member.reason)")
            group.start()
            group.stop()
            #expect(group.read()["perf::PAGE-FAULTS:excl=1"] != nil)
        } else {
            #expect(!member.reason.isEmpty)
        }
    }
}

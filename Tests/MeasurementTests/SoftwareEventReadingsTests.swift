import Glibc
import Testing
@testable import Measurement

@Suite struct SoftwareEventReadingsTests {
    @Test func softwareEventsCountBetweenSnapshots() {
        let events = ["perf::TASK-CLOCK", "perf::CONTEXT-SWITCHES", "perf::PAGE-FAULTS"]
        let a = SoftwareEventReadings.Snapshot.take()
        var x = 0
        for i in 0..<2_000_000 { x &+= i &* i }
        usleep(2_000)  // a voluntary context switch
        let b = SoftwareEventReadings.Snapshot.take()
        let values = SoftwareEventReadings.values(events, from: a, to: b)
        #expect(x != 1)
        #expect((values["perf::TASK-CLOCK"] ?? 0) > 0)
        #expect((values["perf::CONTEXT-SWITCHES"] ?? 0) >= 1)
        #expect(values["perf::PAGE-FAULTS"] != nil)
    }

    @Test func onlyKernelSoftwareEventsAreTakenOverFromPerf() {
        #expect(SoftwareEventReadings.handles("perf::TASK-CLOCK"))
        #expect(!SoftwareEventReadings.handles("cycles"))
        #expect(!SoftwareEventReadings.handles("instructions"))
        #expect(SoftwareEventReadings.availability("perf::CONTEXT-SWITCHES").available)
    }
}

import Testing
@testable import DataPaths

/// The software events a pipeline reports come from the kernel's per-thread accounting, not
/// from perf events (see Measurement.SoftwareEventReadings).
@Suite struct PipelineCounterTests {
    @Test func pipelineReportsSoftwareEventsWithoutPerf() throws {
        var c = PathConfig(path: .native)
        c.air = .none
        c.packets = 400
        c.warmupPackets = 50
        c.counters = ["perf::TASK-CLOCK", "perf::CONTEXT-SWITCHES"]
        let r = try PipelineExecutor().run(c, control: RunControl())
        let taskClock = r.counters.filter { $0.event == "perf::TASK-CLOCK" }
        #expect(!taskClock.isEmpty)
        #expect(taskClock.allSatisfy { $0.available && ($0.value ?? -1) >= 0 })
        #expect(taskClock.contains { ($0.value ?? 0) > 0 })
    }
}

import CVWiFiShim
import Testing
@testable import Measurement

@Suite struct NoiseReportTests {
    @Test func snapshotsAdvanceAndReportFields() throws {
        let a = try #require(SystemCPUSnapshot.take())
        _ = vw_sleep_until_ns(vw_monotonic_ns() + 30_000_000)
        let b = try #require(SystemCPUSnapshot.take())
        let report = NoiseReport.between(a, b)
        #expect(report.wallSeconds > 0)
        #expect(report.stealPercent >= 0 && report.stealPercent <= 100)
        #expect(report.busyPercentOfOneCore >= 0)
        #expect(report.noisy == !report.warnings.isEmpty)
    }

    @Test func stealIsExplainedInWords() {
        let a = SystemCPUSnapshot(user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0,
                                  monotonicNanoseconds: 0, ticksPerSecond: 100)
        let b = SystemCPUSnapshot(user: 90, nice: 0, system: 0, idle: 100, iowait: 0, irq: 0, softirq: 0, steal: 10,
                                  monotonicNanoseconds: 1_000_000_000, ticksPerSecond: 100)
        let report = NoiseReport.between(a, b)
        #expect(abs(report.stealPercent - 5) < 1e-9)
        #expect(abs(report.busyPercentOfOneCore - 90) < 1e-9)
        #expect(report.noisy)
        #expect(report.warnings.contains { $0.contains("steal time 5.0%") })
    }

    @Test func gapProbeReportsOrderedFiniteGaps() {
        let before = vw_monotonic_ns()
        let gaps = NoiseReport.schedulingGapProbe(milliseconds: 20)
        let elapsedUs = Double(vw_monotonic_ns() - before) / 1000
        #expect(gaps.maxGapUs.isFinite && gaps.p99GapUs.isFinite)
        #expect(gaps.maxGapUs >= gaps.p99GapUs)
        #expect(gaps.maxGapUs <= elapsedUs, "a gap inside the probe cannot outlast the probe")
    }
}

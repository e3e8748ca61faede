import Testing
@testable import Bench

@Suite struct VerdictTests {
    @Test func cleanRatioBelowLimitIsMet() {
        let m = BenchMetric.judge(metric: "x", values: [30, 31, 30], references: [28, 28, 28],
                                  target: .ratioAtMost(1.2), unit: "", stealPercent: 0)
        #expect(m.verdict == .met)
        #expect(m.ratio != nil)
    }
}

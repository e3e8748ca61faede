import Testing
@testable import Platform

@Suite struct CoalescingTests {
    @Test func nCompletionsRaiseOneInterrupt() {
        var p = CoalescingPolicy(threshold: 10, timeoutNs: 2_000_000)
        var fired = 0
        for i in 0..<25 where p.completion(nowNs: Int64(i) * 1_000) { fired += 1 }
        #expect(fired == 2)
        #expect(p.firedByCount == 2 && p.firedByTimer == 0)
        #expect(p.pending == 5)
        let expectedDeadline: Int64 = 20_000 + 2_000_000  // oldest pending came at t = 20 us
        #expect(p.deadlineNs == expectedDeadline)
    }

    @Test func timerFlushesOnlyWhenSomethingIsPendingAndDue() {
        var p = CoalescingPolicy(threshold: 10, timeoutNs: 1_000)
        var fired = p.timerExpired(nowNs: 1_000_000)
        #expect(!fired)
        #expect(p.deadlineNs == nil)
        fired = p.completion(nowNs: 100)
        #expect(!fired)
        #expect(p.deadlineNs == 1_100)
        fired = p.timerExpired(nowNs: 1_099)
        #expect(!fired)
        fired = p.timerExpired(nowNs: 1_100)
        #expect(fired)
        #expect(p.firedByTimer == 1 && p.pending == 0)
        fired = p.timerExpired(nowNs: 5_000)
        #expect(!fired)
        #expect(p.firedByTimer == 1)
        _ = p.completion(nowNs: 6_000)
        p.reset()
        fired = p.timerExpired(nowNs: 100_000)
        #expect(p.pending == 0 && !fired)
    }

    @Test func thresholdOneFiresEveryTime() {
        var p = CoalescingPolicy(threshold: 1, timeoutNs: 0)
        for i in 0..<7 {
            let fired = p.completion(nowNs: Int64(i))
            #expect(fired)
        }
        #expect(p.firedByCount == 7 && p.pending == 0)
        #expect(CoalescingPolicy(threshold: 0, timeoutNs: -5).threshold == 1)
    }
}

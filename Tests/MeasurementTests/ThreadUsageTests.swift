import CVWiFiShim
import Synchronization
import Testing
@testable import Measurement

@inline(never) func usageTestSink(_ value: UInt64) { _ = value }

@Suite struct ThreadUsageTests {
    @Test func currentThreadAccumulatesCPUTime() {
        let before = ThreadUsage.current()
        var x: UInt64 = 3
        for i in 0..<5_000_000 { x = x &* 2862933555777941757 &+ UInt64(i) }
        usageTestSink(x)
        let spent = ThreadUsage.current() - before
        #expect(spent.cpuSeconds > 0)
        #expect(spent.voluntarySwitches >= 0)
    }

    @Test func anotherThreadsCPUTimeIsVisible() throws {
        final class Shared: Sendable {
            let tid = Atomic<Int32>(0)
            let phase = Atomic<Int>(0)  // 0 start, 1 first sample wanted, 2 busy done, 3 exit
        }
        let shared = Shared()
        let worker = try OSThread.start { tid in
            shared.tid.store(tid, ordering: .releasing)
            while shared.phase.load(ordering: .acquiring) == 0 { yieldBriefly() }
            var x: UInt64 = 7
            let end = vw_monotonic_ns() + 60_000_000  // 60 ms of real work, not a sleep
            while vw_monotonic_ns() < end { for i in 0..<1000 { x = x &* 31 &+ UInt64(i) } }
            usageTestSink(x)
            shared.phase.store(2, ordering: .releasing)
            while shared.phase.load(ordering: .acquiring) != 3 { yieldBriefly() }
        }
        while shared.tid.load(ordering: .acquiring) == 0 { yieldBriefly() }
        let tid = shared.tid.load(ordering: .acquiring)
        let before = try #require(ThreadUsage.of(tid: tid))
        shared.phase.store(1, ordering: .releasing)
        while shared.phase.load(ordering: .acquiring) != 2 { yieldBriefly() }
        let after = try #require(ThreadUsage.of(tid: tid))
        shared.phase.store(3, ordering: .releasing)
        worker.join()
        #expect(after.cpuSeconds > before.cpuSeconds)
        #expect(ThreadUsage.of(tid: -5) == nil)
    }
}

/// Sleeps 0.2 ms while a test thread waits, so waiting does not burn one of the two cores.
func yieldBriefly() {
    _ = vw_sleep_until_ns(vw_monotonic_ns() + 200_000)
}
